import { Migration20261124000000Foundation } from './Migration20261124000000Foundation.ts';
import { Migration20261125000000OutboxAndEmailVerification } from './Migration20261125000000OutboxAndEmailVerification.ts';
import { Migration20261126200000KeyRotationAndSecretGrace } from './Migration20261126200000KeyRotationAndSecretGrace.ts';
import { Migration20261127000000RealmUserCounts } from './Migration20261127000000RealmUserCounts.ts';
import { Migration20261128000000AuditLogs } from './Migration20261128000000AuditLogs.ts';
import { Migration20261128100000ConcurrencyControl } from './Migration20261128100000ConcurrencyControl.ts';
import { Migration20261129000000SigningKeyAlgorithmCheck } from './Migration20261129000000SigningKeyAlgorithmCheck.ts';
import { Migration20261206000000ClientMetadata } from './Migration20261206000000ClientMetadata.ts';
import { Migration20261207000000SignIn } from './Migration20261207000000SignIn.ts';
import { Migration20261208000000RealmAccountSettings } from './Migration20261208000000RealmAccountSettings.ts';
import { Migration20261208100000SessionDetails } from './Migration20261208100000SessionDetails.ts';
import { Migration20261208200000SignInAudit } from './Migration20261208200000SignInAudit.ts';
import { Migration20261208300000PasswordResets } from './Migration20261208300000PasswordResets.ts';
import { Migration20261209000000ClientKeys } from './Migration20261209000000ClientKeys.ts';
import { Migration20261210000000Dpop } from './Migration20261210000000Dpop.ts';
import { Migration20261210000000SecretKeyring } from './Migration20261210000000SecretKeyring.ts';

/** Every migration, in order. Listed explicitly: no file globbing at run time. */
export const migrations = [
  { name: 'Migration20261124000000Foundation', class: Migration20261124000000Foundation },
  {
    name: 'Migration20261125000000OutboxAndEmailVerification',
    class: Migration20261125000000OutboxAndEmailVerification,
  },
  { name: 'Migration20261126200000KeyRotationAndSecretGrace', class: Migration20261126200000KeyRotationAndSecretGrace },
  { name: 'Migration20261127000000RealmUserCounts', class: Migration20261127000000RealmUserCounts },
  { name: 'Migration20261128000000AuditLogs', class: Migration20261128000000AuditLogs },
  { name: 'Migration20261128100000ConcurrencyControl', class: Migration20261128100000ConcurrencyControl },
  { name: 'Migration20261129000000SigningKeyAlgorithmCheck', class: Migration20261129000000SigningKeyAlgorithmCheck },
  { name: 'Migration20261206000000ClientMetadata', class: Migration20261206000000ClientMetadata },
  { name: 'Migration20261207000000SignIn', class: Migration20261207000000SignIn },
  { name: 'Migration20261208000000RealmAccountSettings', class: Migration20261208000000RealmAccountSettings },
  { name: 'Migration20261208100000SessionDetails', class: Migration20261208100000SessionDetails },
  { name: 'Migration20261208200000SignInAudit', class: Migration20261208200000SignInAudit },
  { name: 'Migration20261208300000PasswordResets', class: Migration20261208300000PasswordResets },
  { name: 'Migration20261209000000ClientKeys', class: Migration20261209000000ClientKeys },
  { name: 'Migration20261210000000Dpop', class: Migration20261210000000Dpop },
  { name: 'Migration20261210000000SecretKeyring', class: Migration20261210000000SecretKeyring },
];
