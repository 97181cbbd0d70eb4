// A local OpenID Connect provider shaped like Pro Santé Connect, for the
// tests (server and browser): the real `oidc-provider` (code flow, PKCE,
// signed ID tokens, userinfo), with PSC's scope `scope_all`, its claims
// (`SubjectNameID`: the IDNPS, `SubjectRefPro.exercices[].codeProfession`)
// and `acr` values. Its sign-in page lists test identities instead of asking
// for a CPS card: a tester picks one.
//
//   node e2e/oidc-provider.mjs --port=PORT --redirect=URL [--secret=S]
//
// Prints `listening on http://127.0.0.1:PORT` once it answers.

import http from 'node:http';
import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';

const args = Object.fromEntries(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split(/=(.*)/s).slice(0, 2)));
const port = Number(args.port);
const issuer = `http://127.0.0.1:${port}`;

/** PSC's test identities: the demo's doctors are 8 + their RPPS. */
const IDENTITIES = {
  durand: { name: 'Dr Paul Durand', idnps: '810002345675', profession: '10', acr: 'eidas1', label: 'carte CPS' },
  martin: { name: 'Dr Claire Martin', idnps: '810001234565', profession: '10', acr: 'eidas1', label: 'e-CPS' },
  // Below the eIDAS substantial level: what an organisation requiring eidas1 refuses.
  'martin-low': { name: 'Dr Claire Martin', idnps: '810001234565', profession: '10', acr: 'eidas0', label: 'niveau faible' },
  // Nobody in Regard has this RPPS number.
  unknown: { name: 'Dr Jean Inconnu', idnps: '810005678908', profession: '10', acr: 'eidas1', label: 'carte CPS' },
};

function claimsOf(id) {
  const who = IDENTITIES[id];
  const [first, ...last] = who.name.replace(/^Dr /, '').split(' ');
  return {
    sub: `f:test:${who.idnps}`,
    SubjectNameID: who.idnps,
    SubjectRefPro: { codeCivilite: 'DR', exercices: [{ codeProfession: who.profession, codeCategorieProfessionnelle: 'C' }] },
    given_name: first.toUpperCase(),
    family_name: last.join(' ').toUpperCase(),
    preferred_username: who.idnps,
  };
}

// The signing key, made as PEM then read back: exporting as a JWK the key
// object generateKeyPairSync returns can deadlock Node 20 when a garbage
// collection runs during the export (seen in a test run: a hung provider).
const { privateKey: pem } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const privateKey = createPrivateKey(pem);
const provider = new Provider(issuer, {
  clients: [{
    client_id: 'regard',
    client_secret: args.secret ?? 'regard-test-secret',
    redirect_uris: [args.redirect],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test', use: 'sig', alg: 'RS256' }] },
  scopes: ['openid', 'scope_all'],
  claims: { openid: ['sub'], scope_all: ['SubjectNameID', 'SubjectRefPro', 'given_name', 'family_name', 'preferred_username'] },
  acrValues: ['eidas1', 'eidas0'],
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  async findAccount(ctx, id) {
    if (!IDENTITIES[id]) return undefined;
    return { accountId: id, claims: async () => claimsOf(id) };
  },
});

const escape = (text) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The sign-in page: one button per identity, and a way to cancel. */
function page(uid) {
  const buttons = Object.entries(IDENTITIES).map(([id, who]) => `
    <form method="post" action="/interaction/${uid}/login"><input type="hidden" name="identity" value="${id}">
      <button type="submit">${escape(`${who.name} — ${who.label} (RPPS ${who.idnps.slice(1)})`)}</button></form>`).join('');
  return `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Pro Santé Connect (test)</title></head>
    <body><main><h1>Pro Santé Connect — fournisseur de test</h1>${buttons}
    <form method="post" action="/interaction/${uid}/abort"><button type="submit">Annuler</button></form></main></body></html>`;
}

async function body(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  return new URLSearchParams(text);
}

async function interaction(req, res) {
  const [, , uid, action] = req.url.split('?')[0].split('/');
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    return res.end(page(uid));
  }
  if (action === 'abort') {
    return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'cancelled' });
  }
  const id = (await body(req)).get('identity');
  if (!IDENTITIES[id]) {
    res.writeHead(400);
    return res.end('unknown identity');
  }
  // Consent is implied: PSC asks none of a service the professional chose.
  const grant = new provider.Grant({ accountId: id, clientId: details.params.client_id });
  grant.addOIDCScope('openid scope_all');
  const grantId = await grant.save();
  return provider.interactionFinished(req, res, { login: { accountId: id, acr: IDENTITIES[id].acr }, consent: { grantId } });
}

const callback = provider.callback();
http.createServer((req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((error) => {
      res.writeHead(500);
      res.end(String(error));
    });
  } else {
    callback(req, res);
  }
}).listen(port, '127.0.0.1', () => console.log(`listening on ${issuer}`));
