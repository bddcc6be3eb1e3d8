import type { Realm, RealmCreateParams, RealmListParams, RealmUpdateParams } from '@realmkit/sdk';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { listPage } from './pages.ts';
import { queryKeys } from './query-keys.ts';
import { realmkit } from './realmkit.ts';
import { type Versioned, versioned } from './versioned.ts';

/** The realms API is the master realm's: every call goes through the master-realm client. */

export function useRealms(query: RealmListParams, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: queryKeys.realms.list(query),
    queryFn: () => listPage(realmkit.realms.list(query)),
    placeholderData: keepPreviousData,
    enabled: options.enabled ?? true,
  });
}

export function useRealm(name: string) {
  return useQuery({
    queryKey: queryKeys.realms.detail(name),
    queryFn: () => versioned(realmkit.realms.get(name)),
  });
}

export function useCreateRealm() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: RealmCreateParams) => versioned(realmkit.realms.create(body)),
    onSuccess: (created) => {
      queryClient.setQueryData(queryKeys.realms.detail(created.data.name), created);
      return queryClient.invalidateQueries({ queryKey: queryKeys.realms.all });
    },
  });
}

/** Changes a realm only if it is still the version read (`etag`): else PreconditionFailedError. */
export function useUpdateRealm(name: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ body, etag }: { body: RealmUpdateParams; etag: string | undefined }) =>
      versioned(realmkit.realms.update(name, body, { ifMatch: etag })),
    onSuccess: (updated: Versioned<Realm>) => {
      queryClient.setQueryData(queryKeys.realms.detail(name), updated);
      return queryClient.invalidateQueries({ queryKey: queryKeys.realms.all, exact: false });
    },
  });
}

export function useDeleteRealm(name: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ etag }: { etag: string | undefined }) => realmkit.realms.delete(name, { ifMatch: etag }),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: queryKeys.realms.detail(name) });
      queryClient.removeQueries({ queryKey: ['realm', name] });
      return queryClient.invalidateQueries({ queryKey: queryKeys.realms.all });
    },
  });
}
