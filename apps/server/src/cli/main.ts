// The `realmkit` command (`@realmkit/server`'s bin; `npm start` in the repository).

import { CliError, EXIT, UsageError } from './cli-error.ts';
import { CREATE_CLIENT_USAGE, createClientCommand } from './create-client.command.ts';
import { MIGRATE_USAGE, migrateCommand } from './migrate.command.ts';
import { NOTIFIER_USAGE, notifierCommand } from './notifier.command.ts';
import { START_USAGE, start } from './start.command.ts';
import { serverVersion } from './version.ts';

interface Command {
  summary: string;
  usage: string;
  run(args: string[]): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  start: { summary: 'start the server (embedded database unless DATABASE_URL)', usage: START_USAGE, run: start },
  migrate: { summary: 'apply pending database migrations and exit', usage: MIGRATE_USAGE, run: migrateCommand },
  notifier: { summary: 'deliver outbox events as a separate process', usage: NOTIFIER_USAGE, run: notifierCommand },
  'create-client': {
    summary: 'create an m2m client with scopes; prints its secret once',
    usage: CREATE_CLIENT_USAGE,
    run: createClientCommand,
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
    const topic = args[0] === undefined ? undefined : COMMANDS[args[0]];
    process.stdout.write(topic ? topic.usage : usage());
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
    process.stdout.write(command.usage);
    return EXIT.ok;
  }
  try {
    return await command.run(args);
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`realmkit ${name}: ${error.message}\n`);
      if (error instanceof UsageError) process.stderr.write(`\n${command.usage}`);
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
