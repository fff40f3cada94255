// A real OpenID Provider (the `oidc-provider` package) for the OAuth e2e tests. It is ESM,
// which Jest cannot load, so the test forks it as a plain Node child process and talks over IPC:
// it reports its port first, then builds the provider once told the app's redirect URI.
// Accounts are stateless: the login name is base64url JSON of {email, email_verified, name}.
import http from 'node:http';
import Provider from 'oidc-provider';

let handler = null;
const server = http.createServer((req, res) => {
  if (handler) return handler(req, res);
  res.statusCode = 503;
  res.end();
});

server.listen(0, '127.0.0.1', () => {
  process.send({ type: 'listening', port: server.address().port });
});

process.on('message', (message) => {
  if (message.type !== 'configure') return;
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: message.clientId,
        client_secret: message.clientSecret,
        redirect_uris: [message.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    async findAccount(_ctx, id) {
      const profile = JSON.parse(Buffer.from(id, 'base64url').toString('utf8'));
      return {
        accountId: id,
        async claims() {
          return { sub: id, email: profile.email, email_verified: profile.email_verified, name: profile.name };
        },
      };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    cookies: { keys: ['oidc-test-provider-cookie-key-0123456789'] },
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true },
  });
  handler = provider.callback();
  process.send({ type: 'ready', issuer });
});

process.on('disconnect', () => {
  server.close();
  process.exit(0);
});
