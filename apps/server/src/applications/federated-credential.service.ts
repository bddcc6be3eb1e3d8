import { LockMode } from '@mikro-orm/core';
import { type CreateFederatedCredentialBody, type ListQuery, MAX_FEDERATED_CREDENTIALS } from '@realmkit/contract';
import { findInRealm } from '../db/find-in-realm.ts';
import { newId } from '../db/ids.ts';
import type { Orm } from '../db/orm.ts';
import { type Page, paged, searchFilter } from '../db/pagination.ts';
import { withConflicts } from '../db/unique-violation.ts';
import { type ErrorDetail, NotFoundError, ValidationError } from '../errors/api-error.ts';
import type { Issuers } from '../oauth-protocol/issuer.ts';
import { type OutboundPolicy, registrableUrlProblem } from '../outbound/outbound-url.ts';
import { ApplicationEntity } from './application.entity.ts';
import { type FederatedCredential, FederatedCredentialEntity } from './federated-credential.entity.ts';

const CONFLICTS = {
  federated_credentials_name_unique: {
    path: 'name',
    message: 'This application already has a federated credential with this name',
  },
  federated_credentials_subject_unique: {
    path: 'subject',
    message: 'This application already trusts this subject of this issuer',
  },
};

/** Why a federated credential of this application would never authenticate it (the token endpoint's rule). */
const NOT_PRIVATE_KEY_JWT =
  'Federated credentials authenticate only an application whose token_endpoint_auth_method is private_key_jwt';

const applicationNotFound = () => new NotFoundError('Application not found');
const credentialNotFound = () => new NotFoundError('Federated credential not found');

/** What a federated client assertion is checked against: one credential, as the token endpoint reads it. */
export interface TrustedIdentity {
  id: string;
  name: string;
  issuer: string;
  subject: string;
  audiences: string[];
  jwksUri: string | null;
}

/** The realm a credential is created in: its name gives the default audience. */
export interface CredentialRealm {
  id: string;
  name: string;
}

/**
 * The workload identities each application trusts (workload identity federation). Every query is
 * filtered by realm and application: an application of another realm is not found.
 */
export class FederatedCredentialService {
  readonly #orm: Orm;
  readonly #issuers: Issuers;
  readonly #outbound: OutboundPolicy;

  constructor(orm: Orm, issuers: Issuers, outbound: OutboundPolicy) {
    this.#orm = orm;
    this.#issuers = issuers;
    this.#outbound = outbound;
  }

  /** By name; `search` matches name, issuer and subject. */
  async list(realmId: string, applicationId: string, query: ListQuery): Promise<Page<FederatedCredential>> {
    await this.#application(realmId, applicationId);
    return paged(query, (window) =>
      this.#orm.em.findAndCount(
        FederatedCredentialEntity,
        { realmId, applicationId, ...searchFilter(query.search, ['name', 'issuer', 'subject']) },
        { orderBy: { name: 'asc' }, ...window },
      ),
    );
  }

  async get(realmId: string, applicationId: string, id: string): Promise<FederatedCredential> {
    await this.#application(realmId, applicationId);
    const credential = await this.#orm.em.findOne(FederatedCredentialEntity, { id, realmId, applicationId });
    if (!credential) throw credentialNotFound();
    return credential;
  }

  /**
   * Trusts a workload identity: 422 naming each problem (the application does not authenticate
   * with `private_key_jwt`, a URL Realmkit may not fetch from, the limit reached), 409 for a name,
   * or an issuer and subject, the application already has (the database's unique constraints, so
   * this holds under concurrent requests).
   */
  async create(
    realm: CredentialRealm,
    applicationId: string,
    input: CreateFederatedCredentialBody,
  ): Promise<FederatedCredential> {
    const urlProblems = this.#urlProblems(input);
    return withConflicts(CONFLICTS, () =>
      this.#orm.em.transactional(async (em) => {
        // FOR UPDATE, not FOR SHARE: two creates must not both count below the limit and both
        // insert; and a concurrent delete of the application cannot slip between check and insert.
        const application = await em.findOne(
          ApplicationEntity,
          { id: applicationId, realmId: realm.id },
          { lockMode: LockMode.PESSIMISTIC_WRITE },
        );
        if (!application) throw applicationNotFound();
        const problems: ErrorDetail[] = [];
        const keyAuthenticated = application.tokenEndpointAuthMethod === 'private_key_jwt';
        if (!keyAuthenticated) {
          problems.push({
            path: 'id',
            message: `This application authenticates with ${application.tokenEndpointAuthMethod}`,
          });
        }
        problems.push(...urlProblems);
        const count = await em.count(FederatedCredentialEntity, { realmId: realm.id, applicationId });
        if (count >= MAX_FEDERATED_CREDENTIALS) {
          problems.push({
            path: 'id',
            message: `An application trusts at most ${MAX_FEDERATED_CREDENTIALS} federated credentials`,
          });
        }
        if (problems.length > 0) {
          throw new ValidationError(keyAuthenticated ? 'Invalid federated credential' : NOT_PRIVATE_KEY_JWT, problems);
        }
        return em.create(FederatedCredentialEntity, {
          id: newId(),
          realmId: realm.id,
          applicationId,
          name: input.name,
          description: input.description ?? null,
          issuer: input.issuer,
          subject: input.subject,
          // What a workload asks its platform for by default: a token for this realm's issuer.
          audiences: [...new Set(input.audiences ?? [this.#issuers.issuerOf(realm.name)])],
          jwksUri: input.jwks_uri ?? null,
        });
      }),
    );
  }

  /** The workload's next token request is refused; tokens it already holds run until they expire. */
  async delete(realmId: string, applicationId: string, id: string): Promise<void> {
    await this.#application(realmId, applicationId);
    const deleted = await this.#orm.em.nativeDelete(FederatedCredentialEntity, { id, realmId, applicationId });
    if (deleted === 0) throw credentialNotFound();
  }

  /**
   * The credentials of the application with this issuer (one per subject): what a federated
   * `client_assertion` whose `iss` is `issuer` may match (RFC 7523 §2.2). Forks its own
   * EntityManager: the token endpoint runs outside any request context.
   */
  async findForAssertion(realmId: string, applicationId: string, issuer: string): Promise<TrustedIdentity[]> {
    const found = await this.#orm.em.fork().find(FederatedCredentialEntity, { realmId, applicationId, issuer });
    return found.map((credential) => ({
      id: credential.id,
      name: credential.name,
      issuer: credential.issuer,
      subject: credential.subject,
      audiences: credential.audiences,
      jwksUri: credential.jwksUri ?? null,
    }));
  }

  async #application(realmId: string, id: string): Promise<void> {
    if (!(await findInRealm(this.#orm.em, ApplicationEntity, id, realmId))) throw applicationNotFound();
  }

  /** `issuer` and `jwks_uri` are URLs Realmkit fetches keys from: the rules of every outbound fetch. */
  #urlProblems(input: CreateFederatedCredentialBody): ErrorDetail[] {
    const urls = { issuer: input.issuer, jwks_uri: input.jwks_uri };
    return Object.entries(urls).flatMap(([path, url]) => {
      const problem = url === undefined ? undefined : registrableUrlProblem(url, this.#outbound);
      return problem ? [{ path, message: `${path} ${problem}` }] : [];
    });
  }
}
