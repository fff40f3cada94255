/**
 * `node test/support/tcp-proxy-process.js <listenPort> <targetHost> <targetPort>`: a TCP proxy in a
 * process of its own, so a test can kill it (every connection dies at once, as when a server
 * goes away) and start it again on the same port. Prints "ready" when listening.
 */
const net = require('node:net');
const [listenPort, host, port] = process.argv.slice(2);
const server = net.createServer((client) => {
  const upstream = net.connect(Number(port), host);
  client.pipe(upstream).pipe(client);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close);
  upstream.on('error', close);
});
server.listen(Number(listenPort), '127.0.0.1', () => process.stdout.write(`ready ${server.address().port}\n`));
