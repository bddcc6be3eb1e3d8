import { MAX_PER_PAGE } from '@realmkit/contract';
import type {
  Application,
  ApplicationCreateParams,
  ApplicationListParams,
  ApplicationRotateSecretParams,
  ApplicationUpdateParams,
  ApplicationWithSecret,
  CreatedApplication,
} from '@realmkit/sdk';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { listPage } from './pages.ts';
import { queryKeys } from './query-keys.ts';
import { useRealmkit } from './realmkit.ts';
import { type Versioned, versioned } from './versioned.ts';

/** Roles shown per page on an application's page: the largest page, so that most show all of theirs. */
export const APPLICATION_ROLES_PER_PAGE = MAX_PER_PAGE;

/**
 * The application without what a write answers once (its client secret): the query cache keeps
 * only what a GET would answer, so a secret never outlives the panel that shows it.
 */
function withoutSecret(application: CreatedApplication | ApplicationWithSecret): Application {
  const {
    client_secret: _secret,
    previous_client_secret_expires_at: _expiresAt,
    ...rest
  } = application as ApplicationWithSecret;
  return rest;
}

export function useApplications(realm: string, query: ApplicationListParams) {
  const rk = useRealmkit(realm);
  return useQuery({
    queryKey: queryKeys.applications.list(realm, query),
    queryFn: () => listPage(rk.applications.list(query)),
    placeholderData: keepPreviousData,
  });
}

export function useApplication(realm: string, id: string) {
  const rk = useRealmkit(realm);
  return useQuery({
    queryKey: queryKeys.applications.detail(realm, id),
    queryFn: () => versioned(rk.applications.get(id)),
  });
}

/** Creates an application; a confidential one's answer carries its `client_secret`, this once. */
export function useCreateApplication(realm: string) {
  const rk = useRealmkit(realm);
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ApplicationCreateParams) => versioned(rk.applications.create(body)),
    // The answer holds the secret: gone from the mutation cache as soon as no form shows it.
    gcTime: 0,
    onSuccess: (created) => {
      queryClient.setQueryData<Versioned<Application>>(queryKeys.applications.detail(realm, created.data.id), {
        data: withoutSecret(created.data),
        etag: created.etag,
      });
      return queryClient.invalidateQueries({ queryKey: [...queryKeys.applications.all(realm), 'list'] });
    },
  });
}

/** After a write answering the application: keep it (with its new ETag, without a secret) and refresh the lists. */
function useApplicationWritten(realm: string, id: string) {
  const queryClient = useQueryClient();
  return (written: Versioned<Application | ApplicationWithSecret>) => {
    queryClient.setQueryData<Versioned<Application>>(queryKeys.applications.detail(realm, id), {
      data: withoutSecret(written.data as ApplicationWithSecret),
      etag: written.etag,
    });
    return queryClient.invalidateQueries({ queryKey: [...queryKeys.applications.all(realm), 'list'] });
  };
}

/** Changes the application only if it is still the version read (`etag`): else PreconditionFailedError. */
export function useUpdateApplication(realm: string, id: string) {
  const rk = useRealmkit(realm);
  return useMutation({
    mutationFn: ({ body, etag }: { body: ApplicationUpdateParams; etag: string | undefined }) =>
      versioned(rk.applications.update(id, body, { ifMatch: etag })),
    onSuccess: useApplicationWritten(realm, id),
  });
}

/**
 * A new client secret over the version shown (`etag`). The answer holds the secret, for the
 * caller to show once; the cache keeps the application without it.
 */
export function useRotateSecret(realm: string, id: string) {
  const rk = useRealmkit(realm);
  return useMutation({
    mutationFn: ({ params, etag }: { params: ApplicationRotateSecretParams; etag: string | undefined }) =>
      versioned(rk.applications.rotateSecret(id, params, { ifMatch: etag })),
    gcTime: 0,
    onSuccess: useApplicationWritten(realm, id),
  });
}

/** Deletes the application as last seen (`etag`): its next token request fails. */
export function useDeleteApplication(realm: string, id: string) {
  const rk = useRealmkit(realm);
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ etag }: { etag: string | undefined }) => rk.applications.delete(id, { ifMatch: etag }),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: queryKeys.applications.detail(realm, id) });
      return queryClient.invalidateQueries({ queryKey: [...queryKeys.applications.all(realm), 'list'] });
    },
  });
}

export function useApplicationRoles(realm: string, id: string, page: number, options: { enabled: boolean }) {
  const rk = useRealmkit(realm);
  return useQuery({
    queryKey: queryKeys.applications.roles(realm, id, page),
    queryFn: () => listPage(rk.applications.roles.list(id, { page, per_page: APPLICATION_ROLES_PER_PAGE })),
    placeholderData: keepPreviousData,
    enabled: options.enabled,
  });
}

function useApplicationRolesChanged(realm: string, id: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: [...queryKeys.applications.detail(realm, id), 'roles'] });
}

/** Assigns a role (m2m applications only: what client_credentials may grant them). */
export function useAssignApplicationRole(realm: string, id: string) {
  const rk = useRealmkit(realm);
  return useMutation({
    mutationFn: (roleId: string) => rk.applications.roles.assign(id, [roleId]),
    onSuccess: useApplicationRolesChanged(realm, id),
  });
}

export function useRemoveApplicationRole(realm: string, id: string) {
  const rk = useRealmkit(realm);
  return useMutation({
    mutationFn: (roleId: string) => rk.applications.roles.remove(id, roleId),
    onSuccess: useApplicationRolesChanged(realm, id),
  });
}
