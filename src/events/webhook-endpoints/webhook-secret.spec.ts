import { Webhook } from 'standardwebhooks';
import { newWebhookSecret, signWebhook } from './webhook-secret';

describe('webhook signatures', () => {
  it('match the Standard Webhooks reference implementation, one per secret', () => {
    const [a, b] = [newWebhookSecret(), newWebhookSecret()];
    const body = '{"id":"evt_1","type":"number.released"}';
    const at = new Date('2026-12-01T10:00:00Z');
    const header = signWebhook([a, b], 'evt_1', at.getTime() / 1000, body);
    expect(header.split(' ')).toEqual([new Webhook(a).sign('evt_1', at, body), new Webhook(b).sign('evt_1', at, body)]);
  });

  it('makes secrets of 32 random bytes in the whsec_ form', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(newWebhookSecret()).not.toBe(secret);
  });
});
