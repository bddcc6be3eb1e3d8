// The `realmkit` command (`@realmkit/server`'s bin; `npm start` in the repository).

import { CliError, EXIT, UsageError } from './cli-error.ts';
import { withServerHeapFlags } from './server-heap-flags.ts';
import { serverVersion } from './version.ts';

interface Command {
  summary: string;
  /**
   * The command's module, imported only when it runs: each stands on the whole server (ORM,
   * contract, ...), and memory taken by one command's modules stays taken for the process's life.
   */
  load(): Promise<{ usage: string; run(args: string[]): Promise<number> }>;
}

const COMMANDS: Record<string, Command> = {
  start: {
    summary: 'start the server (embedded database unless DATABASE_URL)',
    load: async () => {
      const { START_USAGE, start } = await import('./start.command.ts');
      return { usage: START_USAGE, run: start };
    },
  },
  migrate: {
    summary: 'apply pending database migrations and exit',
    load: async () => {
      const { MIGRATE_USAGE, migrateCommand } = await import('./migrate.command.ts');
      return { usage: MIGRATE_USAGE, run: migrateCommand };
    },
  },
  notifier: {
    summary: 'deliver outbox events as a separate process',
    load: async () => {
      const { NOTIFIER_USAGE, notifierCommand } = await import('./notifier.command.ts');
      return { usage: NOTIFIER_USAGE, run: notifierCommand };
    },
  },
  'create-client': {
    summary: 'create an m2m client with scopes; prints its secret once',
    load: async () => {
      const { CREATE_CLIENT_USAGE, createClientCommand } = await import('./create-client.command.ts');
      return { usage: CREATE_CLIENT_USAGE, run: createClientCommand };
    },
  },
  'create-admin': {
    summary: 'create a console admin in the master realm; prints a password once',
    load: async () => {
      const { CREATE_ADMIN_USAGE, createAdminCommand } = await import('./create-admin.command.ts');
      return { usage: CREATE_ADMIN_USAGE, run: createAdminCommand };
    },
  },
  'rotate-secret-key': {
    summary: 'seal everything again with a new REALMKIT_SECRET_KEY; prints what still needs the old one',
    load: async () => {
      const { ROTATE_SECRET_KEY_USAGE, rotateSecretKeyCommand } = await import('./rotate-secret-key.command.ts');
      return { usage: ROTATE_SECRET_KEY_USAGE, run: rotateSecretKeyCommand };
    },
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  return `usage: realmkit <command> [options]

Realmkit: a multi-realm identity service (Management API, OAuth 2.0 client_credentials).

Commands:
${Object.entries(COMMANDS)
  .map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`)
  .join('\n')}

Options:
  -h, --help     show help (also: realmkit <command> --help)
  -v, --version  print the version

Configuration comes from environment variables (PORT, DATABASE_URL, REALMKIT_DATA_DIR,
REALMKIT_SECRET_KEY, ...): see https://github.com/realmkit/realmkit#configuration
Exit codes: 0 done, 1 failed, 2 bad usage, 3 bad configuration.
`;
}

/** Runs one command line; resolves with the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    process.stderr.write(usage());
    return EXIT.usage;
  }
  if (name === '-h' || name === '--help' || name === 'help') {
    const topic = args[0] !== undefined && Object.hasOwn(COMMANDS, args[0]) ? COMMANDS[args[0]] : undefined;
    process.stdout.write(topic ? (await topic.load()).usage : usage());
    return EXIT.ok;
  }
  if (name === '-v' || name === '--version' || name === 'version') {
    process.stdout.write(`${serverVersion()}\n`);
    return EXIT.ok;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`realmkit: unknown command '${name}'\n\n${usage()}`);
    return EXIT.usage;
  }
  if (args.includes('-h') || args.includes('--help')) {
    process.stdout.write((await command.load()).usage);
    return EXIT.ok;
  }
  // Before the server's modules load: a restart of this process with its heap flags, if any.
  if (name === 'start') withServerHeapFlags();
  const loaded = await command.load();
  try {
    return await loaded.run(args);
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`realmkit ${name}: ${error.message}\n`);
      if (error instanceof UsageError) process.stderr.write(`\n${loaded.usage}`);
      return error.exitCode;
    }
    process.stderr.write(
      `realmkit ${name}: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return EXIT.failed;
  }
}

// Exits explicitly: pools, sockets or timers left behind must not keep a finished command alive.
runCli(process.argv.slice(2)).then((code) => process.exit(code));
