// A DPoP proof (RFC 9449 §4) made with the `dpop` package, for demo.sh's DPoP steps:
//
//   node dpop-proof.mjs KEY_FILE METHOD URL [ACCESS_TOKEN]
//
// prints a proof for METHOD URL (with `ath`, the hash of ACCESS_TOKEN, for a protected resource)
// signed by the ES256 key in KEY_FILE, which it creates when the file is empty. A real client keeps
// its key in memory, not extractable (the dpop package's default): this one writes it to a file
// only because each proof of the demo is made by a new process.
//
// Plain JavaScript, run by the machine's own `node` (any version with WebCrypto), so that the demo
// does not start a Node 24 launcher for each proof.
import { readFileSync, writeFileSync } from 'node:fs';
import * as DPoP from 'dpop';

const [keyFile, method, url, accessToken] = process.argv.slice(2);
if (!keyFile || !method || !url) {
  process.stderr.write('usage: node dpop-proof.mjs KEY_FILE METHOD URL [ACCESS_TOKEN]\n');
  process.exit(2);
}

const ES256 = { name: 'ECDSA', namedCurve: 'P-256' };

/** The key pair of KEY_FILE (a private JWK), made and saved first when the file is empty. */
async function keyPair() {
  const saved = readFileSync(keyFile, 'utf8').trim();
  if (!saved) {
    const pair = await DPoP.generateKeyPair('ES256', { extractable: true });
    writeFileSync(keyFile, JSON.stringify(await crypto.subtle.exportKey('jwk', pair.privateKey)), { mode: 0o600 });
    return pair;
  }
  const jwk = JSON.parse(saved);
  const { d: _private, key_ops: _ops, ...publicJwk } = jwk;
  return {
    privateKey: await crypto.subtle.importKey('jwk', jwk, ES256, false, ['sign']),
    publicKey: await crypto.subtle.importKey('jwk', publicJwk, ES256, true, ['verify']),
  };
}

process.stdout.write(await DPoP.generateProof(await keyPair(), url, method, undefined, accessToken));
