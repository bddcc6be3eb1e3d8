import { lazy } from 'react';
import type { RealmSection } from './section.ts';

/**
 * Every screen of the console, in one place: each is a folder `screens/<name>/` whose
 * `index.tsx` default-exports its screen (loaded when first opened), and one line here. The nav
 * lists the sections in this order.
 */

/** `/realms`: the realms of this server (master-realm admins). */
export const RealmsScreen = lazy(() => import('./realms/index.tsx'));

/** `/realms/:realm…`: the sections of one realm. */
export const realmSections: readonly RealmSection[] = [
  {
    path: '',
    label: 'Settings',
    scope: 'realms:read',
    masterOnly: true,
    screen: lazy(() => import('./realm-settings/index.tsx')),
  },
  { path: '/users', label: 'Users', scope: 'users:read', screen: lazy(() => import('./users/index.tsx')) },
  {
    path: '/applications',
    label: 'Applications',
    scope: 'applications:read',
    screen: lazy(() => import('./applications/index.tsx')),
  },
  { path: '/roles', label: 'Roles', scope: 'roles:read', screen: lazy(() => import('./roles/index.tsx')) },
  {
    path: '/resources',
    label: 'API resources',
    scope: 'resources:read',
    screen: lazy(() => import('./resources/index.tsx')),
  },
  {
    path: '/keys',
    label: 'Signing keys',
    scope: 'realms:read',
    masterOnly: true,
    screen: lazy(() => import('./keys/index.tsx')),
  },
  {
    path: '/audit-log',
    label: 'Audit log',
    scope: 'audit-logs:read',
    screen: lazy(() => import('./audit-log/index.tsx')),
  },
];
