import type { KeyObject } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  APPLICATION_TYPES,
  type ApplicationType,
  CLIENT_RULES,
  type ClientJwks,
  CONSOLE_APPLICATION,
  type CreateApplicationBody,
  type GrantType,
  type ListQuery,
  type TokenEndpointAuthMethod,
  type UpdateApplicationBody,
} from '@realmkit/contract';
import type { Clock } from '../clock/clock.ts';
import type { KeyOf, SecretKeyring } from '../crypto/secret-key.ts';
import { findInRealm } from '../db/find-in-realm.ts';
import { newId } from '../db/ids.ts';
import type { Orm } from '../db/orm.ts';
import { type Page, paged, searchFilter } from '../db/pagination.ts';
import { deleteRow, KEEP_ROW_VERSION, type RowCheck, updateRow } from '../db/row-version.ts';
import { violatedConstraint } from '../db/unique-violation.ts';
import { type ErrorDetail, NotFoundError, ValidationError } from '../errors/api-error.ts';
import type { Issuers } from '../oauth-protocol/issuer.ts';
import type { OutboundPolicy } from '../outbound/outbound-url.ts';
import type { Role } from '../roles/role.entity.ts';
import type { RoleService } from '../roles/role.service.ts';
import { type Application, ApplicationEntity } from './application.entity.ts';
import { jwksProblems, jwksUriProblems } from './client-keys.ts';
import { generateClientId, generateClientSecret, hashClientSecret, matchClientSecret } from './client-secret.ts';
import { redirectUriProblems } from './redirect-uris.ts';

const CONSOLE_DESCRIPTION = "Built in: the web console signs this realm's admins in through it (/console)";

/** Stands for the realm's name in a console URI cut into SQL (a realm name never holds it). */
const NAME_SLOT = '\u0000';

function consoleRedirectUris(baseUrl: string, realmName: string) {
  return {
    redirectUris: [CONSOLE_APPLICATION.redirectUri(baseUrl, realmName)],
    postLogoutRedirectUris: [CONSOLE_APPLICATION.postLogoutRedirectUri(baseUrl, realmName)],
  };
}

/** Types that can keep a secret (a server), and so get one: those the rules do not make public (`none`). */
const CONFIDENTIAL_TYPES: ReadonlySet<ApplicationType> = new Set(
  APPLICATION_TYPES.filter((type) => !CLIENT_RULES[type].authMethods.includes('none')),
);

/** An application with its new plain secret, which exists nowhere else afterwards. */
export interface ApplicationAndSecret {
  application: Application;
  clientSecret: string | undefined;
}

/** A rotated secret, and when the one it replaced stops authenticating. */
export interface RotatedSecret {
  application: Application;
  clientSecret: string;
  previousSecretExpiresAt: Date;
}

/** `field`: `redirect_uris`, or `post_logout_redirect_uris` (the same rules, OIDC RP-Initiated Logout §3.1). */
function checkedRedirectUris(type: ApplicationType, uris: readonly string[], field = 'redirect_uris'): string[] {
  const problems = redirectUriProblems(type, uris, field);
  if (problems.length > 0) throw new ValidationError(`Invalid ${field} for a ${type} application`, problems);
  return [...new Set(uris)];
}

interface ClientSettings {
  grantTypes: GrantType[];
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
}

/**
 * The grants and token endpoint authentication an application gets: what the request names, else
 * what it has (`current`), else its type's defaults; each checked against its type's rules (422).
 */
function checkedClientSettings(
  type: ApplicationType,
  requested: Pick<UpdateApplicationBody, 'grant_types' | 'token_endpoint_auth_method'>,
  current?: ClientSettings,
): ClientSettings {
  const rules = CLIENT_RULES[type];
  const grantTypes = requested.grant_types ?? current?.grantTypes ?? rules.defaults.grant_types;
  const method =
    requested.token_endpoint_auth_method ??
    current?.tokenEndpointAuthMethod ??
    rules.defaults.token_endpoint_auth_method;
  const problems: ErrorDetail[] = grantTypes.flatMap((grantType, index) =>
    rules.grantTypes.includes(grantType)
      ? []
      : [{ path: `grant_types.${index}`, message: `A ${type} application cannot use ${grantType}` }],
  );
  if (!rules.authMethods.includes(method)) {
    const allowed = rules.authMethods.join(' or ');
    problems.push({
      path: 'token_endpoint_auth_method',
      message: `A ${type} application authenticates with ${allowed}`,
    });
  }
  if (problems.length > 0) throw new ValidationError(`Invalid client settings for a ${type} application`, problems);
  return { grantTypes: [...new Set(grantTypes)], tokenEndpointAuthMethod: method };
}

interface ClientKeys {
  jwks: ClientJwks | null;
  jwksUri: string | null;
}

/**
 * The public keys an application gets (RFC 7591 `jwks` or `jwks_uri`): what the request names over
 * what it has; setting one clears the other, as both may never be present (§2). Only confidential
 * types have keys; each is checked (422).
 */
function checkedKeys(
  type: ApplicationType,
  requested: Pick<UpdateApplicationBody, 'jwks' | 'jwks_uri'>,
  current: ClientKeys,
  policy: OutboundPolicy,
): ClientKeys {
  if (requested.jwks && requested.jwks_uri) {
    throw new ValidationError('Send jwks or jwks_uri, not both (RFC 7591 §2)', [
      { path: 'jwks_uri', message: 'An application has jwks or jwks_uri, not both' },
    ]);
  }
  let keys = current;
  if (requested.jwks !== undefined) keys = { jwks: requested.jwks, jwksUri: requested.jwks ? null : keys.jwksUri };
  if (requested.jwks_uri !== undefined) {
    keys = { jwksUri: requested.jwks_uri, jwks: requested.jwks_uri ? null : keys.jwks };
  }
  if ((requested.jwks || requested.jwks_uri) && !CONFIDENTIAL_TYPES.has(type)) {
    throw new ValidationError(`A ${type} application is public: it signs nothing, and has no keys`, [
      { path: requested.jwks ? 'jwks' : 'jwks_uri', message: `A ${type} application has no keys` },
    ]);
  }
  const problems = [
    ...(requested.jwks ? jwksProblems(requested.jwks) : []),
    ...(requested.jwks_uri ? jwksUriProblems(requested.jwks_uri, policy) : []),
  ];
  if (problems.length > 0) throw new ValidationError('Invalid client keys', problems);
  return keys;
}

const NO_KEYS: ClientKeys = { jwks: null, jwksUri: null };

/** A client secret as stored: its keyed hash, and the id of the secret key it was made with. */
interface HashedSecret {
  clientSecretHash: string | null;
  clientSecretKeyId: string | null;
}

const NO_SECRET: HashedSecret = { clientSecretHash: null, clientSecretKeyId: null };

/** Bounds the memory of {@link ApplicationService.verifySecret}'s re-hashes (forgetting only costs a no-op UPDATE). */
const MAX_REHASHED_REMEMBERED = 10_000;

/** An m2m application made outside the API (bootstrap, `realmkit create-client`). */
interface MachineToMachineInput {
  name: string;
  description?: string;
  clientId?: string;
}

const NOT_FOUND = 'Application not found';
const notFound = () => new NotFoundError(NOT_FOUND);

/** Applications (OAuth clients) of a realm. Every query is filtered by `realmId`. */
export class ApplicationService {
  readonly #orm: Orm;
  readonly #secretKey: SecretKeyring;
  /** The client-secret HMAC key of every key of the ring, the current one first. */
  readonly #clientSecretKeys: readonly KeyOf<KeyObject>[];
  /** Hashes made with a previous key and replaced by this process (see {@link verifySecret}). */
  readonly #rehashed = new Set<string>();
  readonly #roles: RoleService;
  readonly #clock: Clock;
  readonly #issuers: Issuers;
  readonly #outbound: OutboundPolicy;

  constructor(
    orm: Orm,
    secretKey: SecretKeyring,
    roles: RoleService,
    clock: Clock,
    issuers: Issuers,
    outbound: OutboundPolicy = { allowLoopback: false },
  ) {
    this.#orm = orm;
    this.#secretKey = secretKey;
    this.#clientSecretKeys = secretKey.keysFor((key) => key.clientSecretKey);
    this.#roles = roles;
    this.#clock = clock;
    this.#issuers = issuers;
    this.#outbound = outbound;
  }

  list(realmId: string, query: ListQuery): Promise<Page<Application>> {
    return paged(query, (window) =>
      this.#orm.em.findAndCount(
        ApplicationEntity,
        { realmId, ...searchFilter(query.search, ['name', 'description', 'clientId']) },
        { orderBy: { id: 'desc' }, ...window },
      ),
    );
  }

  async get(realmId: string, id: string): Promise<Application> {
    const application = await findInRealm(this.#orm.em, ApplicationEntity, id, realmId);
    if (!application) throw new NotFoundError(NOT_FOUND);
    return application;
  }

  async create(realmId: string, input: CreateApplicationBody): Promise<ApplicationAndSecret> {
    const redirectUris = checkedRedirectUris(input.type, input.redirect_uris);
    const postLogoutRedirectUris = checkedRedirectUris(
      input.type,
      input.post_logout_redirect_uris,
      'post_logout_redirect_uris',
    );
    const settings = checkedClientSettings(input.type, input);
    const keys = checkedKeys(input.type, input, NO_KEYS, this.#outbound);
    // A client that proves itself with a key gets no secret: there is nothing to leak or rotate.
    const clientSecret =
      CONFIDENTIAL_TYPES.has(input.type) && settings.tokenEndpointAuthMethod !== 'private_key_jwt'
        ? generateClientSecret()
        : undefined;
    const application = this.#orm.em.create(ApplicationEntity, {
      id: newId(),
      realmId,
      name: input.name,
      description: input.description ?? null,
      type: input.type,
      clientId: generateClientId(),
      ...(clientSecret ? this.#hash(clientSecret) : NO_SECRET),
      redirectUris,
      postLogoutRedirectUris,
      ...settings,
      ...keys,
      dpopBoundAccessTokens: input.dpop_bound_access_tokens ?? false,
      requireDpopNonce: input.require_dpop_nonce ?? false,
    });
    await this.#orm.em.flush();
    return { application, clientSecret };
  }

  /** `check` is the request's precondition (`If-Match`), judged under the row's lock. */
  update(realmId: string, id: string, input: UpdateApplicationBody, check?: RowCheck): Promise<Application> {
    return updateRow(this.#orm.em, ApplicationEntity, { id, realmId }, { check, notFound }, (application) => {
      if (input.redirect_uris !== undefined) {
        application.redirectUris = checkedRedirectUris(application.type, input.redirect_uris);
      }
      if (input.post_logout_redirect_uris !== undefined) {
        application.postLogoutRedirectUris = checkedRedirectUris(
          application.type,
          input.post_logout_redirect_uris,
          'post_logout_redirect_uris',
        );
      }
      if (input.grant_types !== undefined || input.token_endpoint_auth_method !== undefined) {
        Object.assign(application, checkedClientSettings(application.type, input, application));
      }
      if (input.jwks !== undefined || input.jwks_uri !== undefined) {
        const current = { jwks: application.jwks ?? null, jwksUri: application.jwksUri ?? null };
        Object.assign(application, checkedKeys(application.type, input, current, this.#outbound));
      }
      if (input.dpop_bound_access_tokens !== undefined) {
        application.dpopBoundAccessTokens = input.dpop_bound_access_tokens;
      }
      if (input.require_dpop_nonce !== undefined) application.requireDpopNonce = input.require_dpop_nonce;
      if (input.name !== undefined) application.name = input.name;
      if (input.description !== undefined) application.description = input.description;
    });
  }

  /** Deletes the application: its next token request fails; its role assignments go too (cascade). */
  async delete(realmId: string, id: string, check?: RowCheck): Promise<void> {
    await deleteRow(this.#orm.em, ApplicationEntity, { id, realmId }, { check, notFound });
  }

  /**
   * A new secret for a confidential application. The old one stops working at once, or after
   * `gracePeriodSeconds` so that every instance of the client can switch. Only one previous secret
   * is kept: one still in an earlier grace period stops at once. Runs under the row's lock, so
   * `check` (`If-Match`) sees the state it replaces, and two rotations never both keep one secret.
   */
  async rotateSecret(realmId: string, id: string, gracePeriodSeconds = 0, check?: RowCheck): Promise<RotatedSecret> {
    const clientSecret = generateClientSecret();
    const previousSecretExpiresAt = new Date(this.#clock() + gracePeriodSeconds * 1000);
    const application = await updateRow(
      this.#orm.em,
      ApplicationEntity,
      { id, realmId },
      {
        check,
        notFound,
        guard: (application) => {
          if (!CONFIDENTIAL_TYPES.has(application.type)) {
            throw new ValidationError(`A ${application.type} application is public: it has no client secret`);
          }
        },
      },
      (application) => {
        const keep = gracePeriodSeconds > 0;
        application.previousClientSecretHash = keep ? application.clientSecretHash : null;
        application.previousClientSecretKeyId = keep ? (application.clientSecretKeyId ?? null) : null;
        application.previousClientSecretExpiresAt = keep ? previousSecretExpiresAt : null;
        Object.assign(application, this.#hash(clientSecret));
      },
    );
    return { application, clientSecret, previousSecretExpiresAt };
  }

  async listRoles(realmId: string, id: string, query: ListQuery): Promise<Page<Role>> {
    await this.get(realmId, id);
    return this.#roles.listAssigned('application', realmId, id, query);
  }

  /** Only m2m applications hold roles: they decide what client_credentials may grant. */
  async assignRoles(realmId: string, id: string, roleIds: readonly string[]): Promise<void> {
    await this.#roles.assign('application', realmId, id, roleIds, async (em) => {
      const application = await em.findOne(ApplicationEntity, { id, realmId }, { lockMode: LockMode.PESSIMISTIC_READ });
      if (!application) throw new NotFoundError(NOT_FOUND);
      if (application.type !== 'm2m') {
        throw new ValidationError(`Only m2m applications hold roles; this one is ${application.type}`);
      }
    });
  }

  async removeRole(realmId: string, id: string, roleId: string): Promise<void> {
    await this.get(realmId, id);
    await this.#roles.unassign('application', realmId, id, roleId);
  }

  /**
   * Adds an m2m application inside the caller's transaction (bootstrap). Returns the plain
   * secret, which exists nowhere else afterwards.
   */
  addMachineToMachine(
    em: EntityManager,
    realmId: string,
    input: MachineToMachineInput & { clientSecret?: string },
  ): { application: Application; clientSecret: string } {
    const clientSecret = input.clientSecret ?? generateClientSecret();
    const application = this.#addMachineToMachine(em, realmId, input, {
      ...this.#hash(clientSecret),
      ...checkedClientSettings('m2m', {}),
    });
    return { application, clientSecret };
  }

  /**
   * Adds an m2m application that proves itself with its keys (`private_key_jwt`: `jwks` or
   * `jwks_uri`) inside the caller's transaction (`realmkit create-client --jwks-file`): the keys
   * checked as the API checks them (a ValidationError), and no secret.
   */
  addMachineToMachineWithKeys(
    em: EntityManager,
    realmId: string,
    input: MachineToMachineInput & Pick<UpdateApplicationBody, 'jwks' | 'jwks_uri'>,
  ): Application {
    return this.#addMachineToMachine(em, realmId, input, {
      ...NO_SECRET,
      ...checkedClientSettings('m2m', { token_endpoint_auth_method: 'private_key_jwt' }),
      ...checkedKeys('m2m', input, NO_KEYS, this.#outbound),
    });
  }

  #addMachineToMachine(
    em: EntityManager,
    realmId: string,
    input: MachineToMachineInput,
    credentials: ClientSettings & Partial<ClientKeys> & HashedSecret,
  ): Application {
    return em.create(ApplicationEntity, {
      id: newId(),
      realmId,
      name: input.name,
      description: input.description ?? null,
      type: 'm2m',
      clientId: input.clientId ?? generateClientId(),
      redirectUris: [],
      postLogoutRedirectUris: [],
      ...credentials,
    });
  }

  /**
   * Adds the realm's built-in console application inside the caller's transaction (a new realm):
   * a public client whose redirect URIs are the console's pages for that realm.
   */
  addConsoleApplication(em: EntityManager, realm: { id: string; name: string }): Application {
    return em.create(ApplicationEntity, {
      id: newId(),
      realmId: realm.id,
      name: CONSOLE_APPLICATION.name,
      description: CONSOLE_DESCRIPTION,
      type: 'spa',
      clientId: CONSOLE_APPLICATION.clientId(realm.name),
      ...NO_SECRET,
      ...consoleRedirectUris(this.#issuers.baseUrl, realm.name),
      ...checkedClientSettings('spa', {}),
    });
  }

  /**
   * What every start ensures: each realm has its console application (one deleted comes back), and
   * their redirect URIs are the console's at this server's URL (`REALMKIT_ISSUER_URL` may have
   * changed). Returns how many it added.
   */
  async syncConsoleApplications(): Promise<number> {
    const em = this.#orm.em.fork();
    const missing = await em.execute<{ id: string; name: string }[]>(
      `select r.id, r.name from realms r
        where not exists (select 1 from applications a where a.realm_id = r.id and a.client_id = ? || r.name)`,
      [CONSOLE_APPLICATION.clientId('')],
    );
    for (const realm of missing) this.addConsoleApplication(em, realm);
    try {
      await em.flush();
    } catch (error) {
      // Another instance starting at the same moment added them first.
      if (violatedConstraint(error) !== 'applications_client_id_unique') throw error;
    }
    // Each URI as the SQL `before || realm name || after`, cut from the contract's one definition.
    const base = this.#issuers.baseUrl;
    const [redirect, redirectEnd] = CONSOLE_APPLICATION.redirectUri(base, NAME_SLOT).split(NAME_SLOT);
    const [logout, logoutEnd] = CONSOLE_APPLICATION.postLogoutRedirectUri(base, NAME_SLOT).split(NAME_SLOT);
    const wanted = [redirect, redirectEnd, logout, logoutEnd];
    await em.execute(
      `update applications a
          set redirect_uris = jsonb_build_array(?::text || r.name || ?::text),
              post_logout_redirect_uris = jsonb_build_array(?::text || r.name || ?::text)
         from realms r
        where a.realm_id = r.id and a.client_id = ? || r.name
          and (a.redirect_uris <> jsonb_build_array(?::text || r.name || ?::text)
               or a.post_logout_redirect_uris <> jsonb_build_array(?::text || r.name || ?::text))`,
      [...wanted, CONSOLE_APPLICATION.clientId(''), ...wanted],
    );
    return missing.length;
  }

  async findByClientId(em: EntityManager, realmId: string, clientId: string): Promise<Application | null> {
    return em.findOne(ApplicationEntity, { realmId, clientId });
  }

  /**
   * Whether `clientSecret` is the application's secret, or its previous one within the grace
   * period. Takes the same time whether `application` exists or not, and whichever matches (but
   * for the key: a hash made with a key of REALMKIT_SECRET_KEY_PREVIOUS costs its own HMAC).
   *
   * A secret that matches a hash made with a previous key is hashed again with the current one
   * (one UPDATE, once): the hashes cannot be re-keyed without the secrets, so each moves to the
   * new key as its client next authenticates (`realmkit rotate-secret-key` counts those left).
   */
  async verifySecret(application: Application | null, clientSecret: string): Promise<boolean> {
    const graceEndsAt = application?.previousClientSecretExpiresAt?.getTime() ?? Number.NEGATIVE_INFINITY;
    const inGrace = graceEndsAt > this.#clock();
    const stored = [
      { hash: application?.clientSecretHash ?? null, keyId: application?.clientSecretKeyId ?? null },
      {
        hash: inGrace ? (application?.previousClientSecretHash ?? null) : null,
        keyId: application?.previousClientSecretKeyId ?? null,
      },
    ];
    const matched = matchClientSecret(clientSecret, stored, this.#clientSecretKeys);
    const entry = stored[matched];
    if (!application || !entry) return false;
    if (entry.keyId !== this.#secretKey.current.id && entry.hash) {
      await this.#rehash(application.id, matched === 0 ? 'current' : 'previous', entry.hash, clientSecret);
    }
    return true;
  }

  /**
   * Replaces a hash made with a previous key by the current key's, unless the secret changed
   * meanwhile (a rotation). Leaves the row's version (its ETag) alone: nothing a client sees
   * changed. A failure is not the authentication's: the next one tries again.
   */
  async #rehash(applicationId: string, slot: 'current' | 'previous', oldHash: string, secret: string): Promise<void> {
    if (this.#rehashed.has(oldHash)) return;
    const [hashColumn, keyColumn] =
      slot === 'current'
        ? ['client_secret_hash', 'client_secret_key_id']
        : ['previous_client_secret_hash', 'previous_client_secret_key_id'];
    const { clientSecretHash, clientSecretKeyId } = this.#hash(secret);
    try {
      await this.#orm.em.fork().transactional(async (em) => {
        await em.execute(KEEP_ROW_VERSION);
        await em.execute(
          `update applications set ${hashColumn} = ?, ${keyColumn} = ? where id = ? and ${hashColumn} = ?`,
          [clientSecretHash, clientSecretKeyId, applicationId, oldHash],
        );
      });
      // Cached applications still show the old hash for a moment (HotPathCache): no UPDATE for each.
      if (this.#rehashed.size >= MAX_REHASHED_REMEMBERED) this.#rehashed.clear();
      this.#rehashed.add(oldHash);
    } catch {
      // Still on the previous key, which still verifies it.
    }
  }

  #hash(secret: string): HashedSecret {
    return {
      clientSecretHash: hashClientSecret(secret, this.#secretKey.current.clientSecretKey),
      clientSecretKeyId: this.#secretKey.current.id,
    };
  }
}
