import {
  IDEMPOTENCY_KEY_TTL_HOURS,
  PASSWORD_RESET_LINK_TTL_MINUTES,
  VERIFICATION_LINK_TTL_HOURS,
} from '@realmkit/contract';
import type { SecretKeyring } from '../crypto/secret-key.ts';
import { createLogger } from '../http/logger.ts';
import {
  checkSecretKeys,
  type OldKeyReport,
  oldKeyReport,
  type ResealResult,
  resealAll,
} from '../keyring/keyring.service.ts';
import { CliError, EXIT } from './cli-error.ts';
import { asCliError, loadCommandConfig, withCommandRuntime } from './open-command-runtime.ts';
import { parseOptions } from './parse-options.ts';

export const ROTATE_SECRET_KEY_USAGE = `usage: realmkit rotate-secret-key [--check] [--json]

Moves the database to a new REALMKIT_SECRET_KEY. Run it with the new key as REALMKIT_SECRET_KEY
and the old one in REALMKIT_SECRET_KEY_PREVIOUS, once every instance runs so (the runbook:
docs/operations.md, "Rotating REALMKIT_SECRET_KEY"). It seals again with the new key, in
batches, everything sealed with an old one (private signing keys, kept Idempotency-Key
responses), records that the database needs only the new key, and prints what still depends on
an old one: client secrets not used since (each moves to the new key when its client next
authenticates) and Idempotency-Keys of requests made before. Safe beside running servers on
PostgreSQL, and to run again; on the embedded database, stop the server first.
  --check   change nothing: print what still depends on an old key
  --json    print the report as JSON
`;

/** How many client secrets the text report lists by name (the JSON lists all). */
const LISTED = 20;

/** `realmkit rotate-secret-key`: exits 1 when a sealed value opens with no configured key. */
export async function rotateSecretKeyCommand(args: string[]): Promise<number> {
  const values = parseOptions(args, { check: { type: 'boolean' }, json: { type: 'boolean' } });
  const config = loadCommandConfig();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, 'stderr');
  const { keyring, resealed, report } = await withCommandRuntime(
    config,
    logger,
    { bootstrap: 'skip' },
    async ({ services, keyring }) => {
      const orm = services.orm;
      // What every start checks: no value of this database is sealed with a key not configured.
      await checkSecretKeys(orm.em.fork(), keyring);
      const resealed = values.check ? undefined : await resealAll(orm, keyring);
      return { keyring, resealed, report: await oldKeyReport(orm, keyring) };
    },
  ).catch((error: unknown) => {
    throw asCliError(error, config);
  });
  process.stdout.write(
    values.json
      ? `${JSON.stringify(jsonReport(keyring, resealed, report), null, 2)}\n`
      : `${textReport(keyring, resealed, report).join('\n')}\n`,
  );
  if (resealed && resealed.unreadable.length > 0) {
    throw new CliError(
      `${resealed.unreadable.length} sealed value(s) open with no configured key: list the key that sealed them in REALMKIT_SECRET_KEY_PREVIOUS and run again`,
    );
  }
  return EXIT.ok;
}

function jsonReport(keyring: SecretKeyring, resealed: ResealResult | undefined, report: OldKeyReport) {
  return {
    secret_key_id: keyring.current.id,
    previous_secret_key_ids: keyring.previous.map((key) => key.id),
    ...(resealed ? { resealed: resealed.resealed, unreadable: resealed.unreadable } : {}),
    still_sealed_with_another_key: report.sealed,
    other_recorded_key_ids: report.otherRecordedKeyIds,
    client_secrets_on_another_key: report.clientSecrets.map((secret) => ({
      realm: secret.realm,
      application_id: secret.applicationId,
      client_id: secret.clientId,
      slot: secret.slot,
      key_id: secret.keyId,
    })),
    idempotency_keys_on_another_key: {
      count: report.idempotencyKeys.count,
      last_expires_at: report.idempotencyKeys.lastExpiresAt,
    },
  };
}

function textReport(keyring: SecretKeyring, resealed: ResealResult | undefined, report: OldKeyReport): string[] {
  const current = keyring.current.id;
  const previous = keyring.previous.map((key) => key.id);
  const lines = [
    `REALMKIT_SECRET_KEY is key ${current}; REALMKIT_SECRET_KEY_PREVIOUS: ${previous.join(', ') || '(none)'}.`,
  ];
  if (resealed) {
    const counts = Object.entries(resealed.resealed).map(([what, count]) => `${what}: ${count}`);
    lines.push(`Sealed again with key ${current}: ${counts.join(', ')}.`);
    for (const value of resealed.unreadable) {
      lines.push(`  could not open ${value.what} ${value.row}: ${value.problem}`);
    }
  }
  const sealedLeft = Object.entries(report.sealed).filter(([, count]) => count > 0);
  if (sealedLeft.length === 0 && report.otherRecordedKeyIds.length === 0) {
    lines.push(`Everything the database keeps sealed is sealed with key ${current}: it needs no other key to start.`);
  } else {
    const left = sealedLeft.map(([what, count]) => `${what}: ${count}`).join(', ');
    lines.push(
      `Still sealed with another key: ${left || 'nothing read yet'}` +
        (report.otherRecordedKeyIds.length > 0
          ? ` (the database records key ${report.otherRecordedKeyIds.join(', ')})`
          : '') +
        (resealed ? '.' : ': run without --check to seal them again.'),
    );
  }

  const secrets = report.clientSecrets;
  const idempotency = report.idempotencyKeys;
  if (secrets.length === 0 && idempotency.count === 0) {
    lines.push('', 'No client secret and no Idempotency-Key depends on another key.');
  } else {
    lines.push('', 'Still tied to another key:');
    if (secrets.length > 0) {
      lines.push(
        `  ${secrets.length} client secret(s) not used since the key changed (each moves to key ${current} when its client next authenticates):`,
      );
      for (const secret of secrets.slice(0, LISTED)) {
        const slot = secret.slot === 'previous' ? ', its previous secret (grace period)' : '';
        lines.push(
          `    realm ${secret.realm}: client_id ${secret.clientId} (application ${secret.applicationId}${slot}), key ${secret.keyId ?? 'unrecorded'}`,
        );
      }
      if (secrets.length > LISTED) lines.push(`    … and ${secrets.length - LISTED} more (--json lists them all)`);
      lines.push(
        '  Rotate those secrets (POST /api/v1/{realm}/applications/{id}/secret), or keep the old key in',
        '  REALMKIT_SECRET_KEY_PREVIOUS until they have authenticated once: without it they are refused.',
      );
    }
    if (idempotency.count > 0) {
      lines.push(
        `  ${idempotency.count} Idempotency-Key(s) whose request was fingerprinted with another key: a retry of one is`,
        `  recognised while that key is listed, and refused (422) after. The last expires at ${idempotency.lastExpiresAt} (${IDEMPOTENCY_KEY_TTL_HOURS} h after first use).`,
      );
    }
  }
  lines.push(
    '',
    `Emailed links (email verification: ${VERIFICATION_LINK_TTL_HOURS} h, password reset: ${PASSWORD_RESET_LINK_TTL_MINUTES} min) and sign-in pages`,
    'opened before the key changed work while the old key is listed, and expire by themselves.',
    previous.length > 0
      ? 'Remove REALMKIT_SECRET_KEY_PREVIOUS once nothing above depends on it (run with --check to see).'
      : '',
  );
  return lines.filter((line, index, all) => line !== '' || index < all.length - 1);
}
