import type {
  Resource,
  ResourceCreateParams,
  ResourceListParams,
  ResourceUpdateParams,
  ScopeCreateParams,
  ScopeUpdateParams,
} from '@realmkit/sdk';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { listPage } from './pages.ts';
import { queryKeys } from './query-keys.ts';
import { useRealmkit } from './realmkit.ts';
import { type Versioned, versioned } from './versioned.ts';

export function useResources(realm: string, query: ResourceListParams) {
  const rk = useRealmkit(realm);
  return useQuery({
    queryKey: queryKeys.resources.list(realm, query),
    queryFn: () => listPage(rk.resources.list(query)),
    placeholderData: keepPreviousData,
  });
}

export function useResource(realm: string, id: string) {
  const rk = useRealmkit(realm);
  return useQuery({
    queryKey: queryKeys.resources.detail(realm, id),
    queryFn: () => versioned(rk.resources.get(id)),
  });
}

export function useCreateResource(realm: string) {
  const rk = useRealmkit(realm);
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ResourceCreateParams) => versioned(rk.resources.create(body)),
    onSuccess: (created) => {
      queryClient.setQueryData(queryKeys.resources.detail(realm, created.data.id), created);
      return queryClient.invalidateQueries({ queryKey: [...queryKeys.resources.all(realm), 'list'] });
    },
  });
}

/** Changes the resource only if it is still the version read (`etag`): else PreconditionFailedError. */
export function useUpdateResource(realm: string, id: string) {
  const rk = useRealmkit(realm);
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ body, etag }: { body: ResourceUpdateParams; etag: string | undefined }) =>
      versioned(rk.resources.update(id, body, { ifMatch: etag })),
    onSuccess: (updated: Versioned<Resource>) => {
      queryClient.setQueryData(queryKeys.resources.detail(realm, id), updated);
      return queryClient.invalidateQueries({ queryKey: [...queryKeys.resources.all(realm), 'list'] });
    },
  });
}

/** Deletes the resource as last seen (`etag`); its scopes leave every role, so the roles are read again. */
export function useDeleteResource(realm: string, id: string) {
  const rk = useRealmkit(realm);
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ etag }: { etag: string | undefined }) => rk.resources.delete(id, { ifMatch: etag }),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: queryKeys.resources.detail(realm, id) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.roles.all(realm) });
      return queryClient.invalidateQueries({ queryKey: [...queryKeys.resources.all(realm), 'list'] });
    },
  });
}

export function useResourceScopes(realm: string, id: string, query: ResourceListParams) {
  const rk = useRealmkit(realm);
  return useQuery({
    queryKey: queryKeys.resources.scopes(realm, id, query),
    queryFn: () => listPage(rk.resources.scopes.list(id, query)),
    placeholderData: keepPreviousData,
  });
}

/** After a scope is written: its resource's scope pages, and the roles that show scopes by name. */
function useScopesChanged(realm: string, id: string) {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.roles.all(realm) });
    return queryClient.invalidateQueries({ queryKey: [...queryKeys.resources.detail(realm, id), 'scopes'] });
  };
}

export function useCreateScope(realm: string, id: string) {
  const rk = useRealmkit(realm);
  return useMutation({
    mutationFn: (body: ScopeCreateParams) => rk.resources.scopes.create(id, body),
    onSuccess: useScopesChanged(realm, id),
  });
}

/**
 * Changes a scope: only the fields sent. Without If-Match: the API reads scopes in lists only,
 * which carry no ETag (a scope's ETag comes with its create and update answers alone).
 */
export function useUpdateScope(realm: string, id: string) {
  const rk = useRealmkit(realm);
  return useMutation({
    mutationFn: ({ scopeId, body }: { scopeId: string; body: ScopeUpdateParams }) =>
      rk.resources.scopes.update(id, scopeId, body),
    onSuccess: useScopesChanged(realm, id),
  });
}

export function useDeleteScope(realm: string, id: string) {
  const rk = useRealmkit(realm);
  return useMutation({
    mutationFn: (scopeId: string) => rk.resources.scopes.delete(id, scopeId),
    onSuccess: useScopesChanged(realm, id),
  });
}
