import { RequestContext } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { MASTER_REALM } from '@realmkit/contract';
import type { ApplicationService } from '../applications/application.service.ts';
import type { SecretKey } from '../crypto/secret-key.ts';
import type { Orm } from '../db/orm.ts';
import { ConflictError } from '../errors/api-error.ts';
import type { RealmService } from '../realms/realm.service.ts';
import type { ResourceService } from '../resources/resource.service.ts';
import type { RoleService } from '../roles/role.service.ts';

export const ADMIN_ROLE = 'admin';
const BOOTSTRAP_APPLICATION = 'Bootstrap admin client';

export interface BootstrapOptions {
  secretKey: SecretKey;
  /** From REALMKIT_BOOTSTRAP_CLIENT_ID / _SECRET. */
  client?: { clientId: string; clientSecret: string } | undefined;
  /**
   * Generate an admin client on first start when none is configured (`npm start`); off for the
   * `realmkit` commands, which must not create a client whose secret nobody sees.
   */
  generateClient?: boolean;
}

export interface BootstrapResult {
  /** Set when this start generated the bootstrap client: its secret exists nowhere else. */
  generatedClient?: { clientId: string; clientSecret: string };
}

export class SecretKeyMismatchError extends Error {
  override name = 'SecretKeyMismatchError';
}

/**
 * What every start ensures: the database belongs to this secret key, the master realm exists,
 * and there is a client holding every management scope in it (created on first start).
 */
/** What the bootstrap writes through: the composition root's services (services.ts). */
export interface BootstrapServices {
  orm: Orm;
  realms: RealmService;
  resources: ResourceService;
  roles: RoleService;
  applications: ApplicationService;
}

export function bootstrap(services: BootstrapServices, options: BootstrapOptions): Promise<BootstrapResult> {
  // Services use the request-scoped EntityManager; a start is one "request".
  return RequestContext.create(services.orm.em, () => run(services, options));
}

async function run(services: BootstrapServices, options: BootstrapOptions): Promise<BootstrapResult> {
  const em = services.orm.em.fork();
  await checkSecretKey(em, options.secretKey);
  await services.resources.syncManagementIndicators(em);
  const newMasterScopes = await services.resources.syncManagementScopes(em);

  let master = await services.realms.findByName(MASTER_REALM);
  const firstStart = !master;
  if (!master) {
    try {
      master = await services.realms.create({ name: MASTER_REALM, displayName: 'Master' });
    } catch (error) {
      // Another instance started at the same moment and created it first.
      if (!(error instanceof ConflictError)) throw error;
      master = await services.realms.findByName(MASTER_REALM);
      if (!master) throw error;
    }
  }

  if (newMasterScopes.length > 0) await grantToAdminRole(services, master.id, newMasterScopes);

  const wanted = options.client;
  if (wanted) {
    const existing = await services.applications.findByClientId(em, master.id, wanted.clientId);
    if (!existing) await addAdminClient(services, master.id, wanted);
    return {};
  }
  if (!firstStart || options.generateClient === false) return {};
  return { generatedClient: await addAdminClient(services, master.id, {}) };
}

async function checkSecretKey(em: EntityManager, secretKey: SecretKey): Promise<void> {
  await em.execute(
    "insert into system_settings (key, value) values ('secret_key_fingerprint', ?) on conflict (key) do nothing",
    [secretKey.fingerprint],
  );
  const [row] = await em.execute<{ value: string }[]>(
    "select value from system_settings where key = 'secret_key_fingerprint'",
  );
  if (row?.value !== secretKey.fingerprint) {
    throw new SecretKeyMismatchError(
      'REALMKIT_SECRET_KEY is not the key this database was set up with: signing keys and client secrets ' +
        'could not be read. Start with the original key.',
    );
  }
}

/**
 * Management scopes a newer Realmkit added to the master realm go to its `admin` role once, when
 * they appear, so that the bootstrap client keeps holding every scope. A scope an operator takes
 * away from the role later stays away.
 */
async function grantToAdminRole(services: BootstrapServices, masterId: string, scopeIds: string[]): Promise<void> {
  const role = await services.roles.findByName(services.orm.em.fork(), masterId, ADMIN_ROLE);
  if (role) await services.roles.assignScopes(masterId, role.id, scopeIds);
}

async function addAdminClient(
  services: BootstrapServices,
  masterId: string,
  credentials: { clientId?: string; clientSecret?: string },
): Promise<{ clientId: string; clientSecret: string }> {
  const management = await services.resources.findTarget(masterId, undefined);
  if (!management) throw new Error('the master realm has no Management API resource');
  const scopeIds = await services.resources.scopeIds(masterId, management.id);
  return services.orm.em.fork().transactional(async (em) => {
    const role =
      (await services.roles.findByName(em, masterId, ADMIN_ROLE)) ??
      services.roles.addRole(em, masterId, {
        name: ADMIN_ROLE,
        description: 'Every Management API scope, in every realm (created at first start)',
        scopeIds,
      });
    const { application, clientSecret } = services.applications.addMachineToMachine(em, masterId, {
      name: BOOTSTRAP_APPLICATION,
      ...credentials,
    });
    services.roles.assignToApplication(em, masterId, application.id, role.id);
    await em.flush();
    return { clientId: application.clientId, clientSecret };
  });
}
