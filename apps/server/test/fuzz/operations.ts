import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A JSON Schema as the OpenAPI document writes it, `$ref`s resolved. */
export interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
  example?: unknown;
  description?: string;
}

export interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly required: boolean;
  readonly schema: Schema;
}

/** One operation of the OpenAPI document, as the fuzzer drives it. */
export interface FuzzOperation {
  readonly operationId: string;
  readonly method: string;
  /** `/api/v1/{realm}/users/{id}` */
  readonly template: string;
  readonly pathParams: readonly Parameter[];
  readonly queryParams: readonly Parameter[];
  /** `If-Match`, `If-None-Match`, `Idempotency-Key`. */
  readonly headerParams: readonly Parameter[];
  readonly body: { readonly contentType: string; readonly schema: Schema } | undefined;
  /** The scope a bearer token needs; `undefined` for public operations. */
  readonly scope: string | undefined;
  readonly masterOnly: boolean;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, Schema> };
}

/** The committed document (`npm run openapi` writes it; a contract test fails when it is stale). */
export const OPENAPI_PATH = fileURLToPath(new URL('../../../../packages/contract/openapi.json', import.meta.url));

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

function resolve(value: unknown, document: OpenApiDocument, seen: ReadonlySet<string> = new Set()): unknown {
  if (Array.isArray(value)) return value.map((item) => resolve(item, document, seen));
  if (value === null || typeof value !== 'object') return value;
  const ref = (value as { $ref?: unknown }).$ref;
  if (typeof ref === 'string') {
    const name = ref.replace('#/components/schemas/', '');
    const target = document.components?.schemas?.[name];
    if (!target || seen.has(name)) throw new Error(`cannot resolve ${ref}`);
    return resolve(target, document, new Set([...seen, name]));
  }
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, resolve(inner, document, seen)]));
}

/** Reads the OpenAPI document at run time. */
export function readDocument(path = OPENAPI_PATH): OpenApiDocument {
  return JSON.parse(readFileSync(path, 'utf8')) as OpenApiDocument;
}

/** Every operation of `document`, with its parameters and body schema resolved. */
export function operationsOf(document: OpenApiDocument): FuzzOperation[] {
  const operations: FuzzOperation[] = [];
  for (const [template, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method] as Record<string, unknown> | undefined;
      if (!operation) continue;
      const parameters = resolve(operation.parameters ?? [], document) as Parameter[];
      const content = (operation.requestBody as { content?: Record<string, { schema: unknown }> } | undefined)?.content;
      const [contentType, media] = Object.entries(content ?? {})[0] ?? [];
      operations.push({
        operationId: String(operation.operationId),
        method: method.toUpperCase(),
        template,
        pathParams: parameters.filter((parameter) => parameter.in === 'path'),
        queryParams: parameters.filter((parameter) => parameter.in === 'query'),
        headerParams: parameters.filter((parameter) => parameter.in === 'header'),
        body: contentType && media ? { contentType, schema: resolve(media.schema, document) as Schema } : undefined,
        scope: operation['x-required-scope'] as string | undefined,
        masterOnly: operation['x-master-realm-only'] === true,
      });
    }
  }
  return operations;
}
