import { Migration20261124000000Foundation } from './Migration20261124000000Foundation.ts';

/** Every migration, in order. Listed explicitly: no file globbing at run time. */
export const migrations = [{ name: 'Migration20261124000000Foundation', class: Migration20261124000000Foundation }];
