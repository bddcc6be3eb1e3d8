import { MAX_PER_PAGE } from '@realmkit/contract';
import type { Role, RoleCreateParams, RoleListParams, RoleUpdateParams } from '@realmkit/sdk';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { listPage } from './pages.ts';
import { queryKeys } from './query-keys.ts';
import { useRealmkit } from './realmkit.ts';
import { type Versioned, versioned } from './versioned.ts';

/** Scopes shown per page on a role's page: the largest page, so that most roles show all of theirs. */
export const ROLE_SCOPES_PER_PAGE = MAX_PER_PAGE;

export function useRoles(realm: string, query: RoleListParams, options: { enabled?: boolean } = {}) {
  const rk = useRealmkit(realm);
  return useQuery({
    queryKey: queryKeys.roles.list(realm, query),
    queryFn: () => listPage(rk.roles.list(query)),
    placeholderData: keepPreviousData,
    enabled: options.enabled ?? true,
  });
}

export function useRole(realm: string, id: string) {
  const rk = useRealmkit(realm);
  return useQuery({ queryKey: queryKeys.roles.detail(realm, id), queryFn: () => versioned(rk.roles.get(id)) });
}

export function useCreateRole(realm: string) {
  const rk = useRealmkit(realm);
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: RoleCreateParams) => versioned(rk.roles.create(body)),
    onSuccess: (created) => {
      queryClient.setQueryData(queryKeys.roles.detail(realm, created.data.id), created);
      return queryClient.invalidateQueries({ queryKey: [...queryKeys.roles.all(realm), 'list'] });
    },
  });
}

/** Changes the role only if it is still the version read (`etag`): else PreconditionFailedError. */
export function useUpdateRole(realm: string, id: string) {
  const rk = useRealmkit(realm);
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ body, etag }: { body: RoleUpdateParams; etag: string | undefined }) =>
      versioned(rk.roles.update(id, body, { ifMatch: etag })),
    onSuccess: (updated: Versioned<Role>) => {
      queryClient.setQueryData(queryKeys.roles.detail(realm, id), updated);
      // Its name shows in the lists of roles, and in every user's and application's roles.
      return queryClient.invalidateQueries({ queryKey: ['realm', realm] });
    },
  });
}

/** Deletes the role as last seen (`etag`); it leaves every user and application holding it. */
export function useDeleteRole(realm: string, id: string) {
  const rk = useRealmkit(realm);
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ etag }: { etag: string | undefined }) => rk.roles.delete(id, { ifMatch: etag }),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: queryKeys.roles.detail(realm, id) });
      return queryClient.invalidateQueries({ queryKey: ['realm', realm] });
    },
  });
}

export function useRoleScopes(realm: string, id: string, page: number) {
  const rk = useRealmkit(realm);
  return useQuery({
    queryKey: queryKeys.roles.scopes(realm, id, page),
    queryFn: () => listPage(rk.roles.scopes.list(id, { page, per_page: ROLE_SCOPES_PER_PAGE })),
    placeholderData: keepPreviousData,
  });
}

function useRoleScopesChanged(realm: string, id: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: [...queryKeys.roles.detail(realm, id), 'scopes'] });
}

/** Adds scopes to the role, all or none (an unknown one is a 422 naming it). */
export function useAssignScopes(realm: string, id: string) {
  const rk = useRealmkit(realm);
  return useMutation({
    mutationFn: (scopeIds: string[]) => rk.roles.scopes.assign(id, scopeIds),
    onSuccess: useRoleScopesChanged(realm, id),
  });
}

export function useRemoveScope(realm: string, id: string) {
  const rk = useRealmkit(realm);
  return useMutation({
    mutationFn: (scopeId: string) => rk.roles.scopes.remove(id, scopeId),
    onSuccess: useRoleScopesChanged(realm, id),
  });
}

/** The realm's API resources to pick scopes from (the largest page; `search` narrows a long list). */
export function useScopeChoiceResources(realm: string, search: string, options: { enabled: boolean }) {
  const rk = useRealmkit(realm);
  const query = { per_page: MAX_PER_PAGE, ...(search ? { search } : {}) };
  return useQuery({
    queryKey: queryKeys.scopeChoices.resources(realm, query),
    queryFn: () => listPage(rk.resources.list(query)),
    placeholderData: keepPreviousData,
    enabled: options.enabled,
  });
}

/** The scopes of one API resource, to assign to a role. */
export function useScopeChoices(realm: string, resourceId: string | undefined, search: string) {
  const rk = useRealmkit(realm);
  const query = { per_page: MAX_PER_PAGE, ...(search ? { search } : {}) };
  return useQuery({
    queryKey: queryKeys.scopeChoices.scopes(realm, resourceId ?? '', query),
    queryFn: () => listPage(rk.resources.scopes.list(resourceId ?? '', query)),
    enabled: resourceId !== undefined,
  });
}
