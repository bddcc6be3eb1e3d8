import { readFileSync } from 'node:fs';
import { Email, MASTER_REALM, Username } from '@realmkit/contract';
import { addAdminUser, generatePassword } from '../bootstrap/bootstrap.ts';
import { consoleUrl } from '../console/console.routes.ts';
import { ValidationError } from '../errors/api-error.ts';
import { createCommandLogger } from '../http/logger.ts';
import { CliError, EXIT, UsageError } from './cli-error.ts';
import { loadCommandConfig, withCommandRuntime } from './open-command-runtime.ts';
import { parseOptions } from './parse-options.ts';

export const CREATE_ADMIN_USAGE = `usage: realmkit create-admin --email <address> [options]

Creates a user of the master realm holding the admin role (every Management API scope, in
every realm): someone who signs in to the console (/console) and manages everything. Prints a
generated password once, unless --password-stdin reads one. Works on a database no server has
started on yet, but not on an embedded database a running server holds: use the Management API
(or the console) then.
  --email <address>     the admin's email address (they sign in with it)
  --username <name>     a username to sign in with too
  --password-stdin      read the password from standard input (the master realm's rules apply)
`;

/** `realmkit create-admin`: a first (or another) console admin, without the API. */
export async function createAdminCommand(args: string[]): Promise<number> {
  const values = parseOptions(args, {
    email: { type: 'string' },
    username: { type: 'string' },
    'password-stdin': { type: 'boolean' },
  });
  if (!values.email) throw new UsageError('--email is required');
  if (!Email.safeParse(values.email).success) throw new UsageError(`--email ${values.email} is not an email address`);
  if (values.username !== undefined && !Username.safeParse(values.username).success) {
    throw new UsageError(`--username ${values.username} is not a valid username`);
  }
  const password = values['password-stdin'] ? readFileSync(0, 'utf8').replace(/\r?\n$/, '') : generatePassword();
  if (password.length === 0) throw new UsageError('--password-stdin read an empty password');
  const admin = { email: values.email, password, ...(values.username ? { username: values.username } : {}) };

  const config = loadCommandConfig();
  const logger = await createCommandLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, 'stderr', config);
  await withCommandRuntime(config, logger, { bootstrap: 'no-generated-client' }, async ({ services }) => {
    const master = await services.realms.findByName(MASTER_REALM);
    if (!master) throw new CliError('the master realm is missing');
    const created = await addAdminUser(services, master.id, admin).catch((error: unknown) => {
      if (!(error instanceof ValidationError)) throw error;
      const problems = error.details?.map((detail) => `${detail.path}: ${detail.message}`).join('; ');
      throw new UsageError(problems ? `${error.message}: ${problems}` : error.message);
    });
    if (!created) throw new CliError(`the master realm already has a user ${admin.email}`);
  });

  process.stdout.write(
    [
      `Created admin ${admin.email} in the master realm (role admin). Console: ${consoleUrl(config.issuerUrl)}`,
      ...(values['password-stdin']
        ? []
        : [`  password: ${password}`, 'Save the password now: it is stored hashed and cannot be shown again.']),
      '',
    ].join('\n'),
  );
  return EXIT.ok;
}
