/**
 * Exit codes of the `realmkit` command, for scripts:
 * 0 done; 1 failed (database unreachable, unknown realm, ...); 2 bad usage (unknown command or
 * option, missing argument); 3 bad configuration (an environment variable, the secret key).
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, config: 3 } as const;

/** A failure the user can act on: printed as `realmkit <command>: <message>`, no stack trace. */
export class CliError extends Error {
  override name = 'CliError';
  readonly exitCode: number;

  constructor(message: string, exitCode: number = EXIT.failed) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** Wrong command line: the message is followed by the command's usage. */
export class UsageError extends CliError {
  override name = 'UsageError';

  constructor(message: string) {
    super(message, EXIT.usage);
  }
}
