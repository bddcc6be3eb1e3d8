// `npm run notifier`: the notifier as its own process, on DATABASE_URL (for deployments that run
// the server with REALMKIT_NOTIFIER=off). `npm run notifier -- --dead` lists dead events.

import { access } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.ts';
import { loadSecretKey } from './crypto/secret-key.ts';
import { createOrm, type Orm } from './db/orm.ts';
import { entities } from './entities.ts';
import { createLogger } from './http/logger.ts';
import { createNotifier } from './notifier/create-notifier.ts';
import { formatDeadEvents, listDeadEvents } from './notifier/dead-letters.ts';
import { RealmEntity } from './realms/realm.entity.ts';
import { whereRef } from './realms/realm.service.ts';
import { createServices } from './services.ts';

const USAGE = `usage: npm run notifier [-- --realm <id or name>]
       npm run notifier -- --dead [--realm <id or name>]

Delivers outbox events (verification emails; NATS with REALMKIT_EVENTS_URL) until SIGTERM,
which finishes the batch in hand. Needs DATABASE_URL and the server's REALMKIT_SECRET_KEY.
  --dead    list dead events (id, type, attempts, last error, created at) and exit
  --realm   only this realm's events
`;

class UsageError extends Error {}

async function resolveRealm(orm: Orm, ref: string | undefined): Promise<string | undefined> {
  if (ref === undefined) return undefined;
  const realm = await orm.em.fork().findOne(RealmEntity, whereRef(ref));
  if (!realm) throw new UsageError(`no realm ${ref}`);
  return realm.id;
}

async function main(): Promise<void> {
  let values: { dead?: boolean; realm?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { dead: { type: 'boolean' }, realm: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const config = loadConfig();
  if (!config.databaseUrl) {
    throw new UsageError(
      'the notifier process needs DATABASE_URL; on the embedded database the server runs its notifier in-process',
    );
  }
  const logger = createLogger(config.logLevel);
  const orm = await createOrm({ databaseUrl: config.databaseUrl, entities, poolSize: 3 });

  if (values.dead) {
    try {
      const realmId = await resolveRealm(orm, values.realm);
      process.stdout.write(formatDeadEvents(await listDeadEvents(orm.em.fork(), { limit: 1000, realmId })));
    } finally {
      await orm.close();
    }
    return;
  }

  if (!config.secretKey) {
    // A key generated here would sign links the server refuses: use the server's.
    const file = path.join(config.dataDir, 'secret.key');
    await access(file).catch(() => {
      throw new UsageError(`set REALMKIT_SECRET_KEY to the server's key (no ${file} either)`);
    });
  }
  const secret = await loadSecretKey(config.secretKey, config.dataDir);
  const services = createServices(orm, config.issuerUrl, secret.key);
  const realmId = await resolveRealm(orm, values.realm);
  const notifier = createNotifier(services, secret.key, config, logger, { realmId });
  notifier.start();
  logger.info({ realmId: realmId ?? 'all' }, 'notifier running');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'notifier stopping after the batch in hand');
    await notifier.stop();
    await orm.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof UsageError) {
    process.stderr.write(`realmkit notifier: ${error.message}\n`);
    if (error instanceof UsageError) process.stderr.write(USAGE);
    process.exit(2);
  }
  process.stderr.write(
    `realmkit notifier: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
