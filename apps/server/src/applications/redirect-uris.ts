import type { ApplicationType } from '@realmkit/contract';
import type { ErrorDetail } from '../errors/api-error.ts';

/** Hosts for which plain http is allowed (RFC 8252 §7.3, and local development of web apps). */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
/** RFC 8252 §7.1: a private-use scheme is a reverse domain name, e.g. `com.example.app`. */
const PRIVATE_USE_SCHEME = /^[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+:$/;

const HTTPS_RULE = 'must use https (http only on localhost, 127.0.0.1 or [::1])';
const NATIVE_RULE =
  'must use https, http on a loopback host, or a private-use scheme such as com.example.app:/callback';

function problemOf(type: ApplicationType, uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'must be an absolute URI';
  }
  if (uri.includes('#')) return 'must not contain a fragment';
  if (url.protocol === 'https:') return url.hostname ? undefined : 'must name a host';
  if (url.protocol === 'http:') return LOOPBACK_HOSTS.has(url.hostname) ? undefined : HTTPS_RULE;
  if (type === 'native') return PRIVATE_USE_SCHEME.test(url.protocol) ? undefined : NATIVE_RULE;
  return HTTPS_RULE;
}

/**
 * What is wrong with an application's redirect URIs, one detail per URI (RFC 6749 §3.1.2,
 * RFC 8252 for native apps). Machine-to-machine applications never redirect, so they have none.
 */
export function redirectUriProblems(
  type: ApplicationType,
  uris: readonly string[],
  field = 'redirect_uris',
): ErrorDetail[] {
  if (type === 'm2m') {
    return uris.length > 0 ? [{ path: field, message: 'Machine-to-machine applications have no redirect URIs' }] : [];
  }
  return uris.flatMap((uri, index) => {
    const problem = problemOf(type, uri);
    return problem ? [{ path: `${field}.${index}`, message: `${uri} ${problem}` }] : [];
  });
}
