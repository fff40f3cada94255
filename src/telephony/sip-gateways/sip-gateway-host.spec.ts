import { gatewayHostReach, normaliseGatewayHost } from './sip-gateway-host';

const reach = (value: string) => {
  const host = normaliseGatewayHost(value);
  return host === null ? 'malformed' : gatewayHostReach(host);
};

describe('gatewayHostReach', () => {
  it.each(['sbc1.example.com', 'sip.carrier.de', '93.184.216.34', '8.8.8.8', '2a00:1450:4001:82a::200e', '2606:4700::1111', '::ffff:93.184.216.34'])(
    '%s is public',
    (host) => expect(reach(host)).toBe('public'),
  );

  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '::1',
    '169.254.169.254',
    'fe80::1',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.254',
    '192.168.1.1',
    '100.64.0.1',
    '100.127.255.254',
    'fc00::1',
    'fd12:3456:789a::1',
    'fec0::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '::ffff:169.254.169.254',
    '::ffff:7f00:1',
    'localhost',
    'LOCALHOST',
    'sbc.localhost',
    'printer.local',
    'sbc.internal',
    'router.home.arpa',
  ])('%s is internal', (host) => expect(reach(host)).toBe('internal'));

  it.each([
    '0.0.0.0',
    '0.1.2.3',
    '::',
    '255.255.255.255',
    '224.0.0.1',
    '239.255.255.250',
    'ff02::1',
    '192.0.2.10',
    '198.51.100.7',
    '203.0.113.9',
    '198.18.0.1',
    '240.0.0.1',
    '192.0.0.8',
    '2001:db8::1',
    '3fff::1',
    '2002:7f00:1::1',
    '2001:0:4136:e378:8000:63bf:3fff:fdd2',
    '64:ff9b::a00:1',
    '::7f00:1',
    '::127.0.0.1',
    '100::1',
    'fe80::1%eth0',
    'fe80::1%1',
    '2606:4700::1111%eth0',
    '::ffff:0.0.0.0',
    '::ffff:255.255.255.255',
  ])('%s is unroutable', (host) => expect(reach(host)).toBe('unroutable'));

  it.each(['127.1', '0x7f.0.0.1', '2130706433', '127.000.000.001', '[::1]', 'localhost.', 'sbc:5060'])('%s is not a host at all', (host) =>
    expect(reach(host)).toBe('malformed'),
  );
});
