// A real OpenID Connect provider (panva's oidc-provider) for Reelboard's sign-on tests.
//
// node provider.mjs --port P --issuer URL --client-id ID --client-secret S --redirect-uri U
//                   [--rogue-jwks]
// Accounts come from the environment, OIDC_TEST_ACCOUNTS, as JSON:
//   {"alice": {"password": "pw", "email": "alice@example.com", "groups": ["reelboard-admins"]}}
// Prints "oidc-provider ready <issuer>" once it listens, and serves until it is killed.
// --rogue-jwks publishes a different public key under the signing key's id, so every ID token it
// issues fails verification: what a token forged with another key looks like to the client.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string' },
    issuer: { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true },
    'rogue-jwks': { type: 'boolean', default: false },
  },
});
for (const name of ['port', 'issuer', 'client-id', 'client-secret', 'redirect-uri']) {
  if (!args[name]) {
    console.error(`provider.mjs: --${name} is required`);
    process.exit(2);
  }
}
const accounts = JSON.parse(process.env.OIDC_TEST_ACCOUNTS || '{}');

// A fresh signing key per run: nothing secret is kept in the repository.
const KID = 'test-signing-key';
const newKey = () => ({
  ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
  kid: KID,
  use: 'sig',
  alg: 'RS256',
});
const signingKey = newKey();
const publicPart = ({ kty, n, e, kid, use, alg }) => ({ kty, n, e, kid, use, alg });
const rogueJwks = { keys: [publicPart(newKey())] };

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const provider = new Provider(args.issuer, {
  clients: [{
    client_id: args['client-id'],
    client_secret: args['client-secret'],
    redirect_uris: args['redirect-uri'],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['preferred_username', 'name'],
    groups: ['groups'],
  },
  scopes: ['openid', 'email', 'profile', 'groups'],
  features: { devInteractions: { enabled: false } },
  pkce: { required: () => true },
  async findAccount(ctx, sub) {
    const account = accounts[sub];
    if (!account) return undefined;
    return {
      accountId: sub,
      async claims() {
        return {
          sub,
          preferred_username: account.preferred_username ?? sub,
          email: account.email,
          email_verified: account.email !== undefined,
          groups: account.groups ?? [],
        };
      },
    };
  },
  // The one client is first-party: consent is granted without asking (as an enterprise
  // provider does for an application its administrator registered).
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile groups');
    await grant.save();
    return grant;
  },
  ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
});

function loginPage(res, uid, error) {
  res.writeHead(error ? 401 : 200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><title>Test provider sign-in</title>
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
${error ? `<p class="error">${escapeHtml(error)}</p>` : ''}
<input name="login" autocomplete="username"> <input name="password" type="password">
<button type="submit">Sign in</button></form>`);
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

// The interaction the provider hands the browser to: one login form, passwords checked.
async function interaction(req, res, uid, isSubmit) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  if (!isSubmit) {
    return loginPage(res, uid);
  }
  const form = await readForm(req);
  const name = form.get('login') ?? '';
  const account = accounts[name];
  if (!account || account.password !== form.get('password')) {
    return loginPage(res, uid, 'Wrong name or password');
  }
  return provider.interactionFinished(req, res, { login: { accountId: name } }, {
    mergeWithLastSubmission: false,
  });
}

const handle = provider.callback();
const server = createServer(async (req, res) => {
  const url = new URL(req.url, args.issuer);
  const match = url.pathname.match(/^\/interaction\/([^/]+)(\/login)?$/);
  try {
    if (match) {
      return await interaction(req, res, match[1], req.method === 'POST' && match[2]);
    }
    if (args['rogue-jwks'] && url.pathname === '/jwks') {
      res.writeHead(200, { 'content-type': 'application/jwk-set+json' });
      return res.end(JSON.stringify(rogueJwks));
    }
    return handle(req, res);
  } catch (error) {
    res.writeHead(400, { 'content-type': 'text/plain' });
    return res.end(`interaction failed: ${error.message}`);
  }
});

server.listen(Number(args.port), '127.0.0.1', () => {
  console.log(`oidc-provider ready ${args.issuer}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
