#!/usr/bin/env node
// A real OpenID Connect provider (the `oidc-provider` npm package) for
// Portico's tests. It runs on plain http on the loopback interface and is
// configured entirely from environment variables; see README.md beside this
// file for the exact HTTP steps of a sign-in.
//
//   OIDC_PORT                       port on 127.0.0.1 (default 9400); the issuer
//                                   is http://127.0.0.1:OIDC_PORT
//   OIDC_PROFILE                    `generic` (default) or `fapi2`
//   OIDC_CLIENT_ID                  the one registered client (default `portico`)
//   OIDC_CLIENT_SECRET              its secret (generic; default `portico-secret`)
//   OIDC_CLIENT_AUTH                token endpoint auth method of the client:
//                                   client_secret_basic (generic default),
//                                   client_secret_post, or private_key_jwt
//                                   (fapi2: always private_key_jwt, ES256)
//   OIDC_CLIENT_JWKS_URI            the client's public keys (needed for
//                                   private_key_jwt, so always for fapi2)
//   OIDC_REDIRECT_URIS              comma separated, required
//   OIDC_POST_LOGOUT_REDIRECT_URIS  comma separated, optional
//   OIDC_SUBJECT, OIDC_NAME, OIDC_EMAIL
//                                   the test account prefilled on the sign-in
//                                   form (defaults: alice, Alice Tan,
//                                   alice@example.com)
//   OIDC_DPOP_NONCE                 `true` makes the server demand DPoP nonces
//                                   (fapi2 only; default off)
//
// Stdout gets one line `oidc-provider ready at http://127.0.0.1:PORT` once the
// server listens (oidc-provider prints its own NOTICE lines there too; its
// WARNING lines go to stderr). SIGTERM and SIGINT stop it with exit code 0.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';

import Provider from 'oidc-provider';

// ---------------------------------------------------------------- settings

const env = process.env;
const list = (value) => (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);

const port = Number(env.OIDC_PORT ?? 9400);
const host = '127.0.0.1';
// oidc-provider has no https requirement of its own for the issuer or for
// redirect URIs of `web` clients using the code flow, so a plain-http issuer on
// loopback needs no special switch. What does need one is fetching the
// client's jwks_uri: oidc-provider refuses outgoing requests to special-use
// addresses (127.0.0.0/8 included) unless `fetch` is overridden; see below.
const issuer = `http://${host}:${port}`;
const profile = env.OIDC_PROFILE ?? 'generic';
if (!['generic', 'fapi2'].includes(profile)) {
  fail(`OIDC_PROFILE must be generic or fapi2, not ${profile}`);
}
const fapi2 = profile === 'fapi2';

const clientId = env.OIDC_CLIENT_ID ?? 'portico';
const clientAuth = fapi2 ? 'private_key_jwt' : (env.OIDC_CLIENT_AUTH ?? 'client_secret_basic');
if (!['client_secret_basic', 'client_secret_post', 'private_key_jwt'].includes(clientAuth)) {
  fail(`OIDC_CLIENT_AUTH ${clientAuth} is not supported`);
}
const redirectUris = list(env.OIDC_REDIRECT_URIS);
if (redirectUris.length === 0) fail('OIDC_REDIRECT_URIS is required');
const postLogoutRedirectUris = list(env.OIDC_POST_LOGOUT_REDIRECT_URIS);
const jwksUri = env.OIDC_CLIENT_JWKS_URI;
if (clientAuth === 'private_key_jwt' && !jwksUri) {
  fail('OIDC_CLIENT_JWKS_URI is required for private_key_jwt (and so for fapi2)');
}
const dpopNonce = fapi2 && env.OIDC_DPOP_NONCE === 'true';

const defaultAccount = {
  sub: env.OIDC_SUBJECT ?? 'alice',
  name: env.OIDC_NAME ?? 'Alice Tan',
  email: env.OIDC_EMAIL ?? 'alice@example.com',
};

function fail(message) {
  console.error(`provider.mjs: ${message}`);
  process.exit(2);
}

// ---------------------------------------------------------------- accounts

// Accounts signed in so far, by subject. The form may sign in any subject;
// one that is not the configured test account gets a derived name and email
// unless the form sent them.
const accounts = new Map([[defaultAccount.sub, defaultAccount]]);

function rememberAccount({ subject, name, email }) {
  const known = accounts.get(subject);
  const account = {
    sub: subject,
    name: name || known?.name || subject,
    email: email || known?.email || `${subject}@example.com`,
  };
  accounts.set(subject, account);
  return account;
}

async function findAccount(_ctx, sub) {
  const account = accounts.get(sub) ?? rememberAccount({ subject: sub });
  return {
    accountId: sub,
    // oidc-provider filters these by the granted scopes and `claims` below.
    async claims() {
      return { sub, name: account.name, email: account.email, email_verified: true };
    },
  };
}

// ---------------------------------------------------------------- keys

// Fresh signing keys on every start: RS256 for the generic profile (what most
// providers use), ES256 for FAPI 2.0 (which does not allow RS256).
function jwk(type, options, alg) {
  const { privateKey } = generateKeyPairSync(type, options);
  const key = privateKey.export({ format: 'jwk' });
  return { ...key, alg, use: 'sig', kid: `${alg.toLowerCase()}-${randomBytes(4).toString('hex')}` };
}
const signingKeys = fapi2
  ? [jwk('ec', { namedCurve: 'P-256' }, 'ES256')]
  : [jwk('rsa', { modulusLength: 2048 }, 'RS256'), jwk('ec', { namedCurve: 'P-256' }, 'ES256')];

// ---------------------------------------------------------------- the client

const client = {
  client_id: clientId,
  redirect_uris: redirectUris,
  post_logout_redirect_uris: postLogoutRedirectUris,
  response_types: ['code'],
  grant_types: ['authorization_code'],
  token_endpoint_auth_method: clientAuth,
  id_token_signed_response_alg: fapi2 ? 'ES256' : 'RS256',
};
if (clientAuth === 'private_key_jwt') {
  client.token_endpoint_auth_signing_alg = 'ES256';
  client.jwks_uri = jwksUri;
} else {
  client.client_secret = env.OIDC_CLIENT_SECRET ?? 'portico-secret';
}
if (fapi2) {
  // Tokens are bound to the DPoP key; the token endpoint refuses a request
  // without a DPoP proof.
  client.dpop_bound_access_tokens = true;
}

// ---------------------------------------------------------------- pages

const escape = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// Plain pages with no external resources (the default ones load web fonts).
function page(title, body) {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>body{font-family:sans-serif;max-width:30rem;margin:2rem auto;padding:0 1rem}label{display:block;margin-top:1rem}input{display:block;width:100%;padding:.4rem;font-size:1rem}button{margin-top:1rem;padding:.5rem 1rem;font-size:1rem}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

function signInPage(uid, details) {
  const scope = details.params.scope ?? '';
  return page('Sign in', `<h1>Sign in</h1>
<p>Test identity provider at ${escape(issuer)} (${escape(profile)}). The client <code>${escape(details.params.client_id)}</code> asks for: <code>${escape(scope)}</code>.</p>
<form method="post" action="/interaction/${escape(uid)}/login">
<label for="subject">Subject</label>
<input id="subject" name="subject" value="${escape(defaultAccount.sub)}" required autocomplete="username">
<label for="name">Name</label>
<input id="name" name="name" value="${escape(defaultAccount.name)}" autocomplete="name">
<label for="email">Email</label>
<input id="email" name="email" type="email" value="${escape(defaultAccount.email)}" autocomplete="email">
<button type="submit">Sign in</button>
</form>
<form method="post" action="/interaction/${escape(uid)}/abort">
<button type="submit">Cancel</button>
</form>`);
}

// ---------------------------------------------------------------- provider

const scopes = ['openid', 'profile', 'email'];
// The requested scopes that this provider knows, space separated.
const supportedScopes = (scope) => String(scope ?? '').split(' ').filter((s) => scopes.includes(s)).join(' ');

const configuration = {
  clients: [client],
  jwks: { keys: signingKeys },
  findAccount,
  claims: {
    openid: ['sub'],
    profile: ['name'],
    email: ['email', 'email_verified'],
  },
  scopes,
  responseTypes: ['code'],
  // Put the claims of the granted scopes into the ID token as well, not only
  // into the userinfo response.
  conformIdTokenClaims: false,
  // Never ask for consent: the grant of an already signed-in user simply
  // gains whatever scopes the client asks for (a first-party client).
  async loadExistingGrant(ctx) {
    const { client, session, account, provider: op } = ctx.oidc;
    const grantId = ctx.oidc.result?.consent?.grantId || session.grantIdFor(client.clientId);
    let grant = grantId ? await op.Grant.find(grantId) : undefined;
    if (grant?.accountId !== account.accountId) {
      grant = new op.Grant({ accountId: account.accountId, clientId: client.clientId });
    }
    grant.addOIDCScope(supportedScopes(ctx.oidc.params.scope));
    await grant.save();
    return grant;
  },
  // PKCE (S256) on every authorization request, in both profiles.
  pkce: { required: () => true },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  // Outgoing requests (the client's jwks_uri) go to Portico on loopback: drop
  // the SSRF guard that refuses special-use addresses such as 127.0.0.1.
  fetch: (url, options) => {
    const { dispatcher, ...rest } = options;
    return globalThis.fetch(url, rest);
  },
  features: {
    devInteractions: { enabled: false }, // the routes below replace them
    userinfo: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        // `form` is an empty <form id="op.logoutForm"> holding the xsrf input.
        ctx.body = page('Sign out', `<h1>Sign out</h1>
<p>Sign out of the test identity provider at ${escape(issuer)}?</p>
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>
<button type="submit" form="op.logoutForm">Stay signed in</button>`);
      },
      async postLogoutSuccessSource(ctx) {
        ctx.body = page('Signed out', '<h1>Signed out</h1>');
      },
    },
    pushedAuthorizationRequests: {
      enabled: true,
      requirePushedAuthorizationRequests: fapi2,
    },
    dPoP: fapi2
      ? { enabled: true, nonceSecret: dpopNonce ? randomBytes(32) : undefined, requireNonce: () => dpopNonce }
      : { enabled: false },
    fapi: fapi2 ? { enabled: true, profile: '2.0' } : { enabled: false },
  },
  renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Error', `<h1>Error</h1>
<dl>${Object.entries(out).map(([k, v]) => `<dt>${escape(k)}</dt><dd>${escape(v)}</dd>`).join('')}</dl>`);
  },
};
if (fapi2) {
  configuration.clientAuthMethods = ['private_key_jwt'];
  configuration.enabledJWA = {
    clientAuthSigningAlgValues: ['ES256'],
    dPoPSigningAlgValues: ['ES256'],
    idTokenSigningAlgValues: ['ES256'],
  };
}

const provider = new Provider(issuer, configuration);
// Say on stderr why a request was refused: the response only carries a short
// error_description, the detail (e.g. a failed client assertion) is here.
provider.on('server_error', (_ctx, error) => console.error('server_error', error));
for (const event of [
  'authorization.error',
  'pushed_authorization_request.error',
  'grant.error',
  'userinfo.error',
  'end_session.error',
]) {
  provider.on(event, (_ctx, error) => {
    const cause = error.cause ? ` (cause: ${error.cause.message ?? error.cause})` : '';
    console.error(`${event}: ${error.message}: ${error.error_description ?? ''} ${error.error_detail ?? ''}${cause}`);
  });
}

// ---------------------------------------------------------------- interactions

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res, status, html) {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(html);
}

// Signs the account in and grants every requested scope in one step, so that
// no separate consent screen follows.
async function finishLogin(req, res, form) {
  const details = await provider.interactionDetails(req, res);
  let accountId = details.session?.accountId;
  const result = {};
  if (details.prompt.name === 'login') {
    const subject = (form.get('subject') ?? '').trim();
    if (!subject) {
      return send(res, 400, page('Sign in', '<h1>Sign in</h1><p role="alert">A subject is required.</p>'));
    }
    rememberAccount({ subject, name: form.get('name')?.trim(), email: form.get('email')?.trim() });
    accountId = subject;
    result.login = { accountId };
  }
  let grant = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
  if (grant?.accountId !== accountId) {
    grant = new provider.Grant({ accountId, clientId: details.params.client_id });
  }
  grant.addOIDCScope(supportedScopes(details.params.scope));
  result.consent = { grantId: await grant.save() };
  return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
}

async function interactions(req, res, uid, action) {
  if (req.method === 'GET' && action === undefined) {
    const details = await provider.interactionDetails(req, res);
    return send(res, 200, signInPage(uid, details));
  }
  if (req.method === 'POST' && action === 'login') {
    return finishLogin(req, res, await readForm(req));
  }
  if (req.method === 'POST' && action === 'abort') {
    return provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'the user cancelled the sign-in' },
      { mergeWithLastSubmission: false },
    );
  }
  return send(res, 405, page('Not allowed', '<h1>Method not allowed</h1>'));
}

// ---------------------------------------------------------------- server

const oidc = provider.callback();
const server = http.createServer((req, res) => {
  const match = /^\/interaction\/([\w-]+)(?:\/(login|abort))?\/?(?:\?.*)?$/.exec(req.url);
  if (!match) return oidc(req, res);
  interactions(req, res, match[1], match[2]).catch((error) => {
    // Typically an expired or unknown interaction (no or stale cookie).
    console.error('interaction failed:', error.message);
    if (!res.headersSent) {
      send(res, 400, page('Error', `<h1>Sign-in failed</h1><p role="alert">${escape(error.message)}</p>`));
    }
  });
});

server.listen(port, host, () => {
  console.log(`oidc-provider ready at ${issuer}`);
});

function stop() {
  server.close(() => process.exit(0));
  server.closeAllConnections();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
