import * as fc from 'fast-check';
import { BAD_IDS, BOUNDARY_NUMBERS, INJECTION_STRINGS, NUMBER_LIKE_STRINGS, UNICODE_STRINGS } from './nasty.ts';
import type { Schema } from './operations.ts';
import type { Gen } from './random.ts';

/** What a valid value needs beyond its schema: ids that exist, the fuzz realm, unique names. */
export interface ValueHints {
  /** A value known to be good for a field (`role_ids` items, `client_id`, `realmName`...), if there is one. */
  known(field: string, gen: Gen): string | undefined;
  /** Prefix of names the fuzzer creates (realms are found and deleted by it afterwards). */
  readonly namePrefix: string;
}

/** 1 MiB: past the body limit, so the server must refuse it without reading it into a field. */
export const HUGE_LENGTH = 1024 * 1024;

function nonNullBranches(schema: Schema): Schema[] {
  return (schema.anyOf ?? schema.oneOf ?? []).filter((branch) => branch.type !== 'null');
}

function typeOf(schema: Schema): string | undefined {
  if (Array.isArray(schema.type)) return schema.type.find((type) => type !== 'null');
  if (schema.type) return schema.type;
  const branch = nonNullBranches(schema)[0];
  return branch ? typeOf(branch) : undefined;
}

function stringOfLength(gen: Gen, min: number, max: number): string {
  return gen.value(fc.string({ minLength: min, maxLength: max, unit: 'grapheme' }));
}

function validString(schema: Schema, gen: Gen, hints: ValueHints, field: string): string {
  const max = Math.min(schema.maxLength ?? 40, 40);
  const min = Math.max(schema.minLength ?? 0, 0);
  const known = hints.known(field, gen);
  if (known !== undefined) return known;
  const unique = `${gen.int(0, 0xffffff).toString(36)}${gen.int(0, 0xffffff).toString(36)}`;
  if (schema.format === 'uuid') return gen.value(fc.uuid({ version: 7 }));
  if (schema.format === 'email') return `${gen.pick(['fz', 'Fz.Case', 'o+tag', "o'brien"])}${unique}@fuzz.example.com`;
  if (schema.format === 'uri') return `https://api-${unique}.fuzz.example${gen.pick(['', '/', '/v1', ':8443/x'])}`;
  if (/password/i.test(field)) return `Fz-${unique}-${gen.pick(['Pw1!', 'pässwörd9', '\u{1f511}secret'])}`;
  if (field === 'name' && schema.pattern?.startsWith('^[a-z]')) return `${hints.namePrefix}-${unique}`;
  if (schema.pattern) {
    const value = gen.value(fc.stringMatching(new RegExp(schema.pattern), { size: 'xsmall' }));
    return value.length <= (schema.maxLength ?? Number.POSITIVE_INFINITY) ? value : unique;
  }
  if (field === 'name' || field === 'username') return `fz-${unique}`;
  if (gen.chance(0.3))
    return gen.pick(UNICODE_STRINGS.filter((s) => s.length >= min && s.length <= max && !s.includes('\0')));
  return stringOfLength(gen, Math.max(min, 1), Math.max(max, 1));
}

/** A value that `schema` accepts (as far as the fuzzer can tell: rules beyond the schema may still refuse it). */
export function validValue(schema: Schema, gen: Gen, hints: ValueHints, field = ''): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return gen.pick(schema.enum);
  const branches = nonNullBranches(schema);
  if (branches.length > 0) {
    const nullable = (schema.anyOf ?? schema.oneOf ?? []).some((branch) => branch.type === 'null');
    if (nullable && gen.chance(0.15)) return null;
    return validValue(gen.pick(branches), gen, hints, field);
  }
  switch (typeOf(schema)) {
    case 'string':
      return validString(schema, gen, hints, field);
    case 'integer':
      return gen.value(
        fc.integer({ min: schema.minimum ?? -1000, max: Math.min(schema.maximum ?? 1000, 2 ** 31 - 1) }),
      );
    case 'number':
      return gen.value(fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000, noNaN: true }));
    case 'boolean':
      return gen.chance(0.5);
    case 'array': {
      const items = schema.items ?? {};
      const count = gen.int(schema.minItems ?? 0, Math.min(schema.maxItems ?? 3, 3));
      return Array.from({ length: count }, () => validValue(items, gen, hints, field));
    }
    case 'object':
      return validObject(schema, gen, hints);
    default:
      return gen.value(fc.jsonValue({ maxDepth: 2 }));
  }
}

/** The required properties, and each optional one half of the time. */
export function validObject(schema: Schema, gen: Gen, hints: ValueHints): Record<string, unknown> {
  const required = new Set(schema.required ?? []);
  const object: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    if (required.has(name) || gen.chance(0.5)) object[name] = validValue(property, gen, hints, name);
  }
  return object;
}

/** A value of another JSON type than `schema`'s. */
function wrongType(schema: Schema, gen: Gen): unknown {
  const type = typeOf(schema);
  const candidates: unknown[] = [
    gen.pick(BOUNDARY_NUMBERS),
    gen.chance(0.5),
    gen.pick(NUMBER_LIKE_STRINGS),
    {},
    { nested: { deeper: [1, 'two', null] } },
    [],
    [gen.pick(BAD_IDS)],
    gen.value(fc.jsonValue({ maxDepth: 3 })),
  ];
  const wrong = candidates.filter((value) => {
    if (type === 'string') return typeof value !== 'string';
    if (type === 'integer' || type === 'number') return typeof value !== 'number';
    if (type === 'boolean') return typeof value !== 'boolean';
    if (type === 'array') return !Array.isArray(value);
    if (type === 'object') return value === null || typeof value !== 'object' || Array.isArray(value);
    return true;
  });
  return gen.pick(wrong.length > 0 ? wrong : candidates);
}

/** A string that is not what `schema` wants: too long, outside its pattern or enum, odd unicode. */
function badString(schema: Schema, gen: Gen): [string, string] {
  return gen.weighted<() => [string, string]>([
    [3, () => ['unicode', gen.pick(UNICODE_STRINGS)]],
    [2, () => ['unicode (generated)', gen.value(fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }))]],
    [2, () => ['injection', gen.pick(INJECTION_STRINGS)]],
    [2, () => ['bad id', gen.pick(BAD_IDS)]],
    [1, () => ['number-like string', gen.pick(NUMBER_LIKE_STRINGS)]],
    [1, () => ['empty string', '']],
    [
      2,
      () => ['just over maxLength', 'x'.repeat((schema.maxLength ?? 255) + 1) + (gen.chance(0.5) ? '' : '\u{1f600}')],
    ],
    [1, () => ['long string (60 kB)', gen.pick(['a', 'é', '\u{1f600}', '\u0000']).repeat(60_000 / 2)]],
    [1, () => ['huge string (1 MiB)', 'a'.repeat(HUGE_LENGTH)]],
    [1, () => ['bad enum value', schema.enum ? `${String(gen.pick(schema.enum)).toUpperCase()} ` : 'm2m\u0000']],
  ])();
}

function badNumber(schema: Schema, gen: Gen): [string, unknown] {
  const below = (schema.minimum ?? 0) - 1;
  const above = (schema.maximum ?? 2 ** 31) + 1;
  return gen.pick<[string, unknown]>([
    ['below minimum', below],
    ['above maximum', above],
    ['boundary number', gen.pick(BOUNDARY_NUMBERS)],
    ['float for integer', 60.5],
    ['number-like string', gen.pick(NUMBER_LIKE_STRINGS)],
    ['huge exponent', 1e308],
  ]);
}

/**
 * A value `schema` should refuse (or, for some strategies, accept at its very edge), with the
 * name of the strategy that made it.
 */
export function invalidValue(schema: Schema, gen: Gen): [string, unknown] {
  const type = typeOf(schema);
  const specific: (() => [string, unknown])[] = [];
  if (type === 'string') specific.push(() => badString(schema, gen));
  if (type === 'integer' || type === 'number') specific.push(() => badNumber(schema, gen));
  if (type === 'array') {
    specific.push(() =>
      gen.pick<[string, unknown]>([
        ['empty array', []],
        ['too many items', Array.from({ length: (schema.maxItems ?? 100) + 1 }, (_, i) => `${i}`)],
        ['bad items', [gen.pick(BAD_IDS), null, 7, { id: 1 }]],
        ['duplicate items', Array(5).fill(gen.pick(BAD_IDS))],
        ['nested arrays', [[[[[]]]]]],
      ]),
    );
  }
  return gen.weighted<() => [string, unknown]>([
    [2, () => ['wrong type', wrongType(schema, gen)]],
    [1, () => ['null', null]],
    ...specific.map((make) => [5, make] as const),
  ])();
}
