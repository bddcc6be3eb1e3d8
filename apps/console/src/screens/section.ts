import type { ManagementScope } from '@realmkit/contract';
import type { ComponentType, LazyExoticComponent } from 'react';

/** A section of a realm in the console: its routes, its nav entry, and the scope that reads it. */
export interface RealmSection {
  /** Under `/realms/:realm`: `''` is the realm itself (its settings), else `/users`, `/roles`... */
  path: string;
  /** The nav entry, and what the "needs" notice calls it. */
  label: string;
  /** The scope its list (or page) is read with: without it, the section is left out of the nav. */
  scope: ManagementScope;
  /** Only master-realm tokens reach it (the realms API, signing keys). */
  masterOnly?: boolean;
  /** The screen folder's default export; it routes its own sub-paths (`/`, `/:id`). */
  screen: LazyExoticComponent<ComponentType>;
}
