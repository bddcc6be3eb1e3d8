import { isIP } from 'node:net';
import { isPublicAddress } from './address-policy.ts';

/** What decides which URLs Realmkit may fetch from (REALMKIT_OUTBOUND_ALLOW_LOOPBACK). */
export interface OutboundPolicy {
  /** Plain http to a loopback address (development, tests); private ranges stay refused. */
  allowLoopback: boolean;
}

/** Whether `hostname` names the loopback interface by itself: `localhost` or a loopback literal. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return isIP(host) === 6 && (host === '::1' || host === '0:0:0:0:0:0:0:1');
}

/**
 * Why `value` cannot be a URL Realmkit fetches from, or `undefined` when it can be: an absolute
 * https URL without userinfo or fragment; plain http only to a loopback host, and only when the
 * policy allows loopback. Checked when the URL is registered (422) and again at each fetch, where
 * the resolved addresses are checked too (the SSRF rules of the fetcher).
 */
export function outboundUrlProblem(value: string, policy: OutboundPolicy): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.username || url.password) return 'must not contain a user name or password';
  if (url.hash) return 'must not contain a fragment';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && policy.allowLoopback && isLoopbackHost(url.hostname)) return undefined;
  return policy.allowLoopback ? 'must use https (http only to a loopback address)' : 'must use https';
}

/**
 * What a URL is checked against when it is registered (a `jwks_uri`, a federated issuer), 422
 * otherwise: the URL rule, and an address literal already judged as the fetch would judge it
 * (a name is judged by what it resolves to, at each fetch).
 */
export function registrableUrlProblem(value: string, policy: OutboundPolicy): string | undefined {
  const problem = outboundUrlProblem(value, policy);
  if (problem) return problem;
  const { hostname } = new URL(value);
  const host = hostname.replace(/^\[|\]$/g, '');
  const allowedLoopback = policy.allowLoopback && isLoopbackHost(hostname);
  if (isIP(host) !== 0 && !isPublicAddress(host) && !allowedLoopback) {
    return 'must not point at a loopback, link-local or private-range address';
  }
  return undefined;
}
