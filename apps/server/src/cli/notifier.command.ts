import { access } from 'node:fs/promises';
import path from 'node:path';
import { loadSecretKeyring } from '../crypto/secret-key.ts';
import { createOrm, type Orm } from '../db/orm.ts';
import { entities } from '../entities.ts';
import { createCommandLogger } from '../http/logger.ts';
import { createNotifier } from '../notifier/create-notifier.ts';
import { formatDeadEvents, listDeadEvents } from '../notifier/dead-letters.ts';
import { RealmEntity } from '../realms/realm.entity.ts';
import { whereRef } from '../realms/realm.service.ts';
import { createServices } from '../services.ts';
import { CliError, EXIT, UsageError } from './cli-error.ts';
import { loadCommandConfig } from './open-command-runtime.ts';
import { parseOptions } from './parse-options.ts';
import { untilSignal } from './until-signal.ts';

export const NOTIFIER_USAGE = `usage: realmkit notifier [--realm <id or name>]
       realmkit notifier --dead [--realm <id or name>]

Delivers outbox events (verification emails; NATS with REALMKIT_EVENTS_URL) until SIGTERM,
which finishes the batch in hand. For deployments that run servers with REALMKIT_NOTIFIER=off.
Needs DATABASE_URL and the server's REALMKIT_SECRET_KEY.
  --dead    list dead events (id, type, attempts, last error, created at) and exit
  --realm   only this realm's events
`;

async function resolveRealm(orm: Orm, ref: string | undefined): Promise<string | undefined> {
  if (ref === undefined) return undefined;
  const realm = await orm.em.fork().findOne(RealmEntity, whereRef(ref));
  if (!realm) throw new CliError(`no realm ${ref}`);
  return realm.id;
}

/** `realmkit notifier`: runs until SIGTERM/SIGINT, or lists dead events with `--dead`. */
export async function notifierCommand(args: string[]): Promise<number> {
  const values = parseOptions(args, { dead: { type: 'boolean' }, realm: { type: 'string' } });
  const config = loadCommandConfig();
  if (!config.databaseUrl) {
    throw new UsageError(
      'the notifier process needs DATABASE_URL; on the embedded database the server runs its notifier in-process',
    );
  }
  const logger = await createCommandLogger(config.logLevel, 'stdout', config);
  const orm = await createOrm({ databaseUrl: config.databaseUrl, entities, poolSize: 3 });
  try {
    const realmId = await resolveRealm(orm, values.realm);
    if (values.dead) {
      process.stdout.write(formatDeadEvents(await listDeadEvents(orm.em.fork(), { limit: 1000, realmId })));
      return EXIT.ok;
    }
    if (!config.secretKey) {
      // A key generated here would sign links the server refuses: use the server's.
      const file = path.join(config.dataDir, 'secret.key');
      await access(file).catch(() => {
        throw new CliError(`set REALMKIT_SECRET_KEY to the server's key (no ${file} either)`, EXIT.config);
      });
    }
    const secret = await loadSecretKeyring(config.secretKey, config.previousSecretKeys, config.dataDir);
    const services = createServices(orm, config.issuerUrl, secret.keyring, {
      outboundAllowLoopback: config.outboundAllowLoopback,
    });
    const notifier = createNotifier(services, config, logger, { realmId });
    notifier.start();
    logger.info({ realmId: realmId ?? 'all' }, 'notifier running');
    const signal = await untilSignal();
    logger.info({ signal }, 'notifier stopping after the batch in hand');
    await notifier.stop();
    return EXIT.ok;
  } finally {
    await orm.close();
  }
}
