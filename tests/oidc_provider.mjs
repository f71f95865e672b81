// A real OpenID Connect provider for the sign-in tests: the `oidc-provider` package on a free port of 127.0.0.1.
//
// Configured by one JSON document in the environment variable OIDC_TEST_CONFIG:
//   {clientId, clientSecret, redirectUris: [...], postLogoutRedirectUris: [...],
//    accounts: {"<login name>": {sub, email, hsa_id, given_name, family_name, ...}},
//    mode: "normal" | "bad-signature" | "wrong-audience" | "expired"}
// Prints one JSON line ({"issuer": "http://127.0.0.1:<port>"}) once it listens, and runs until it is killed.
//
// The misbehaving modes stand for a provider the product must not trust; the provider itself stays real:
// - bad-signature: the key set published at jwks_uri is another key under the same key id, so no ID token
//   verifies against it;
// - wrong-audience / expired: the ID token of the token response is re-signed with the provider's own key
//   after its `aud` is another client's / its `exp` lies an hour in the past.
// Its own pages (sign-in, sign-out question, errors) are small accessible Swedish pages: the browser tests
// check every page they pass with axe-core, the provider's included.

import http from "node:http";

import * as jose from "jose";
import { Provider } from "oidc-provider";

const config = JSON.parse(process.env.OIDC_TEST_CONFIG || "{}");
const mode = config.mode || "normal";
const accounts = config.accounts || {};

function html(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function page(title, body) {
  return `<!DOCTYPE html>
<html lang="sv">
<head><meta charset="utf-8"><title>${html(title)} – Regionens inloggning (test)</title></head>
<body><main><h1>${html(title)}</h1>${body}</main></body>
</html>`;
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

const signingKey = await jose.generateKeyPair("RS256", { extractable: true });
const privateJwk = { ...(await jose.exportJWK(signingKey.privateKey)), kid: "test-signing-key", alg: "RS256", use: "sig" };
const impostorKey = await jose.generateKeyPair("RS256", { extractable: true });
const impostorJwk = { ...(await jose.exportJWK(impostorKey.publicKey)), kid: "test-signing-key", alg: "RS256", use: "sig" };

async function resign(idToken, change) {
  const claims = { ...jose.decodeJwt(idToken), ...change };
  return new jose.SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: privateJwk.kid }).sign(signingKey.privateKey);
}

const server = http.createServer();
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: config.clientId,
      client_secret: config.clientSecret,
      redirect_uris: config.redirectUris,
      post_logout_redirect_uris: config.postLogoutRedirectUris || [],
      grant_types: ["authorization_code"],
      response_types: ["code"],
    },
  ],
  // Every authorization request must carry a PKCE challenge: a client that left it out would be refused here.
  pkce: { required: () => true },
  jwks: { keys: [privateJwk] },
  cookies: { keys: ["test-only-cookie-key"] },
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name", "given_name", "family_name"],
    hsa: ["hsa_id"],
  },
  scopes: ["openid", "email", "profile", "hsa"],
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.body = page(
          "Vill du logga ut från regionens inloggning?",
          `${form}<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Ja, logga ut</button>
           <button type="submit" form="op.logoutForm">Nej, förbli inloggad</button>`,
        );
      },
      async postLogoutSuccessSource(ctx) {
        ctx.body = page("Du är utloggad från regionens inloggning", "<p>Du kan stänga fönstret.</p>");
      },
    },
  },
  // A first-party client: the person is not asked to consent; the grant covers what the client asks for.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope(ctx.oidc.params.scope || "openid");
    await grant.save();
    return grant;
  },
  async findAccount(ctx, sub) {
    const claims = Object.values(accounts).find((account) => account.sub === sub);
    if (!claims) return undefined;
    return { accountId: sub, async claims() { return { ...claims }; } };
  },
  async renderError(ctx, out) {
    ctx.type = "html";
    ctx.body = page("Inloggningen misslyckades", `<p>${html(out.error)}: ${html(out.error_description || "")}</p>`);
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
});

// The sign-in pages of the provider: a user name is enough (this provider exists only for tests).
provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/([^/]+)(\/login)?$/);
  if (!match) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (ctx.method === "GET" && !match[2]) {
    ctx.type = "html";
    ctx.body = page(
      "Logga in hos regionen",
      `<form method="post" action="/interaction/${html(details.uid)}/login">
         <label for="login">Användarnamn hos regionen</label>
         <input id="login" name="login" autocomplete="username" required>
         <button type="submit">Fortsätt</button>
       </form>`,
    );
    return undefined;
  }
  if (ctx.method === "POST" && match[2]) {
    const form = await readForm(ctx.req);
    const account = accounts[form.get("login")];
    const result = account
      ? { login: { accountId: account.sub } }
      : { error: "access_denied", error_description: "Okänt användarnamn" };
    return provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
  }
  return next();
});

// The misbehaving modes (see the top of this file).
provider.use(async (ctx, next) => {
  await next();
  if (mode === "bad-signature" && ctx.oidc?.route === "jwks" && ctx.body?.keys) {
    ctx.body = { keys: [impostorJwk] };
  }
  if (ctx.oidc?.route === "token" && ctx.body?.id_token) {
    if (mode === "wrong-audience") {
      ctx.body = { ...ctx.body, id_token: await resign(ctx.body.id_token, { aud: "another-client" }) };
    } else if (mode === "expired") {
      const now = Math.floor(Date.now() / 1000);
      ctx.body = { ...ctx.body, id_token: await resign(ctx.body.id_token, { iat: now - 7200, exp: now - 3600 }) };
    }
  }
});

server.on("request", provider.callback());
process.stdout.write(`${JSON.stringify({ issuer })}\n`);
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => server.close(() => process.exit(0)));
