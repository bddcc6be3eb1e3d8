import type { RoleListParams } from '@realmkit/sdk';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { listPage } from './pages.ts';
import { queryKeys } from './query-keys.ts';
import { useRealmkit } from './realmkit.ts';

export function useRoles(realm: string, query: RoleListParams, options: { enabled?: boolean } = {}) {
  const rk = useRealmkit(realm);
  return useQuery({
    queryKey: queryKeys.roles.list(realm, query),
    queryFn: () => listPage(rk.roles.list(query)),
    placeholderData: keepPreviousData,
    enabled: options.enabled ?? true,
  });
}
