import type { ApplicationListParams, RealmListParams, RoleListParams, UserListParams } from '@realmkit/sdk';

/**
 * Every query key of the console, by resource and realm, so that a mutation invalidates exactly
 * what it changes. Keys nest: invalidating `users.all(realm)` refreshes every users query of it.
 */
export const queryKeys = {
  realms: {
    all: ['realms'] as const,
    list: (query: RealmListParams) => ['realms', 'list', query] as const,
    detail: (realm: string) => ['realms', 'detail', realm] as const,
  },
  users: {
    all: (realm: string) => ['realm', realm, 'users'] as const,
    list: (realm: string, query: UserListParams) => ['realm', realm, 'users', 'list', query] as const,
    detail: (realm: string, id: string) => ['realm', realm, 'users', 'detail', id] as const,
    roles: (realm: string, id: string) => ['realm', realm, 'users', 'detail', id, 'roles'] as const,
    sessions: (realm: string, id: string, page: number) =>
      ['realm', realm, 'users', 'detail', id, 'sessions', page] as const,
    signInFailures: (realm: string, id: string) => ['realm', realm, 'users', 'detail', id, 'sign-in-failures'] as const,
  },
  roles: {
    all: (realm: string) => ['realm', realm, 'roles'] as const,
    list: (realm: string, query: RoleListParams) => ['realm', realm, 'roles', 'list', query] as const,
    detail: (realm: string, id: string) => ['realm', realm, 'roles', 'detail', id] as const,
    scopes: (realm: string, id: string, page: number) =>
      ['realm', realm, 'roles', 'detail', id, 'scopes', page] as const,
  },
  applications: {
    all: (realm: string) => ['realm', realm, 'applications'] as const,
    list: (realm: string, query: ApplicationListParams) => ['realm', realm, 'applications', 'list', query] as const,
    detail: (realm: string, id: string) => ['realm', realm, 'applications', 'detail', id] as const,
    roles: (realm: string, id: string, page: number) =>
      ['realm', realm, 'applications', 'detail', id, 'roles', page] as const,
  },
  /**
   * The realm's API resources and their scopes as a role's page offers them to assign: under the
   * resources' own keys (`['realm', realm, 'resources']`), so that a change made on the API
   * resources screen refreshes them too.
   */
  scopeChoices: {
    resources: (realm: string, query: object) => ['realm', realm, 'resources', 'list', query] as const,
    scopes: (realm: string, resourceId: string, query: object) =>
      ['realm', realm, 'resources', 'detail', resourceId, 'scopes', query] as const,
  },
};
