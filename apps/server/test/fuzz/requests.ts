import { gzipSync } from 'node:zlib';
import * as fc from 'fast-check';
import {
  BAD_IDS,
  INJECTION_STRINGS,
  NUMBER_LIKE_STRINGS,
  RAW_BAD_PERCENT,
  TRAVERSAL_STRINGS,
  UNICODE_STRINGS,
} from './nasty.ts';
import type { FuzzOperation, Parameter, Schema } from './operations.ts';
import type { Gen } from './random.ts';
import { FUZZ_CORS_ORIGIN } from './server-config.ts';
import { invalidValue, type ValueHints, validObject, validValue } from './values.ts';

/** What the fuzzer creates and names in paths; DELETEs that succeed use one up. */
export type FixtureKind = 'scratchRealm' | 'user' | 'application' | 'role' | 'resource' | 'scope';

/** The fuzzer's own realm and the records in it, as request generation needs them. */
export interface Targets extends ValueHints {
  readonly realm: { readonly id: string; readonly name: string };
  readonly scratchRealm: { readonly id: string; readonly name: string };
  fixture(kind: FixtureKind): string;
  /** A master-realm token with every management scope. */
  readonly adminToken: string;
  /** A token of the fuzz realm's own client, holding only `users:read`. */
  readonly limitedToken: string;
}

/** One request, ready to send, and how it was made. */
export interface FuzzRequest {
  readonly index: number;
  readonly operationId: string;
  method: string;
  /** Raw request target (path and query), sent as it is. */
  path: string;
  readonly headers: Record<string, string>;
  body: Buffer | undefined;
  /** Sent with `Transfer-Encoding: chunked` instead of `Content-Length`. */
  chunked: boolean;
  /** What was done to the request: `valid` when nothing. */
  readonly strategies: string[];
  /** The fixture a 204 answer deletes, for DELETEs of one fixture. */
  deletes: FixtureKind | undefined;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** `name` alone in the query, without `=`. */
const NO_VALUE = '\u0000';

/** `text` as curl sends it when typed into a URL: its UTF-8 bytes, unencoded (Node sends path characters as latin-1 bytes). */
function rawUtf8(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** `encodeURIComponent`, but lone surrogates become the (invalid) UTF-8 bytes of their code unit. */
export function encodeSegment(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (code >= 0xd800 && code <= 0xdfff) {
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((byte) => `%${byte.toString(16).toUpperCase()}`)
        .join('');
    } else out += encodeURIComponent(char);
  }
  return out;
}

/** The fixture a path parameter names: by its name and the collection before it. */
function fixtureOfParameter(template: string, name: string): FixtureKind | 'realm' {
  if (name === 'realm') return template.startsWith('/api/v1/realms/') ? 'scratchRealm' : 'realm';
  if (name === 'userId') return 'user';
  if (name === 'roleId') return 'role';
  if (name === 'scopeId') return 'scope';
  const before = template.split('/').at(template.split('/').indexOf(`{${name}}`) - 1);
  const kinds: Record<string, FixtureKind> = {
    users: 'user',
    applications: 'application',
    roles: 'role',
    resources: 'resource',
  };
  return kinds[before ?? ''] ?? 'user';
}

/** What a 204 to this DELETE removed: the item its path ends with (not an assignment). */
function deletedBy(operation: FuzzOperation): FixtureKind | undefined {
  if (operation.method !== 'DELETE') return undefined;
  const segments = operation.template.split('/');
  const last = segments.at(-1) ?? '';
  const collection = segments.at(-2) ?? '';
  if (!last.startsWith('{')) return undefined;
  if (collection === 'realms') return 'scratchRealm';
  if (collection === 'scopes' && segments.includes('resources')) return 'scope';
  if (segments.length > 6 && (collection === 'roles' || collection === 'scopes')) return undefined;
  const kind = fixtureOfParameter(operation.template, last.slice(1, -1));
  return kind === 'realm' ? undefined : kind;
}

function validPathValue(operation: FuzzOperation, parameter: Parameter, gen: Gen, targets: Targets): string {
  const kind = fixtureOfParameter(operation.template, parameter.name);
  if (kind === 'realm') return gen.chance(0.5) ? targets.realm.name : targets.realm.id;
  if (kind === 'scratchRealm') return gen.chance(0.5) ? targets.scratchRealm.name : targets.scratchRealm.id;
  return targets.fixture(kind);
}

/** A path parameter that is not what the route wants, already encoded for the request target. */
function badPathValue(gen: Gen): [string, string] {
  return gen.weighted<() => [string, string]>([
    [4, () => ['bad id', encodeSegment(gen.pick(BAD_IDS))]],
    [2, () => ['path traversal', encodeSegment(gen.pick(TRAVERSAL_STRINGS))]],
    [2, () => ['raw path traversal', gen.pick(TRAVERSAL_STRINGS.filter((s) => !s.includes('\\')))]],
    [2, () => ['bad percent-encoding', gen.pick(RAW_BAD_PERCENT)]],
    [3, () => ['unicode in path', encodeSegment(gen.pick(UNICODE_STRINGS))]],
    [1, () => ['injection in path', encodeSegment(gen.pick(INJECTION_STRINGS.filter((s) => s !== '')))]],
    [
      1,
      () => [
        'generated unicode in path',
        encodeSegment(gen.value(fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }))),
      ],
    ],
    [1, () => ['long path segment', 'a'.repeat(gen.pick([65, 200, 3000]))]],
    [1, () => ['number-like id', encodeSegment(gen.pick(NUMBER_LIKE_STRINGS))]],
    [1, () => ['raw UTF-8 bytes in path (not percent-encoded)', rawUtf8(gen.pick(['é', '名前', '\u{1f600}']))]],
  ])();
}

function queryValue(parameter: Parameter, gen: Gen, targets: Targets): string {
  return String(validValue(parameter.schema, gen, targets, parameter.name));
}

/** `name=value` pairs, mutated or not, joined into a query string. */
function queryOf(operation: FuzzOperation, gen: Gen, targets: Targets, mutate: boolean, strategies: string[]): string {
  const pairs: [string, string][] = [];
  for (const parameter of operation.queryParams) {
    if (parameter.required || gen.chance(0.5)) {
      pairs.push([encodeSegment(parameter.name), encodeSegment(queryValue(parameter, gen, targets))]);
    }
  }
  if (mutate) {
    const parameter = operation.queryParams.length > 0 ? gen.pick(operation.queryParams) : undefined;
    const name = parameter ? encodeSegment(parameter.name) : 'page';
    const replace = (value: string) => {
      removePair(pairs, name);
      pairs.push([name, value]);
    };
    const [label, apply] = gen.weighted<readonly [string, () => void]>([
      [
        4,
        [
          'invalid value',
          () => {
            const [what, value] = parameter ? invalidValue(parameter.schema, gen) : ['bad value', 'x'];
            const text = typeof value === 'string' ? value : JSON.stringify(value);
            strategies.push(`query ${name}: ${what}`);
            replace(encodedWithin(text, 3000));
          },
        ],
      ],
      [2, ['number-like', () => replace(encodeSegment(gen.pick(NUMBER_LIKE_STRINGS)))]],
      [2, ['repeated', () => pairs.push([name, '1'], [name, gen.pick(['2', 'x', ''])])]],
      [1, ['array syntax', () => pairs.push([`${name}[]`, '1'], [`${name}[0]`, '2'])]],
      [1, ['object syntax', () => pairs.push([`${name}[a][b]`, '1'])]],
      [1, ['empty value', () => replace('')]],
      [1, ['no value', () => replace(NO_VALUE)]],
      [1, ['unknown parameter', () => pairs.push([gen.pick(['__proto__', 'constructor', 'x', 'PAGE']), '1'])]],
      [1, ['bad percent-encoding', () => replace(gen.pick(RAW_BAD_PERCENT))]],
      [1, ['unicode', () => replace(encodeSegment(gen.pick(UNICODE_STRINGS)))]],
      [1, ['raw UTF-8 bytes (not percent-encoded)', () => replace(rawUtf8(gen.pick(['josé', '\u{1f600}', 'ß'])))]],
      [1, ['long value', () => replace(encodeSegment('é'.repeat(600)))]],
    ]);
    if (label !== 'invalid value') strategies.push(`query ${name}: ${label}`);
    apply();
  }
  const joined = pairs.map(([name, value]) => (value === NO_VALUE ? name : `${name}=${value}`)).join('&');
  return joined ? `?${joined}` : '';
}

/** `text` percent-encoded, cut so that it stays within `max` characters: headers have Node's 16 KiB limit. */
function encodedWithin(text: string, max: number): string {
  let encoded = encodeSegment(text);
  for (let length = text.length; encoded.length > max; length = Math.floor(length / 2)) {
    encoded = encodeSegment(text.slice(0, length));
  }
  return encoded;
}

function removePair(pairs: [string, string][], name: string): void {
  for (let index = pairs.length - 1; index >= 0; index--) if (pairs[index]?.[0] === name) pairs.splice(index, 1);
}

/** A bad `Authorization` header (or none), with what it is. */
function badAuthorization(gen: Gen, targets: Targets): [string, string | undefined] {
  const admin = targets.adminToken;
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const [, payload] = admin.split('.');
  return gen.weighted<() => [string, string | undefined]>([
    [3, () => ['no token', undefined]],
    [2, () => ['token of a client with users:read only', `Bearer ${targets.limitedToken}`]],
    [1, () => ['empty bearer', 'Bearer ']],
    [1, () => ['garbage token', `Bearer ${gen.pick(['x', 'a.b.c', '...', 'null', '=', 'é'])}`]],
    [1, () => ['basic scheme', 'Basic dXNlcjpwYXNz']],
    [1, () => ['tampered signature', `Bearer ${admin.slice(0, -4)}${admin.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`]],
    [1, () => ['truncated token', `Bearer ${admin.slice(0, admin.length - 20)}`]],
    [1, () => ['alg none', `Bearer ${b64({ alg: 'none', typ: 'at+jwt' })}.${payload}.`]],
    [
      1,
      () => [
        'odd JWT header',
        `Bearer ${b64(gen.pick(['x', 1, null, [], { alg: 'RS256', kid: '../../x' }, { alg: 'HS256', kid: 1 }]))}.${payload}.c2ln`,
      ],
    ],
    [
      1,
      () => [
        'odd JWT payload',
        `Bearer ${admin.split('.')[0]}.${b64(gen.pick(['x', [], { exp: 'soon' }, { iss: 1 }]))}.c2ln`,
      ],
    ],
    [1, () => ['long token', `Bearer ${'A'.repeat(3000)}`]],
    [1, () => ['lower-case scheme', `bearer ${admin}`]],
    [1, () => ['two tokens', `Bearer ${admin} ${admin}`]],
  ])();
}

/** A JSON body text that does not parse, or parses into something odd. */
function malformedJson(gen: Gen, valid: string): [string, string] {
  return gen.pick<[string, string]>([
    ['truncated JSON', valid.slice(0, Math.max(1, Math.floor(valid.length / 2)))],
    ['trailing garbage', `${valid}}`],
    ['trailing comma', valid.replace(/}$/, ',}')],
    ['single quotes', valid.replace(/"/g, "'")],
    ['NaN literal', '{"page":NaN}'],
    ['comment', `/* c */${valid}`],
    ['byte order mark', `\ufeff${valid}`],
    ['duplicate keys', valid.replace(/^{/, '{"name":1,"name":"x",')],
    ['deep nesting', `${'['.repeat(30_000)}${']'.repeat(30_000)}`],
    ['deep object nesting', `${'{"a":'.repeat(9_000)}1${'}'.repeat(9_000)}`],
    ['bare value', gen.pick(['1', 'true', '"s"', 'null', '[]', '""'])],
    ['whitespace only', ' \n\t '],
    ['invalid escape', '{"name":"\\x41"}'],
    ['lone surrogate escape', '{"name":"\\ud800","email":"\\udfff@example.com","password":"\\ud800\\ud800"}'],
    ['nul escape', '{"name":"a\\u0000b","email":"a\\u0000@example.com","display_name":"\\u0000"}'],
    ['prototype keys', valid.replace(/^{/, '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}},')],
  ]);
}

function setBody(request: FuzzRequest, text: string | Buffer): void {
  request.body = typeof text === 'string' ? Buffer.from(text) : text;
}

/**
 * Request `index` of a run against `operation`: a valid request, then 1..3 mutations (or none,
 * one request in eight, so that valid writes happen and deeper code runs).
 */
export function buildRequest(operation: FuzzOperation, index: number, gen: Gen, targets: Targets): FuzzRequest {
  const strategies: string[] = [];
  const request: FuzzRequest = {
    index,
    operationId: operation.operationId,
    method: operation.method,
    path: '',
    headers: {},
    body: undefined,
    chunked: false,
    strategies,
    deletes: deletedBy(operation),
  };
  const isForm = operation.body?.contentType === 'application/x-www-form-urlencoded';
  const applicable: [number, string][] = [
    [operation.pathParams.length > 0 ? 4 : 0, 'path'],
    [operation.queryParams.length > 0 ? 4 : 1, 'query'],
    [operation.body ? 5 : 0, 'body field'],
    [operation.body?.schema.required?.length ? 2 : 0, 'missing required'],
    [operation.body ? 2 : 0, 'extra field'],
    [operation.body && !isForm ? 2 : 0, 'malformed JSON'],
    [operation.body && !isForm ? 1 : 0, 'body root'],
    [operation.body ? 1 : 0, 'huge body'],
    [operation.body ? 1 : 0, 'empty body'],
    [2, 'content type'],
    [1, 'content encoding'],
    [1, 'long headers'],
    [operation.scope ? 3 : 1, 'auth'],
    [1, 'method'],
    [operation.body ? 0 : 1, 'unexpected body'],
    [operation.body ? 1 : 0, 'chunked'],
    [isForm ? 4 : 0, 'form'],
    [1, 'origin'],
    [operation.headerParams.length > 0 ? 3 : 0, 'header parameters'],
  ];
  const chosen = new Set<string>();
  if (!gen.chance(1 / 8)) {
    const count = gen.weighted([
      [6, 1],
      [3, 2],
      [1, 3],
    ] as const);
    for (let i = 0; i < count; i++) chosen.add(gen.weighted(applicable.filter(([weight]) => weight > 0)));
  }

  // Path.
  const segments = operation.template.split('/').map((segment) => {
    const match = /^\{(.+)\}$/.exec(segment);
    if (!match) return segment;
    const parameter = operation.pathParams.find((p) => p.name === match[1]) as Parameter;
    return encodeSegment(validPathValue(operation, parameter, gen, targets));
  });
  if (chosen.has('path')) {
    const positions = segments.map((_, i) => i).filter((i) => /^\{.+\}$/.test(operation.template.split('/')[i] ?? ''));
    const position = gen.pick(positions);
    const [label, value] = badPathValue(gen);
    const name = operation.template.split('/')[position];
    strategies.push(`path ${name}: ${label}`);
    segments[position] = value;
    request.deletes = undefined;
  }
  request.path = segments.join('/') + queryOf(operation, gen, targets, chosen.has('query'), strategies);

  // Authorization.
  const bearer = `Bearer ${targets.adminToken}`;
  if (operation.scope) request.headers.authorization = bearer;
  if (chosen.has('auth')) {
    const [label, value] = operation.scope
      ? badAuthorization(gen, targets)
      : gen.pick<[string, string | undefined]>([
          ['bearer token on a public route', bearer],
          ['basic garbage', `Basic ${gen.pick(['', '!!!', 'Og==', 'YTpiOmM=', 'w6k6w6k=', '%%%'])}`],
          ['basic without colon', `Basic ${Buffer.from('no-colon').toString('base64')}`],
          ['basic with bad percent-encoding', `Basic ${Buffer.from('%E0%A4%A:%zz').toString('base64')}`],
        ]);
    strategies.push(`auth: ${label}`);
    if (value === undefined) delete request.headers.authorization;
    else request.headers.authorization = value;
  }

  // Header parameters: sometimes sent as a client would, or mutated.
  for (const parameter of operation.headerParams) {
    if (gen.chance(0.3))
      request.headers[parameter.name.toLowerCase()] = validHeader(operation, parameter.name, gen, targets);
  }
  if (chosen.has('header parameters')) {
    const name = gen.pick(operation.headerParams).name;
    const [label, value] = badHeader(name, gen, targets);
    strategies.push(`${name}: ${label}`);
    request.headers[name.toLowerCase()] = value;
  }

  // Body.
  if (operation.body) {
    const schema = operation.body.schema;
    const object: Record<string, unknown> = validObject(schema, gen, targets);
    if (chosen.has('body field')) mutateField(object, schema, gen, strategies);
    if (chosen.has('missing required') && schema.required?.length) {
      const name = gen.pick(schema.required);
      delete object[name];
      strategies.push(`missing required ${name}`);
    }
    if (chosen.has('extra field')) {
      const name = gen.pick([
        'nickname',
        'id',
        'realm_id',
        'created_at',
        'is_management_api',
        'client_secret',
        'a'.repeat(300),
        '',
      ]);
      object[name] = gen.pick([1, 'x', null, { x: 1 }]);
      strategies.push(`extra field ${name.slice(0, 20)}`);
    }
    if (isForm) {
      setBody(request, formOf(object, gen, chosen.has('form') ? strategies : undefined, request));
      request.headers['content-type'] = 'application/x-www-form-urlencoded';
    } else {
      let text = JSON.stringify(object);
      if (chosen.has('malformed JSON')) {
        const [label, malformed] = malformedJson(gen, text);
        strategies.push(`malformed JSON: ${label}`);
        text = malformed;
      }
      if (chosen.has('body root')) {
        const root = gen.pick(['null', '[]', '"text"', '42', 'true', '{}', '[{}]', JSON.stringify([object])]);
        strategies.push(`body root ${root.slice(0, 12)}`);
        text = root;
      }
      setBody(request, text);
      request.headers['content-type'] = 'application/json';
    }
    if (chosen.has('huge body')) {
      strategies.push('huge body (1 MiB)');
      setBody(request, isForm ? `grant_type=${'a'.repeat(1024 * 1024)}` : `{"name":"${'a'.repeat(1024 * 1024)}"}`);
    }
    if (chosen.has('empty body')) {
      strategies.push('empty body');
      request.body = gen.chance(0.5) ? Buffer.alloc(0) : undefined;
    }
    if (chosen.has('chunked')) {
      strategies.push('chunked body');
      request.chunked = true;
    }
  } else if (chosen.has('unexpected body')) {
    strategies.push('body on an operation without one');
    setBody(request, gen.pick(['{"x":1}', '{', 'plain text', '']));
    request.headers['content-type'] = gen.pick(['application/json', 'text/plain', 'application/x-www-form-urlencoded']);
  }

  if (chosen.has('content type')) {
    const type = gen.pick([
      undefined,
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json; charset=utf-16',
      'application/json; charset=latin1',
      'application/json; charset=bogus',
      'application/json; charset="utf-8"',
      'APPLICATION/JSON',
      'application/merge-patch+json',
      'application/json, text/plain',
      ';;;',
      'application/',
      '*/*',
      'application/json; x=\u00e9',
    ]);
    strategies.push(`content-type ${type ?? '(none)'}`);
    if (type === undefined) delete request.headers['content-type'];
    else request.headers['content-type'] = type;
    if (!request.body && gen.chance(0.5)) setBody(request, '{"name":"x"}');
  }
  if (chosen.has('content encoding')) {
    const encoding = gen.pick(['gzip', 'deflate', 'br', 'identity', 'x-unknown', 'gzip, gzip', 'GZIP']);
    strategies.push(`content-encoding ${encoding} (body not encoded)`);
    request.headers['content-encoding'] = encoding;
    if (!request.body) setBody(request, '{"name":"x"}');
    if (encoding === 'gzip' && gen.chance(0.3)) {
      strategies.push('a real gzip body');
      request.strategies.splice(request.strategies.indexOf(`content-encoding ${encoding} (body not encoded)`), 1);
      setBody(request, gzipSync(request.body as Buffer));
    }
  }
  // Within Node's 16 KiB for the request line and headers, even combined with a long path
  // (3,000), query (3,000) and token (3,000): past it Node answers 431 itself, before any route.
  if (chosen.has('long headers')) {
    const kind = gen.pick(['one long header', 'many headers', 'long latin-1 header', 'odd request id']);
    strategies.push(kind);
    if (kind === 'one long header') request.headers['x-fuzz'] = 'x'.repeat(5000);
    if (kind === 'many headers') for (let i = 0; i < 60; i++) request.headers[`x-fuzz-${i}`] = 'y'.repeat(100);
    if (kind === 'long latin-1 header') request.headers['user-agent'] = '\u00e9\u00ff\u00a0'.repeat(1500);
    if (kind === 'odd request id')
      request.headers['x-request-id'] = gen.pick(['\u00e9', 'a'.repeat(3000), '../../x', '']);
  }
  if (chosen.has('origin')) {
    const origin = gen.pick([
      FUZZ_CORS_ORIGIN,
      FUZZ_CORS_ORIGIN.toUpperCase(),
      `${FUZZ_CORS_ORIGIN}.evil.example`,
      'https://evil.example',
      'null',
      '',
    ]);
    strategies.push(`origin ${origin || '(empty)'}`);
    request.headers.origin = origin;
    if (gen.chance(0.3)) {
      strategies.push('CORS preflight');
      request.method = 'OPTIONS';
      request.headers['access-control-request-method'] = operation.method;
      request.headers['access-control-request-headers'] = gen.pick(['authorization, content-type', 'x-evil', '']);
      request.deletes = undefined;
    }
  }
  if (chosen.has('method')) {
    request.method = gen.pick(METHODS.filter((method) => method !== operation.method));
    strategies.push(`method ${request.method}`);
    request.deletes = undefined;
  }
  if (strategies.length === 0) strategies.push('valid');
  return request;
}

/**
 * Idempotency keys are drawn from a few per run, so that requests share them: replays of the same
 * request, the same key with another body (422), and keys still in flight (409) all happen.
 */
function idempotencyKey(gen: Gen, targets: Targets): string {
  return `${targets.namePrefix}-key-${gen.int(0, 7)}`;
}

/** A header parameter as a client sends it: `*` (any current version: a 304 on GET), a stale tag, a pooled key. */
function validHeader(operation: FuzzOperation, name: string, gen: Gen, targets: Targets): string {
  if (name === 'Idempotency-Key') {
    const key = idempotencyKey(gen, targets);
    return gen.chance(0.2) ? `"${key}"` : key;
  }
  if (name === 'If-None-Match' && operation.method === 'GET') return gen.pick(['*', '"stale"', 'W/"stale"']);
  return gen.pick(['*', '"stale"', '"stale", "older"']);
}

/** A header parameter outside its syntax or limits (RFC 9110 §8.8.3 entity tags, 1..255 printable ASCII keys). */
function badHeader(name: string, gen: Gen, targets: Targets): [string, string] {
  if (name === 'Idempotency-Key') {
    return gen.pick<[string, string]>([
      ['empty key', ''],
      ['blank key', '   '],
      ['empty quoted key', '""'],
      ['unterminated quoted key', `"${idempotencyKey(gen, targets)}`],
      ['bad escape in a quoted key', '"a\\nb"'],
      ['escaped quote in a key', `"${idempotencyKey(gen, targets)}\\""`],
      ['256-character key', 'k'.repeat(256)],
      ['255-character key', `${targets.namePrefix}-${'k'.repeat(250 - targets.namePrefix.length)}`],
      ['latin-1 key', '\u00e9t\u00e9'],
      ['two keys in one header', `${idempotencyKey(gen, targets)}, ${idempotencyKey(gen, targets)}`],
    ]);
  }
  return gen.pick<[string, string]>([
    ['empty', ''],
    ['unquoted tag', 'abc'],
    ['unterminated tag', '"abc'],
    ['weak prefix alone', 'W/'],
    ['weak tag', 'W/"stale"'],
    ['empty list items', '"a",,"b",'],
    ['star in a list', '*, "a"'],
    ['tag with a quote inside', '"a"b"'],
    ['latin-1 tag', '"\u00e9"'],
    ['4,000-character tag', `"${'t'.repeat(4000)}"`],
    ['100 tags', Array.from({ length: 100 }, (_, i) => `"t${i}"`).join(', ')],
  ]);
}

function mutateField(object: Record<string, unknown>, schema: Schema, gen: Gen, strategies: string[]): void {
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0) return;
  const [name, property] = gen.pick(properties);
  const [label, value] = invalidValue(property, gen);
  object[name] = value;
  strategies.push(`field ${name}: ${label}`);
}

/** The token request as a form: mostly valid, or with RFC 6749's traps (repeats, both auth methods...). */
function formOf(
  object: Record<string, unknown>,
  gen: Gen,
  strategies: string[] | undefined,
  request: FuzzRequest,
): string {
  const pairs: [string, string][] = Object.entries(object).map(([name, value]) => [
    name,
    typeof value === 'string' ? value : (JSON.stringify(value) ?? ''),
  ]);
  if (strategies) {
    const trap = gen.pick([
      'repeated grant_type',
      'repeated client_id',
      'basic and post together',
      'basic with another client_id',
      'unknown grant_type',
      'unknown scope',
      'unknown resource',
      'empty scope',
      'long scope list',
      'unicode scope',
      'no client authentication',
      'wrong secret',
    ]);
    strategies.push(`form: ${trap}`);
    const id = object.client_id;
    const secret = object.client_secret;
    const basic = `Basic ${Buffer.from(`${encodeSegment(String(id))}:${encodeSegment(String(secret))}`).toString('base64')}`;
    if (trap === 'repeated grant_type') pairs.push(['grant_type', 'client_credentials']);
    if (trap === 'repeated client_id') pairs.push(['client_id', String(id)]);
    if (trap === 'basic and post together') request.headers.authorization = basic;
    if (trap === 'basic with another client_id') {
      removePair(pairs, 'client_secret');
      removePair(pairs, 'client_id');
      pairs.push(['client_id', 'someone-else']);
      request.headers.authorization = basic;
    }
    if (trap === 'unknown grant_type')
      pairs.push(['grant_type', gen.pick(['password', 'authorization_code', '', 'CLIENT_CREDENTIALS'])]);
    if (trap === 'unknown scope')
      pairs.push(['scope', gen.pick(['nope', 'users:read nope', 'realms:write', '\u0000'])]);
    if (trap === 'unknown resource')
      pairs.push(['resource', gen.pick(['https://nope.example', 'not a uri', '', '\u00e9'])]);
    if (trap === 'empty scope') pairs.push(['scope', gen.pick(['', ' ', '   '])]);
    if (trap === 'long scope list') pairs.push(['scope', Array(2000).fill('users:read').join(' ')]);
    if (trap === 'unicode scope') pairs.push(['scope', gen.pick(UNICODE_STRINGS)]);
    if (trap === 'no client authentication') {
      removePair(pairs, 'client_id');
      removePair(pairs, 'client_secret');
    }
    if (trap === 'wrong secret') {
      removePair(pairs, 'client_secret');
      pairs.push(['client_secret', gen.pick(['wrong', '', 'x'.repeat(5000), '\u0000'])]);
    }
    if (trap.startsWith('unknown') || trap.endsWith('scope')) {
      // The last value wins in the form: drop the first so the trap is not a repeat.
      const name = trap.includes('grant') ? 'grant_type' : trap.includes('resource') ? 'resource' : 'scope';
      const index = pairs.findIndex(([key]) => key === name);
      if (pairs.filter(([key]) => key === name).length > 1) pairs.splice(index, 1);
    }
  }
  return pairs.map(([name, value]) => `${encodeSegment(name)}=${encodeSegment(value)}`).join('&');
}
