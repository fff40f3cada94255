import { startTestApp, type TestApp } from '../support/test-app';

describe('health and metadata', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers liveness and readiness over HTTPS without authentication', async () => {
    await t.http().get('/v1/health').expect(200, { status: 'ok' });
    await t.http().get('/v1/health/ready').expect(200, { status: 'ready', database: 'ok', redis: 'not_configured', mail: 'file' });
  });
});
