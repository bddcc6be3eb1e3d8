import { generateOpenApi } from '@realmkit/contract';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';

type JsonSchema = Record<string, unknown>;

interface ResponseObject {
  content?: Record<string, { schema?: JsonSchema }>;
}

interface OperationObject {
  operationId?: string;
  responses?: Record<string, ResponseObject>;
}

interface OpenApiDocument {
  paths?: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

/** One operation of the document, its path template split for matching. */
export interface DocumentedOperation {
  readonly method: string;
  readonly template: string;
  readonly operationId: string;
  readonly responses: Record<string, ResponseObject>;
  /** Literal segments as strings, `{param}` segments as `undefined`. */
  readonly segments: readonly (string | undefined)[];
  readonly literals: number;
}

/** What the test server received, as {@link OpenApiValidator.problemOf} needs it. */
export interface ReceivedResponse {
  readonly status: number;
  readonly contentType: string | null;
  /** The raw body. */
  readonly text: string;
  /** The body parsed as JSON when the response said it was JSON, else the raw text. */
  readonly body: unknown;
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']);
/** Component schemas are registered under their own URIs, so that `$ref`s resolve without the rest of the document. */
const SCHEMA_BASE = 'https://realmkit.invalid/components/schemas/';
const LOCAL_REF = '#/components/schemas/';

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) =>
      key === '$ref' && typeof inner === 'string' && inner.startsWith(LOCAL_REF)
        ? [key, SCHEMA_BASE + inner.slice(LOCAL_REF.length)]
        : [key, rewriteRefs(inner)],
    ),
  );
}

function segmentsOf(path: string): string[] {
  return path.split('/').slice(1);
}

function excerpt(text: string, max = 500): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
}

/** Keywords whose message does not name what was wrong (the property, the allowed values). */
const PARAMS_WORTH_SHOWING = new Set(['additionalProperties', 'unevaluatedProperties', 'enum', 'const']);

function describeErrors(errors: readonly ErrorObject[]): string {
  return errors
    .map((error) => {
      const where = error.instancePath || '(body)';
      const params = PARAMS_WORTH_SHOWING.has(error.keyword) ? ` ${JSON.stringify(error.params)}` : '';
      return `  - ${where}: ${error.message ?? error.keyword}${params}`;
    })
    .join('\n');
}

/**
 * The OpenAPI document derived from the contract, as a judge of real responses: each response of
 * an operation the document describes must have a declared status and, where that status declares
 * JSON content, a body that its schema accepts (JSON Schema 2020-12, formats included).
 */
export class OpenApiValidator {
  readonly operations: readonly DocumentedOperation[];
  private readonly ajv: Ajv2020;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(document: OpenApiDocument = generateOpenApi() as OpenApiDocument) {
    this.ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
    formats.default(this.ajv);
    // OpenAPI's annotation: documentation only, as `examples` is in JSON Schema itself.
    this.ajv.addKeyword('example');
    for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
      this.ajv.addSchema({ ...(rewriteRefs(schema) as JsonSchema), $id: SCHEMA_BASE + name });
    }
    const operations: DocumentedOperation[] = [];
    for (const [template, item] of Object.entries(document.paths ?? {})) {
      for (const [method, value] of Object.entries(item)) {
        if (!METHODS.has(method)) continue;
        const operation = value as OperationObject;
        const segments = segmentsOf(template).map((segment) => (/^\{[^}]+\}$/.test(segment) ? undefined : segment));
        operations.push({
          method: method.toUpperCase(),
          template,
          operationId: operation.operationId ?? `${method.toUpperCase()} ${template}`,
          responses: operation.responses ?? {},
          segments,
          literals: segments.filter((segment) => segment !== undefined).length,
        });
      }
    }
    this.operations = operations;
  }

  /**
   * The operation that serves `method path` (query string ignored): of the templates that match,
   * the one with the most literal segments (`/api/v1/realms/{realm}` before `/api/v1/{realm}/users`).
   */
  operationFor(method: string, path: string): DocumentedOperation | undefined {
    const pathname = new URL(path, 'http://realmkit.invalid').pathname;
    const segments = segmentsOf(pathname);
    let best: DocumentedOperation | undefined;
    for (const operation of this.operations) {
      if (operation.method !== method.toUpperCase() || operation.segments.length !== segments.length) continue;
      const matches = operation.segments.every((segment, index) =>
        segment === undefined ? segments[index] !== '' : segment === segments[index],
      );
      if (matches && (!best || operation.literals > best.literals)) best = operation;
    }
    return best;
  }

  /**
   * Why `response` breaks the document, as a message naming the operation and status; `undefined`
   * when it conforms, or when no operation of the document serves `method path` (unknown routes,
   * `/openapi.json`, pages). `operation` overrides the match by path, for callers that send raw
   * paths a URL parser would normalize (the fuzzer).
   */
  problemOf(
    method: string,
    path: string,
    response: ReceivedResponse,
    operation: DocumentedOperation | undefined = this.operationFor(method, path),
  ): string | undefined {
    if (!operation) return undefined;
    const status = String(response.status);
    const where = `${method.toUpperCase()} ${path} (${operation.operationId}, ${operation.template}) answered ${status}`;
    const declared =
      operation.responses[status] ?? operation.responses[`${status[0]}XX`] ?? operation.responses.default;
    if (!declared) {
      return (
        `${where}, a status the OpenAPI document does not declare for ${operation.operationId} ` +
        `(declared: ${Object.keys(operation.responses).join(', ')}). Body: ${excerpt(response.text)}`
      );
    }
    const content = declared.content ?? {};
    if (Object.keys(content).length === 0) {
      if (response.text === '') return undefined;
      return `${where} with a body (${response.contentType ?? 'no content-type'}), but the OpenAPI document declares no content for it: ${excerpt(response.text)}`;
    }
    const schema = content['application/json']?.schema;
    if (!schema) {
      return `${where}; the OpenAPI document declares ${Object.keys(content).join(', ')} for it, which this check cannot read`;
    }
    if (!response.contentType?.includes('json') || typeof response.body === 'string') {
      return `${where} with ${response.contentType ?? 'no content-type'}, but the OpenAPI document declares application/json: ${excerpt(response.text)}`;
    }
    const validate = this.validatorOf(operation, status, schema);
    if (validate(response.body)) return undefined;
    return (
      `${where} with a body that does not match the OpenAPI document's schema for ${operation.operationId} ${status}:\n` +
      `${describeErrors(validate.errors ?? [])}\nBody: ${excerpt(response.text)}`
    );
  }

  /** Whether `value` matches the document's component schema `name` (`Error`, `OAuthError`...). */
  matchesComponent(name: string, value: unknown): boolean {
    const validate = this.ajv.getSchema(SCHEMA_BASE + name);
    if (!validate) throw new Error(`The OpenAPI document has no component schema ${name}`);
    return validate(value) === true;
  }

  private validatorOf(operation: DocumentedOperation, status: string, schema: JsonSchema): ValidateFunction {
    const key = `${operation.method} ${operation.template} ${status}`;
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(rewriteRefs(schema) as JsonSchema);
      this.validators.set(key, validate);
    }
    return validate;
  }
}
