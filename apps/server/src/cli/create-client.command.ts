import { readFile } from 'node:fs/promises';
import { ClientJwks, CONSOLE_APPLICATION, CreateApplicationBody } from '@realmkit/contract';
import type { Application } from '../applications/application.entity.ts';
import { ApiError } from '../errors/api-error.ts';
import { createCommandLogger } from '../http/logger.ts';
import { ResourceScopeEntity } from '../resources/resource.entity.ts';
import type { Runtime } from '../runtime.ts';
import { CliError, EXIT, UsageError } from './cli-error.ts';
import { loadCommandConfig, withCommandRuntime } from './open-command-runtime.ts';
import { parseOptions } from './parse-options.ts';

export const CREATE_CLIENT_USAGE = `usage: realmkit create-client --realm <name or id> --scopes <scope,...> [options]

Creates a machine-to-machine application (an OAuth client for the client_credentials grant) in
a realm, with a role holding the given scopes, and prints its client_id and client_secret once.
With --jwks-file or --jwks-uri it gets no secret: it proves itself with a JWT signed by its own
private key (private_key_jwt, RFC 7523), whose public half these give.
Works on a database no server has started on yet (it sets up the master realm), but not on an
embedded database a running server holds: use the Management API then.
  --realm <ref>         the realm, by name or id (e.g. master)
  --scopes <list>       scopes of the target API, comma or space separated
                        (e.g. users:read,users:write; see the README's scope table)
  --resource <url>      the API resource's indicator (default: the realm's Management API)
  --name <text>         the application's name (default: "CLI client")
  --client-id <id>      choose the client_id (default: generated)
  --jwks-file <path>    its public keys: a JWK Set ({"keys": [...]}) or one public JWK, in a JSON file
  --jwks-uri <url>      where it publishes its JWK Set (https)
  --json                print {"client_id", "client_secret", ...} as JSON
`;

interface CreatedClient {
  realm: string;
  name: string;
  client_id: string;
  /** None for a client with keys. */
  client_secret?: string;
  token_endpoint_auth_method: string;
  resource: string;
  scopes: string[];
  token_endpoint: string;
}

/** Where a client's public keys come from (`--jwks-file`, `--jwks-uri`), as the API takes them. */
type ClientKeysInput = { jwks: ClientJwks } | { jwks_uri: string };

/**
 * The keys `--jwks-file` or `--jwks-uri` give, shaped as the contract's `jwks` / `jwks_uri` (the
 * service checks the keys themselves, as the API does); none without either.
 */
async function keysOption(values: { 'jwks-file'?: string; 'jwks-uri'?: string }): Promise<ClientKeysInput | undefined> {
  const file = values['jwks-file'];
  const uri = values['jwks-uri'];
  if (file !== undefined && uri !== undefined) {
    throw new UsageError('--jwks-file and --jwks-uri: give one (an application has jwks or jwks_uri, not both)');
  }
  if (uri !== undefined) {
    const parsed = CreateApplicationBody.shape.jwks_uri.safeParse(uri);
    if (!parsed.success) throw new UsageError(`--jwks-uri: ${parsed.error.issues[0]?.message}`);
    return { jwks_uri: uri };
  }
  if (file === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new CliError(`--jwks-file ${file}: ${(error as Error).message}`);
  }
  // One JWK (it has a kty), or a JWK Set.
  const jwks = ClientJwks.safeParse(
    json !== null && typeof json === 'object' && 'kty' in json ? { keys: [json] } : json,
  );
  if (!jwks.success) {
    const problems = jwks.error.issues.map((issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`);
    throw new CliError(`--jwks-file ${file} is not a JWK Set or a public JWK: ${problems.join('; ')}`);
  }
  return { jwks: jwks.data };
}

/** `realmkit create-client`: the one place outside the API that mints a client secret (or registers keys). */
export async function createClientCommand(args: string[]): Promise<number> {
  const values = parseOptions(args, {
    realm: { type: 'string' },
    scopes: { type: 'string' },
    resource: { type: 'string' },
    name: { type: 'string' },
    'client-id': { type: 'string' },
    'jwks-file': { type: 'string' },
    'jwks-uri': { type: 'string' },
    json: { type: 'boolean' },
  });
  if (!values.realm) throw new UsageError('--realm is required');
  const scopes = [...new Set((values.scopes ?? '').split(/[\s,]+/).filter(Boolean))];
  if (scopes.length === 0) throw new UsageError('--scopes is required (at least one scope)');
  const clientId = values['client-id'];
  if (clientId !== undefined && !/^[A-Za-z0-9._~-]{3,128}$/.test(clientId)) {
    throw new UsageError('--client-id must be 3-128 URL-safe characters (A-Z a-z 0-9 . _ ~ -)');
  }
  if (clientId?.startsWith(CONSOLE_APPLICATION.clientId(''))) {
    throw new UsageError(
      `--client-id must not start with ${CONSOLE_APPLICATION.clientId('')} (the console applications')`,
    );
  }

  const keys = await keysOption(values);

  const config = loadCommandConfig();
  const logger = await createCommandLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, 'stderr', config);
  const created = await withCommandRuntime(config, logger, { bootstrap: 'no-generated-client' }, (runtime) =>
    createClient(runtime, {
      realmRef: values.realm as string,
      indicator: values.resource,
      scopes,
      name: values.name ?? 'CLI client',
      clientId,
      keys,
    }),
  );

  process.stdout.write(
    values.json
      ? `${JSON.stringify(created, null, 2)}\n`
      : [
          `Created application "${created.name}" in realm ${created.realm}: ${created.scopes.join(' ')} on ${created.resource}`,
          `  client_id:     ${created.client_id}`,
          ...(created.client_secret === undefined
            ? ['  no secret:     it authenticates with private_key_jwt, signing with its private key']
            : [
                `  client_secret: ${created.client_secret}`,
                'Save the secret now: it is stored as a keyed hash and cannot be shown again.',
              ]),
          `Token endpoint: ${created.token_endpoint}`,
          '',
        ].join('\n'),
  );
  return EXIT.ok;
}

async function createClient(
  runtime: Runtime,
  input: {
    realmRef: string;
    indicator: string | undefined;
    scopes: string[];
    name: string;
    clientId: string | undefined;
    keys: ClientKeysInput | undefined;
  },
): Promise<CreatedClient> {
  const { services } = runtime;
  const realm = await services.realms.findByRef(input.realmRef);
  if (!realm) throw new CliError(`no realm ${input.realmRef}`);
  const resource = await services.resources.findTarget(realm, input.indicator);
  if (!resource) throw new CliError(`realm ${realm.name} has no API resource with the indicator ${input.indicator}`);

  const em = services.orm.em.fork();
  const known = await em.find(ResourceScopeEntity, { realmId: realm.id, resourceId: resource.id });
  const byName = new Map(known.map((scope) => [scope.name, scope.id]));
  const unknown = input.scopes.filter((scope) => !byName.has(scope));
  if (unknown.length > 0) {
    throw new CliError(
      `${resource.indicator} has no scope ${unknown.join(', ')}; its scopes: ${[...byName.keys()].sort().join(' ') || '(none)'}`,
    );
  }
  if (input.clientId && (await services.applications.findByClientId(em, realm.id, input.clientId))) {
    throw new CliError(`realm ${realm.name} already has a client ${input.clientId}`);
  }

  const { application, clientSecret } = await em.transactional(async (tx) => {
    const details = {
      name: input.name,
      description: 'Created by `realmkit create-client`',
      ...(input.clientId ? { clientId: input.clientId } : {}),
    };
    const added: { application: Application; clientSecret?: string } = input.keys
      ? {
          application: withKeys(() =>
            services.applications.addMachineToMachineWithKeys(tx, realm.id, { ...details, ...input.keys }),
          ),
        }
      : services.applications.addMachineToMachine(tx, realm.id, details);
    const role = services.roles.addRole(tx, realm.id, {
      name: `client:${added.application.clientId}`,
      description: `Scopes of the client ${added.application.clientId} (realmkit create-client)`,
      scopeIds: input.scopes.map((scope) => byName.get(scope) as string),
    });
    services.roles.assignToApplication(tx, realm.id, added.application.id, role.id);
    await tx.flush();
    return added;
  });
  return {
    realm: realm.name,
    name: application.name,
    client_id: application.clientId,
    ...(clientSecret === undefined ? {} : { client_secret: clientSecret }),
    token_endpoint_auth_method: application.tokenEndpointAuthMethod,
    resource: resource.indicator,
    scopes: input.scopes,
    token_endpoint: `${services.issuers.issuerOf(realm.name)}/token`,
  };
}

/** The service's refusal of the keys (the API's 422) as the command's failure, naming each problem. */
function withKeys<T>(add: () => T): T {
  try {
    return add();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const problems = (error.details ?? []).map((detail) => `${detail.path}: ${detail.message}`);
    throw new CliError([error.message, ...problems].join('; '));
  }
}
