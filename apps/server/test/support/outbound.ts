import type { ResolvedAddress } from '../../src/outbound/safe-fetch.ts';

/**
 * Host names the tests' servers resolve without DNS (StartOptions.outboundResolve): each maps to
 * an address the outbound rules must refuse, so that no packet is ever sent to it. Any other name
 * does not resolve.
 */
export const TEST_HOSTS: Readonly<Record<string, ResolvedAddress>> = {
  'loopback.internal.test': { address: '127.0.0.1', family: 4 },
  'keys.internal.test': { address: '10.0.0.7', family: 4 },
  'metadata.internal.test': { address: '169.254.169.254', family: 4 },
  'ula.internal.test': { address: 'fd00::1', family: 6 },
};

export async function resolveForTests(hostname: string): Promise<ResolvedAddress[]> {
  const address = TEST_HOSTS[hostname];
  if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return [address];
}
