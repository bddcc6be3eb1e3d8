import { RequestContext } from '@mikro-orm/core';
import type { Logger } from 'pino';
import { SecretKeyMismatchError } from '../bootstrap/bootstrap.ts';
import { type Config, ConfigError, loadConfig } from '../config/config.ts';
import { SecretKeyConfigError } from '../crypto/secret-key.ts';
import { DataDirInUseError } from '../db/data-dir-lock.ts';
import { type OpenRuntimeOptions, openRuntime, type Runtime } from '../runtime.ts';
import { CliError, EXIT } from './cli-error.ts';

/** The configuration from the environment; a bad variable is a {@link CliError} with exit code 3. */
export function loadCommandConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, EXIT.config);
    throw error;
  }
}

/**
 * Opens the runtime for a command and runs `work` in one ORM context (the services use the
 * request-scoped EntityManager), closing it afterwards; known failures become {@link CliError}s.
 */
export async function withCommandRuntime<T>(
  config: Config,
  logger: Logger,
  options: OpenRuntimeOptions,
  work: (runtime: Runtime) => Promise<T>,
): Promise<T> {
  const runtime = await openCommandRuntime(config, logger, options);
  try {
    return await RequestContext.create(runtime.services.orm.em, () => work(runtime));
  } finally {
    await runtime.close();
  }
}

/** {@link openRuntime}, with its actionable failures as {@link CliError}s. */
export async function openCommandRuntime(
  config: Config,
  logger: Logger,
  options: OpenRuntimeOptions,
): Promise<Runtime> {
  try {
    return await openRuntime(config, logger, options);
  } catch (error) {
    throw asCliError(error, config);
  }
}

/** Failures opening the runtime that the user can act on, as {@link CliError}s; others unchanged. */
export function asCliError(error: unknown, config: Config): unknown {
  if (error instanceof SecretKeyMismatchError || error instanceof SecretKeyConfigError) {
    return new CliError(error.message, EXIT.config);
  }
  if (error instanceof DataDirInUseError) return new CliError(error.message);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  // 3D000 invalid_catalog_name: the server answered, the database is not there. A setting to fix
  // (or a database to create), not an outage: a configuration error, with the command that makes it.
  if (code === '3D000') return new CliError(missingDatabase(config.databaseUrl), EXIT.config);
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === '28P01') {
    return new CliError(`cannot reach the database at ${redactUrl(config.databaseUrl)}: ${(error as Error).message}`);
  }
  // The port is configuration, like any variable: exit 3. It is bound before anything is written.
  if (code === 'EADDRINUSE') return new CliError(`port ${config.port} is in use: set PORT to a free port`, EXIT.config);
  if (code === 'EACCES' && (error as NodeJS.ErrnoException).syscall === 'listen') {
    return new CliError(
      `port ${config.port} needs privileges this process lacks: set PORT to 1024 or above`,
      EXIT.config,
    );
  }
  return error;
}

/**
 * What to do about DATABASE_URL naming a database its server does not have: create it with
 * PostgreSQL's `createdb`, with the URL's host, port and user, or point DATABASE_URL elsewhere.
 */
function missingDatabase(url: string | undefined): string {
  let parsed: URL | undefined;
  try {
    parsed = url === undefined ? undefined : new URL(url);
  } catch {
    // Unparsable URLs never get this far (the driver refuses them first); say it plainly anyway.
  }
  const name = parsed ? decodeURIComponent(parsed.pathname.slice(1)) : '';
  if (!parsed || !name) {
    return 'DATABASE_URL names a database that does not exist: create it, or set DATABASE_URL to one that does';
  }
  const options = [
    parsed.hostname ? `-h ${parsed.hostname}` : '',
    parsed.port ? `-p ${parsed.port}` : '',
    parsed.username ? `-U ${decodeURIComponent(parsed.username)}` : '',
  ].filter(Boolean);
  const createdb = ['createdb', ...options, shellWord(name)].join(' ');
  const server = parsed.host || 'its server';
  return `DATABASE_URL names database "${name}", which does not exist on ${server}: create it (${createdb}), or set DATABASE_URL to an existing database`;
}

/** `word` as one shell word: quoted when it holds anything but the characters of a plain name. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_.-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

/** The URL without its password, for messages. */
function redactUrl(url: string | undefined): string {
  if (!url) return 'the embedded database';
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'DATABASE_URL';
  }
}
