import type { RotateKeysParams, SigningKey } from '@realmkit/sdk';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { queryKeys } from './query-keys.ts';
import { realmkit } from './realmkit.ts';
import { type Versioned, versioned } from './versioned.ts';

/** A realm's signing keys are the realms API's (`rk.realms`): master-realm tokens only. */

export function useSigningKeys(realm: string) {
  return useQuery({ queryKey: queryKeys.keys(realm), queryFn: () => realmkit.realms.listKeys(realm) });
}

/**
 * A new active key (of `algorithm`, else the realm's), only if the realm is still the version
 * read (`etag`: a rotation changes the realm, and may change its signing algorithm). Answers the
 * keys with the realm's new ETag.
 */
export function useRotateKeys(realm: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ params, etag }: { params: RotateKeysParams | undefined; etag: string | undefined }) =>
      versioned(realmkit.realms.rotateKeys(realm, params, { ifMatch: etag })),
    onSuccess: (rotated: Versioned<SigningKey[]>) => {
      queryClient.setQueryData(queryKeys.keys(realm), rotated.data);
      // The realm changed with it (its version, perhaps its signing algorithm): read it again.
      void queryClient.invalidateQueries({ queryKey: queryKeys.realms.detail(realm) });
      return queryClient.invalidateQueries({ queryKey: [...queryKeys.realms.all, 'list'] });
    },
  });
}
