import { ApplicationService } from './applications/application.service.ts';
import { FederatedCredentialService } from './applications/federated-credential.service.ts';
import { AuditLogService } from './audit/audit-log.service.ts';
import { type Clock, systemClock } from './clock/clock.ts';
import { type PasswordWorkLimits, passwordWorkLimits } from './config/password-work-config.ts';
import type { SealedBox } from './crypto/sealed-box.ts';
import type { SecretKey, SecretKeyring } from './crypto/secret-key.ts';
import type { Orm } from './db/orm.ts';
import { OutboxSignal } from './events/outbox-signal.ts';
import { ReadinessService } from './health/readiness.ts';
import { HotPathCache } from './hot-path/hot-path.service.ts';
import { IdempotencyStore } from './idempotency/idempotency.store.ts';
import { SigningKeyService } from './keys/signing-key.service.ts';
import { AccessTokenService } from './oauth/access-tokens.ts';
import { DatabaseReplayStore } from './oauth/assertion-replay.ts';
import { ClientAssertionService } from './oauth/client-assertion.service.ts';
import type { ClientVerifier } from './oauth/client-auth/index.ts';
import { DpopProofs } from './oauth/dpop-proofs.ts';
import { IdTokenService } from './oauth/id-tokens.ts';
import { TokenStoreService } from './oauth/token-store.service.ts';
import { DpopNonces, DpopVerifier } from './oauth-protocol/dpop.ts';
import { Issuers } from './oauth-protocol/issuer.ts';
import { RemoteKeys } from './outbound/remote-keys.ts';
import { createSafeFetch, type Resolve } from './outbound/safe-fetch.ts';
import { RealmService } from './realms/realm.service.ts';
import { ResourceService } from './resources/resource.service.ts';
import { RoleService } from './roles/role.service.ts';
import { AuthorizationCodeService } from './sign-in/authorization-code.service.ts';
import { SessionService } from './sign-in/session.service.ts';
import { EmailVerificationService } from './users/email-verification.service.ts';
import { PasswordResetService } from './users/password-reset.service.ts';
import { PasswordWork } from './users/password-work.ts';
import { UserService } from './users/user.service.ts';

/** Every feature's service, wired once (the composition root). */
export interface Services {
  orm: Orm;
  issuers: Issuers;
  signingKeys: SigningKeyService;
  /** Realms, applications, resources and grants as token requests and bearer checks read them. */
  hotPath: HotPathCache;
  accessTokens: AccessTokenService;
  idTokens: IdTokenService;
  /** Refresh tokens, and access tokens revoked before they expire. */
  tokenStore: TokenStoreService;
  /** Login sessions (single sign-on) and the authorization codes the sign-in pages issue. */
  sessions: SessionService;
  authorizationCodes: AuthorizationCodeService;
  /** Seals what a sign-in page's form carries to its post. */
  signInFormKey: SealedBox;
  /** What token times, sessions, key retirement and secret grace periods read. */
  clock: Clock;
  realms: RealmService;
  resources: ResourceService;
  roles: RoleService;
  applications: ApplicationService;
  /** What the token, introspection and revocation endpoints prove clients with: secrets and assertions. */
  clients: ClientVerifier;
  /** The workload identities each application trusts (workload identity federation). */
  federatedCredentials: FederatedCredentialService;
  users: UserService;
  /** The gate every password hash and check passes (REALMKIT_PASSWORD_CONCURRENCY and the queue). */
  passwordWork: PasswordWork;
  emailVerifications: EmailVerificationService;
  /** Password reset emails and their links. */
  passwordResets: PasswordResetService;
  auditLogs: AuditLogService;
  /** Wakes the in-process notifier; `notify()` after committing an outbox event. */
  outbox: OutboxSignal;
  /** `Idempotency-Key`s and the responses kept for them. */
  idempotency: IdempotencyStore;
  /** What `/readyz` reports. */
  readiness: ReadinessService;
}

export interface ServiceOptions {
  /** What token times, key retirement and secret grace periods read (tests move it). */
  clock?: Clock | undefined;
  /** REALMKIT_OUTBOUND_ALLOW_LOOPBACK: http to loopback for `jwks_uri` and federated issuers. */
  outboundAllowLoopback?: boolean;
  /** How those fetches resolve host names (default: the system's resolver). */
  outboundResolve?: Resolve | undefined;
  /** How many password hashes and checks run at once, and wait (default: libuv's pool size, 16 times that). */
  passwordWork?: PasswordWorkLimits | undefined;
}

export function createServices(
  orm: Orm,
  issuerUrl: string,
  keyring: SecretKeyring,
  { clock = systemClock, outboundAllowLoopback = false, outboundResolve, passwordWork: limits }: ServiceOptions = {},
): Services {
  const issuers = new Issuers(issuerUrl);
  const linkKeys = (pick: (key: SecretKey) => Buffer) => keyring.all.map(pick);
  const signingKeys = new SigningKeyService(orm, keyring.signingKeys, clock);
  const resources = new ResourceService(orm, issuers);
  const roles = new RoleService(orm, resources);
  const applications = new ApplicationService(orm, keyring, roles, clock, issuers, {
    allowLoopback: outboundAllowLoopback,
  });
  const federatedCredentials = new FederatedCredentialService(orm, issuers, { allowLoopback: outboundAllowLoopback });
  const realms = new RealmService(orm, signingKeys, resources, applications);
  const outbox = new OutboxSignal();
  const hotPath = new HotPathCache({ orm, realms, applications, resources, roles }, clock);
  const sessions = new SessionService(orm, clock);
  const passwordWork = new PasswordWork(limits ?? passwordWorkLimits());
  const users = new UserService(orm, roles, (realmId) => hotPath.realm(realmId), sessions, passwordWork);
  const tokenStore = new TokenStoreService(orm, clock);
  const clientAssertions = new ClientAssertionService({
    issuers,
    clock,
    replay: new DatabaseReplayStore(orm),
    remoteKeys: new RemoteKeys(
      createSafeFetch({
        allowLoopback: outboundAllowLoopback,
        ...(outboundResolve ? { resolve: outboundResolve } : {}),
      }),
    ),
    trustedWorkloads: (realmId, applicationId, issuer) =>
      federatedCredentials.findForAssertion(realmId, applicationId, issuer),
  });
  return {
    orm,
    issuers,
    signingKeys,
    hotPath,
    accessTokens: new AccessTokenService(signingKeys, hotPath, issuers, clock, {
      store: tokenStore,
      users,
      dpop: new DpopProofs(
        new DpopVerifier(new DpopNonces(keyring.current.dpopNonceKey, clock), clock),
        new DatabaseReplayStore(orm, 'dpop_proof_jtis'),
        issuers,
        clock,
      ),
    }),
    idTokens: new IdTokenService(signingKeys, issuers, clock),
    tokenStore,
    sessions,
    authorizationCodes: new AuthorizationCodeService(orm, clock),
    signInFormKey: keyring.signInForms,
    clock,
    realms,
    resources,
    roles,
    applications,
    clients: {
      verifySecret: (client, secret) => applications.verifySecret(client, secret),
      verifyAssertion: (client, assertion, realm) => clientAssertions.verify(client, assertion, realm),
    },
    federatedCredentials,
    users,
    passwordWork,
    emailVerifications: new EmailVerificationService(
      orm,
      linkKeys((key) => key.emailVerificationKey),
      () => outbox.notify(),
    ),
    passwordResets: new PasswordResetService(
      orm,
      linkKeys((key) => key.passwordResetKey),
      users,
      clock,
      () => outbox.notify(),
    ),
    auditLogs: new AuditLogService(orm, hotPath),
    outbox,
    idempotency: new IdempotencyStore(orm, {
      responses: keyring.idempotencyResponses,
      fingerprintKeys: keyring.keysFor((key) => key.idempotencyFingerprintKey),
    }),
    readiness: new ReadinessService(orm),
  };
}
