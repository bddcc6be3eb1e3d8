import type { User, UserCreateParams, UserListParams, UserUpdateParams } from '@realmkit/sdk';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { cursorPage, listPage } from './pages.ts';
import { queryKeys } from './query-keys.ts';
import { useRealmkit } from './realmkit.ts';
import { type Versioned, versioned } from './versioned.ts';

/** Sessions shown per page on a user's page. */
export const SESSIONS_PER_PAGE = 10;

export function useUsers(realm: string, query: UserListParams) {
  const rk = useRealmkit(realm);
  return useQuery({
    queryKey: queryKeys.users.list(realm, query),
    queryFn: () => cursorPage(rk.users.list(query)),
    placeholderData: keepPreviousData,
  });
}

export function useUser(realm: string, id: string) {
  const rk = useRealmkit(realm);
  return useQuery({ queryKey: queryKeys.users.detail(realm, id), queryFn: () => versioned(rk.users.get(id)) });
}

export function useUserRoles(realm: string, id: string, options: { enabled: boolean }) {
  const rk = useRealmkit(realm);
  return useQuery({
    queryKey: queryKeys.users.roles(realm, id),
    // A user holds few roles: the largest page shows them all.
    queryFn: () => listPage(rk.users.roles.list(id, { per_page: 100 })),
    enabled: options.enabled,
  });
}

export function useUserSessions(realm: string, id: string, page: number, options: { enabled: boolean }) {
  const rk = useRealmkit(realm);
  return useQuery({
    queryKey: queryKeys.users.sessions(realm, id, page),
    queryFn: () => listPage(rk.users.listSessions(id, { page, per_page: SESSIONS_PER_PAGE })),
    placeholderData: keepPreviousData,
    enabled: options.enabled,
  });
}

export function useSignInFailures(realm: string, id: string, options: { enabled: boolean }) {
  const rk = useRealmkit(realm);
  return useQuery({
    queryKey: queryKeys.users.signInFailures(realm, id),
    queryFn: () => rk.users.getSignInFailures(id),
    enabled: options.enabled,
  });
}

export function useCreateUser(realm: string) {
  const rk = useRealmkit(realm);
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UserCreateParams) => versioned(rk.users.create(body)),
    onSuccess: (created) => {
      queryClient.setQueryData(queryKeys.users.detail(realm, created.data.id), created);
      return queryClient.invalidateQueries({ queryKey: [...queryKeys.users.all(realm), 'list'] });
    },
  });
}

/** After a write answering the user: keep it (with its new ETag) and refresh the lists. */
function useUserWritten(realm: string, id: string) {
  const queryClient = useQueryClient();
  return (written: Versioned<User>) => {
    queryClient.setQueryData(queryKeys.users.detail(realm, id), written);
    return queryClient.invalidateQueries({ queryKey: [...queryKeys.users.all(realm), 'list'] });
  };
}

/** Changes the profile only if it is still the version read (`etag`): else PreconditionFailedError. */
export function useUpdateUser(realm: string, id: string) {
  const rk = useRealmkit(realm);
  return useMutation({
    mutationFn: ({ body, etag }: { body: UserUpdateParams; etag: string | undefined }) =>
      versioned(rk.users.update(id, body, { ifMatch: etag })),
    onSuccess: useUserWritten(realm, id),
  });
}

/** Suspends or restores the user as last seen (`etag`): not over someone else's change. */
export function useSetSuspended(realm: string, id: string) {
  const rk = useRealmkit(realm);
  return useMutation({
    mutationFn: ({ suspended, etag }: { suspended: boolean; etag: string | undefined }) =>
      versioned(rk.users.setSuspended(id, suspended, { ifMatch: etag })),
    onSuccess: useUserWritten(realm, id),
  });
}

export function useSetPassword(realm: string, id: string) {
  const rk = useRealmkit(realm);
  return useMutation({
    mutationFn: (password: string) => versioned(rk.users.setPassword(id, password)),
    onSuccess: useUserWritten(realm, id),
  });
}

/**
 * An email goes at most once a minute (a 429 with Retry-After): the admin is told at once, not
 * kept waiting while the SDK rides the limit out.
 */
const ONCE = { maxRetries: 0 };

export function useSendVerifyEmail(realm: string, id: string) {
  const rk = useRealmkit(realm);
  return useMutation({ mutationFn: () => rk.users.sendVerifyEmail(id, ONCE) });
}

export function useSendPasswordResetEmail(realm: string, id: string) {
  const rk = useRealmkit(realm);
  return useMutation({ mutationFn: () => rk.users.sendPasswordResetEmail(id, ONCE) });
}

export function useAssignRole(realm: string, id: string) {
  const rk = useRealmkit(realm);
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (roleId: string) => rk.users.roles.assign(id, [roleId]),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.users.roles(realm, id) }),
  });
}

export function useRemoveRole(realm: string, id: string) {
  const rk = useRealmkit(realm);
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (roleId: string) => rk.users.roles.remove(id, roleId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.users.roles(realm, id) }),
  });
}

function useSessionsChanged(realm: string, id: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: [...queryKeys.users.detail(realm, id), 'sessions'] });
}

export function useEndSession(realm: string, id: string) {
  const rk = useRealmkit(realm);
  return useMutation({
    mutationFn: (sessionId: string) => rk.users.endSession(id, sessionId),
    onSuccess: useSessionsChanged(realm, id),
  });
}

export function useEndSessions(realm: string, id: string) {
  const rk = useRealmkit(realm);
  return useMutation({ mutationFn: () => rk.users.endSessions(id), onSuccess: useSessionsChanged(realm, id) });
}

export function useClearSignInFailures(realm: string, id: string) {
  const rk = useRealmkit(realm);
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => rk.users.clearSignInFailures(id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.users.signInFailures(realm, id) }),
  });
}
