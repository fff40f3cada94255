import type { Request, Response } from 'express';
import { httpsOnlyBehindProxy } from './https-only.middleware';

/** Which requests TRUST_PROXY mode lets through: the decision alone, for peers a test cannot connect from. */
describe('HTTPS only behind a trusted proxy, health probes excepted', () => {
  const gate = httpsOnlyBehindProxy(['10.0.0.0/8'], ['192.168.7.0/24']);

  function verdict(remoteAddress: string, method: string, url: string, proto?: string): number | 'passed' {
    const req = { socket: { remoteAddress }, method, url, headers: proto ? { 'x-forwarded-proto': proto } : {} } as unknown as Request;
    let status: number | 'passed' = 'passed';
    const res = {
      headersSent: false,
      setHeader: () => undefined,
      status(code: number) {
        status = code;
        return this;
      },
      json: () => undefined,
    } as unknown as Response;
    gate(req, res, () => undefined);
    return status;
  }

  it('lets a PROBE_SOURCES address (a kubelet) and loopback reach liveness and readiness without TLS', () => {
    expect(verdict('192.168.7.12', 'GET', '/v1/health')).toBe('passed');
    expect(verdict('192.168.7.12', 'GET', '/v1/health/ready?verbose=1')).toBe('passed');
    expect(verdict('::ffff:127.0.0.1', 'GET', '/v1/health')).toBe('passed');
    expect(verdict('::1', 'HEAD', '/v1/health/ready')).toBe('passed');
  });

  it('refuses everything else from those addresses, and probes from anywhere else', () => {
    expect(verdict('192.168.7.12', 'GET', '/v1/account')).toBe(403);
    expect(verdict('192.168.7.12', 'POST', '/v1/health')).toBe(403);
    expect(verdict('192.168.8.1', 'GET', '/v1/health')).toBe(403);
    expect(verdict('127.0.0.1', 'GET', '/v1/health/../account')).toBe(403);
  });

  it('still serves the trusted proxy when it says HTTPS, and only then', () => {
    expect(verdict('10.1.2.3', 'GET', '/v1/account', 'https')).toBe('passed');
    expect(verdict('10.1.2.3', 'GET', '/v1/account', 'http')).toBe(403);
    expect(verdict('192.168.7.12', 'GET', '/v1/account', 'https')).toBe(403);
  });
});
