import { Realmkit } from '@realmkit/sdk';
import { useMemo } from 'react';
import { tokenSource } from '../auth/session.ts';
import { issuerUrl, signInRealm } from '../config.ts';

/**
 * The one Management API client of the console, on the signed-in admin's token. The SDK retries
 * what is safe to retry; queries do not retry on top of it.
 */
export const realmkit = new Realmkit({
  baseUrl: issuerUrl,
  realm: signInRealm,
  tokenSource,
  maxRetries: 1,
});

/** The client managing `realm` (a master-realm token manages every realm; a realm's own, only itself). */
export function useRealmkit(realm: string): Realmkit {
  return useMemo(() => (realm === realmkit.realm ? realmkit : realmkit.forRealm(realm)), [realm]);
}
