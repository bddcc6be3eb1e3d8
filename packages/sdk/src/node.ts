// `@realmkit/sdk/node`: what only Node.js can do, kept out of the main entry so that browser
// bundles never meet `node:fs`.
import { readFile } from 'node:fs/promises';
import type { ClientAssertion } from './core/client-assertion.ts';

/**
 * A `clientAssertion` that reads the token a platform keeps in a file, anew for every token
 * request: Kubernetes replaces a projected service-account token before it expires, and other
 * platforms write theirs the same way. The file's text is sent trimmed; a missing or empty file
 * fails the token request.
 *
 * @example
 * import { Realmkit } from '@realmkit/sdk';
 * import { fromTokenFile } from '@realmkit/sdk/node';
 * const rk = new Realmkit({
 *   baseUrl, realm: 'acme', clientId,
 *   clientAssertion: fromTokenFile('/var/run/secrets/tokens/realmkit'),
 * });
 */
export function fromTokenFile(path: string): ClientAssertion {
  return async () => {
    const token = (await readFile(path, 'utf8')).trim();
    if (!token) throw new Error(`The token file ${path} is empty`);
    return token;
  };
}
