import { randomBytes } from 'node:crypto';
import { RequestContext } from '@mikro-orm/core';
import { MASTER_REALM } from '@realmkit/contract';
import type { ApplicationService } from '../applications/application.service.ts';
import { ConfigError } from '../config/config.ts';
import type { SecretKeyring } from '../crypto/secret-key.ts';
import type { Orm } from '../db/orm.ts';
import { ConflictError, ValidationError } from '../errors/api-error.ts';
import { checkSecretKeys } from '../keyring/keyring.service.ts';
import type { RealmService } from '../realms/realm.service.ts';
import type { ResourceService } from '../resources/resource.service.ts';
import type { RoleService } from '../roles/role.service.ts';
import type { UserService } from '../users/user.service.ts';

export const ADMIN_ROLE = 'admin';
const BOOTSTRAP_APPLICATION = 'Bootstrap admin client';

export interface BootstrapOptions {
  /** `REALMKIT_SECRET_KEY` and `REALMKIT_SECRET_KEY_PREVIOUS`: the database must need no other key. */
  keyring: SecretKeyring;
  /** From REALMKIT_BOOTSTRAP_CLIENT_ID / _SECRET. */
  client?: { clientId: string; clientSecret: string } | undefined;
  /**
   * Generate an admin client on first start when none is configured (`npm start`); off for the
   * `realmkit` commands, which must not create a client whose secret nobody sees.
   */
  generateClient?: boolean;
  /** From REALMKIT_BOOTSTRAP_ADMIN_EMAIL / _PASSWORD: the console's first admin, created if no user has that email. */
  admin?: { email: string; password: string } | undefined;
  /** Generate a first admin user on first start when none is configured (`npm start`). */
  generateAdmin?: boolean;
  /**
   * Point what holds the server's URL at `REALMKIT_ISSUER_URL`, which may have changed since the
   * last start: the realms' Management API indicators, and their console applications (missing
   * ones added: ApplicationService.syncConsoleApplications).
   */
  followIssuerUrl?: boolean;
}

export interface BootstrapResult {
  /** Set when this start generated the bootstrap client: its secret exists nowhere else. */
  generatedClient?: { clientId: string; clientSecret: string };
  /** Set when this start generated the first admin user: its password exists nowhere else. */
  generatedAdmin?: FirstAdmin;
  /** Set when this start created the configured admin user. */
  createdAdmin?: { email: string };
}

/** A master-realm user holding the `admin` role: who signs in to the console. */
export interface FirstAdmin {
  username: string;
  email: string;
  password: string;
}

/** The generated first admin's sign-in name and address (`.localhost` is reserved, RFC 2606). */
const GENERATED_ADMIN = { username: 'admin', email: 'admin@realmkit.localhost' } as const;

export { SecretKeyMismatchError } from '../keyring/keyring.service.ts';

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
  users: UserService;
}

export function bootstrap(services: BootstrapServices, options: BootstrapOptions): Promise<BootstrapResult> {
  // Services use the request-scoped EntityManager; a start is one "request".
  return RequestContext.create(services.orm.em, () => run(services, options));
}

async function run(services: BootstrapServices, options: BootstrapOptions): Promise<BootstrapResult> {
  const em = services.orm.em.fork();
  await checkSecretKeys(em, options.keyring);
  if (options.followIssuerUrl) await services.resources.syncManagementIndicators(em);
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

  if (options.followIssuerUrl) await services.applications.syncConsoleApplications();

  const result: BootstrapResult = {};
  const wanted = options.client;
  if (wanted) {
    const existing = await services.applications.findByClientId(em, master.id, wanted.clientId);
    if (!existing) await addAdminClient(services, master.id, wanted);
  } else if (firstStart && options.generateClient !== false) {
    result.generatedClient = await addAdminClient(services, master.id, {});
  }

  if (options.admin) {
    const created = await addAdminUser(services, master.id, options.admin).catch((error: unknown) => {
      if (!(error instanceof ValidationError)) throw error;
      const problems = error.details?.map((detail) => detail.message).join('; ') ?? error.message;
      throw new ConfigError(
        `REALMKIT_BOOTSTRAP_ADMIN_PASSWORD does not meet the master realm's password rules: ${problems}`,
      );
    });
    if (created) result.createdAdmin = { email: options.admin.email };
  } else if (firstStart && options.generateAdmin) {
    const admin = { ...GENERATED_ADMIN, password: generatePassword() };
    await addAdminUser(services, master.id, admin);
    result.generatedAdmin = admin;
  }
  return result;
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

/**
 * The master realm's `admin` role, with every Management API scope; created if missing. Reads
 * outside any transaction: the embedded database has one connection.
 */
async function adminRole(services: BootstrapServices, masterId: string) {
  const existing = await services.roles.findByName(services.orm.em.fork(), masterId, ADMIN_ROLE);
  if (existing) return existing;
  const management = await services.resources.findTarget({ id: masterId, name: MASTER_REALM }, undefined);
  if (!management) throw new Error('the master realm has no Management API resource');
  const scopeIds = await services.resources.scopeIds(masterId, management.id);
  return services.orm.em.fork().transactional(async (em) => {
    const role = services.roles.addRole(em, masterId, {
      name: ADMIN_ROLE,
      description: 'Every Management API scope, in every realm (created at first start)',
      scopeIds,
    });
    await em.flush();
    return role;
  });
}

/**
 * A master-realm user holding the `admin` role (the console's first admin; `realmkit
 * create-admin`). `false` when a user already has that email: it is left as it is.
 */
export async function addAdminUser(
  services: BootstrapServices,
  masterId: string,
  admin: { email: string; password: string; username?: string },
): Promise<boolean> {
  if (await services.users.findByLogin(masterId, admin.email)) return false;
  const user = await services.users.create(masterId, {
    email: admin.email,
    username: admin.username,
    password: admin.password,
    email_verified: true,
  });
  const role = await adminRole(services, masterId);
  await services.users.assignRoles(masterId, user.id, [role.id]);
  return true;
}

/** 24 random characters: 144 bits, far past any realm's password rules. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

async function addAdminClient(
  services: BootstrapServices,
  masterId: string,
  credentials: { clientId?: string; clientSecret?: string },
): Promise<{ clientId: string; clientSecret: string }> {
  const role = await adminRole(services, masterId);
  return services.orm.em.fork().transactional(async (em) => {
    const { application, clientSecret } = services.applications.addMachineToMachine(em, masterId, {
      name: BOOTSTRAP_APPLICATION,
      ...credentials,
    });
    services.roles.assignToApplication(em, masterId, application.id, role.id);
    await em.flush();
    return { clientId: application.clientId, clientSecret };
  });
}
