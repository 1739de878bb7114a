// A real OpenID Provider for the sign-in tests: panva's certified oidc-provider,
// on loopback only, with one confidential client and the test users in users.json.
//
//   node provider.mjs [--port 0] [--client-id ID] [--client-secret SECRET]
//                     [--redirect-uri URI ...] [--users users.json] [--parent-pid PID]
//
// With --parent-pid it exits once that process is gone (a test run that was killed).
//
// Prints "oidc-provider listening on ISSUER" once it answers. With --port 0 (the
// default) the system picks a free port, so there is no race for one.
//
// Sign-in is one page: type a test user's email (no password) and press "Sign in".
// Consent is granted without a page, as an organisation's own IdP does for its
// own apps. Streamlit asks for prompt=select_account (as Entra ID and Google
// accept), so that prompt is registered too: every st.login() shows the form.
//
// The client is registered as application_type "native" so that, per RFC 8252
// section 7.3, a loopback redirect URI matches on any port: tests start app
// servers on free ports and write redirect_uri "http://127.0.0.1:{port}/oauth2callback"
// (Streamlit fills in its own port). Scheme, host and path still match exactly,
// so 127.0.0.1 and localhost are registered apart (the defaults register both).
// A real IdP (Entra ID, Google) matches the redirect URI exactly, port included.

import { generateKeyPairSync, randomBytes, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { parseArgs } from 'node:util';

import Provider, { interactionPolicy } from 'oidc-provider';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'client-id': { type: 'string', default: 'outcomes-tests' },
    'client-secret': { type: 'string', default: 'outcomes-tests-secret' },
    'redirect-uri': {
      type: 'string',
      multiple: true,
      default: ['http://127.0.0.1/oauth2callback', 'http://localhost/oauth2callback'],
    },
    users: { type: 'string', default: new URL('./users.json', import.meta.url).pathname },
    'parent-pid': { type: 'string' },
  },
});

// --- the test users -----------------------------------------------------------

function subjectFor(email) {
  // Stable and opaque, like a real IdP's `sub`; never the email itself.
  return createHash('sha256').update(email).digest('hex').slice(0, 24);
}

const USERS = new Map(
  JSON.parse(readFileSync(args.users, 'utf8')).map((user) => {
    const email = user.email.toLowerCase();
    return [subjectFor(email), { ...user, email, sub: subjectFor(email) }];
  }),
);

function userByEmail(email) {
  const wanted = String(email || '').trim().toLowerCase();
  return [...USERS.values()].find((user) => user.email === wanted);
}

async function findAccount(_ctx, sub) {
  const user = USERS.get(sub);
  if (!user) return undefined;
  return {
    accountId: sub,
    async claims() {
      return {
        sub,
        email: user.email,
        email_verified: user.email_verified ?? true,
        name: user.name,
        preferred_username: user.email,
      };
    },
  };
}

// --- pages (plain HTML: no fonts or scripts from elsewhere) ---------------------

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title, body) {
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(title)} - test identity provider</title>
  <style>
    body { font-family: Arial, sans-serif; color: #0b0c0c; max-width: 32rem; margin: 3rem auto; padding: 0 1rem; }
    label { display: block; font-weight: bold; margin: 1rem 0 .25rem; }
    input { font-size: 1rem; padding: .4rem; width: 100%; box-sizing: border-box; }
    button { font-size: 1rem; padding: .5rem 1rem; margin: 1rem .5rem 0 0; background: #00703c; color: #fff; border: 0; cursor: pointer; }
    button.secondary { background: #f3f2f1; color: #0b0c0c; }
    .error { color: #d4351c; font-weight: bold; }
    code { background: #f3f2f1; padding: 0 .2rem; }
  </style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

function signInPage(uid, clientName, { email = '', error = '' } = {}) {
  const users = [...USERS.values()].map((user) => `<li><code>${escapeHtml(user.email)}</code> (${escapeHtml(user.name)})</li>`).join('\n');
  return page('Sign in', `
  <h1>Sign in</h1>
  <p>to ${escapeHtml(clientName)}. This is the test identity provider: no password is asked.</p>
  ${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
  <form method="post" action="/interaction/${escapeHtml(uid)}/login" autocomplete="off">
    <label for="email">Email address</label>
    <input id="email" name="email" type="email" required autofocus value="${escapeHtml(email)}">
    <button type="submit">Sign in</button>
  </form>
  <h2>Test users</h2>
  <ul>
  ${users}
  </ul>`);
}

async function logoutSource(ctx, form) {
  ctx.body = page('Sign out', `
  <h1>Sign out</h1>
  <p>Sign out of the test identity provider?</p>
  ${form}
  <button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out</button>
  <button type="submit" form="op.logoutForm" class="secondary">Stay signed in</button>`);
}

async function postLogoutSuccessSource(ctx) {
  ctx.body = page('Signed out', '<h1>Signed out</h1><p>You have signed out of the test identity provider.</p>');
}

async function renderError(ctx, out) {
  ctx.type = 'html';
  ctx.body = page('Error', `
  <h1>Sign-in error</h1>
  <p role="alert"><code>${escapeHtml(out.error)}</code>: ${escapeHtml(out.error_description || '')}</p>`);
}

// --- the provider ----------------------------------------------------------------

const policy = interactionPolicy.base();
policy.add(new interactionPolicy.Prompt({ name: 'select_account', requestable: true }), 0);

function configuration() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    clients: [
      {
        client_id: args['client-id'],
        client_secret: args['client-secret'],
        client_name: 'the Outcomes app (tests)',
        application_type: 'native',
        redirect_uris: args['redirect-uri'],
        post_logout_redirect_uris: args['redirect-uri'],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username'],
    },
    // Put the scope's claims in the ID token too: Streamlit's st.user is built
    // from the ID token alone (it never calls the userinfo endpoint).
    conformIdTokenClaims: false,
    findAccount,
    interactions: {
      policy,
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
    },
    // Lifetimes in seconds, set so the provider does not log a notice for each default.
    ttl: { AccessToken: 600, Grant: 3600, IdToken: 3600, Interaction: 600, Session: 3600 },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' }] },
    renderError,
  };
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

async function interaction(provider, req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) {
    res.writeHead(400, { 'Content-Type': 'text/plain' }).end('This sign-in has expired: start again from the app.');
    return;
  }
  const client = await provider.Client.find(details.params.client_id);
  const clientName = client?.clientName || details.params.client_id;

  if (details.prompt.name === 'consent') {
    // An organisation's IdP does not ask its staff to consent to its own apps.
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    const missing = details.prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes || {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    return;
  }

  if (req.method === 'GET' && !action) {
    const html = signInPage(uid, clientName, { email: details.params.login_hint || '' });
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(html);
    return;
  }

  if (req.method === 'POST' && action === 'login') {
    const form = await readForm(req);
    const user = userByEmail(form.get('email'));
    if (!user) {
      const error = `There is no test user ${form.get('email') || '(empty)'}: use one of the addresses below.`;
      const html = signInPage(uid, clientName, { email: form.get('email') || '', error });
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(html);
      return;
    }
    const result = { select_account: {}, login: { accountId: user.sub } };
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
    return;
  }

  res.writeHead(405, { 'Content-Type': 'text/plain' }).end('Method not allowed');
}

const server = http.createServer();
server.listen(Number(args.port), args.host, () => {
  const { port } = server.address();
  const issuer = `http://${args.host}:${port}`;
  const provider = new Provider(issuer, configuration());
  const callback = provider.callback();

  server.on('request', async (req, res) => {
    const match = /^\/interaction\/([\w-]+)(?:\/(login))?$/.exec(new URL(req.url, issuer).pathname);
    if (!match) {
      callback(req, res);
      return;
    }
    try {
      await interaction(provider, req, res, match[1], match[2]);
    } catch (err) {
      console.error(err);
      if (!res.headersSent) {
        res.writeHead(400, { 'Content-Type': 'text/html; charset=utf-8' });
      }
      res.end(page('Sign-in error', `<h1>Sign-in error</h1><p role="alert">${escapeHtml(err.message)}</p>`));
    }
  });
  provider.on('server_error', (_ctx, err) => console.error('server_error', err));
  console.log(`oidc-provider listening on ${issuer}`);
});

if (args['parent-pid']) {
  const parent = Number(args['parent-pid']);
  // Once the parent dies this process is handed to another (its ppid changes);
  // the dead parent may linger as a zombie, so probing its pid is not enough.
  setInterval(() => {
    if (process.ppid !== parent) process.exit(0);
  }, 1000).unref();
}

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  });
}
