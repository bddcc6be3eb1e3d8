import { createCommandLogger } from '../http/logger.ts';
import { EXIT } from './cli-error.ts';
import { loadCommandConfig, withCommandRuntime } from './open-command-runtime.ts';
import { parseOptions } from './parse-options.ts';

export const MIGRATE_USAGE = `usage: realmkit migrate

Applies pending database migrations and exits: to DATABASE_URL, or to the embedded database in
REALMKIT_DATA_DIR. For deployments that start servers with REALMKIT_MIGRATE=false and migrate
once, before rolling out. Safe to run while other instances migrate (they wait for each other).
`;

/** `realmkit migrate`: prints what it applied. */
export async function migrateCommand(args: string[]): Promise<number> {
  parseOptions(args, {});
  const config = { ...loadCommandConfig(), migrate: true };
  const logger = await createCommandLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, 'stderr', config);
  const applied = await withCommandRuntime(
    config,
    logger,
    { bootstrap: 'skip' },
    async (runtime) => runtime.appliedMigrations,
  );
  process.stdout.write(
    applied.length === 0
      ? 'The database is up to date: no pending migration.\n'
      : `Applied ${applied.length} migration(s):\n${applied.map((name) => `  ${name}\n`).join('')}`,
  );
  return EXIT.ok;
}
