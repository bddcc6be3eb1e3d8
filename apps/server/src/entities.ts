import { ApplicationEntity } from './applications/application.entity.ts';
import { FederatedCredentialEntity } from './applications/federated-credential.entity.ts';
import { AuditLogEntity } from './audit/audit-log.entity.ts';
import { OutboxEventEntity } from './events/outbox-event.entity.ts';
import { SigningKeyEntity } from './keys/signing-key.entity.ts';
import { RefreshTokenEntity, RevokedAccessTokenEntity } from './oauth/refresh-token.entity.ts';
import { RealmEntity } from './realms/realm.entity.ts';
import { ResourceEntity, ResourceScopeEntity } from './resources/resource.entity.ts';
import { ApplicationRoleEntity, RoleEntity, RoleScopeEntity, UserRoleEntity } from './roles/role.entity.ts';
import { AuthorizationCodeEntity } from './sign-in/authorization-code.entity.ts';
import { SessionEntity } from './sign-in/session.entity.ts';
import { EmailVerificationEntity } from './users/email-verification.entity.ts';
import { PasswordResetEntity } from './users/password-reset.entity.ts';
import { UserEntity, UserIdentityEntity } from './users/user.entity.ts';

/**
 * Every entity the ORM maps. Each describes its table as the migrations leave it (column types,
 * defaults, indexes, unique and check constraints); test/schema.test.ts checks that they agree and
 * lists what entity metadata cannot say (foreign keys, triggers, expression indexes).
 */
export const entities = [
  RealmEntity,
  SigningKeyEntity,
  UserEntity,
  UserIdentityEntity,
  ApplicationEntity,
  FederatedCredentialEntity,
  ResourceEntity,
  ResourceScopeEntity,
  RoleEntity,
  RoleScopeEntity,
  ApplicationRoleEntity,
  UserRoleEntity,
  EmailVerificationEntity,
  PasswordResetEntity,
  OutboxEventEntity,
  AuditLogEntity,
  SessionEntity,
  AuthorizationCodeEntity,
  RefreshTokenEntity,
  RevokedAccessTokenEntity,
];
