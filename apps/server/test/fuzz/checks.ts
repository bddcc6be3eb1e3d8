import { fileURLToPath } from 'node:url';
import { contract, type RouteMetadata } from '@realmkit/contract';
import { errorCodeProblem } from '../support/error-codes.ts';
import type { DocumentedOperation, OpenApiValidator } from '../support/openapi-validator.ts';
import type { FuzzRequest } from './requests.ts';
import type { RawResponse } from './send.ts';

export type FindingKind =
  | 'server error'
  | 'stack trace'
  | 'error shape'
  | 'error code'
  | 'undocumented'
  | 'no response';

export interface Finding {
  readonly kind: FindingKind;
  readonly detail: string;
}

const REPOSITORY = fileURLToPath(new URL('../../../../', import.meta.url));

/** What a request target may hold (RFC 9112 §3.2, RFC 3986): visible ASCII only. */
const HTTP_TARGET = /^[!-~]*$/;

/** The operations that answer RFC 6749's error shape: the OAuth routes whose metadata lists their codes. */
const OAUTH_ERROR_OPERATIONS: ReadonlySet<string> = new Set(
  Object.entries(contract.oauth)
    .filter(([, route]) => (route.metadata as RouteMetadata | undefined)?.oauthErrors)
    .map(([name]) => `oauth_${name}`),
);

/** Text that only an error's internals would put in a response. */
const STACK_MARKERS: readonly RegExp[] = [
  /\n\s+at /,
  /\bat (?:async )?[\w.$<>]+ \(/,
  /\b\w*Error: /,
  /\b[A-Z][A-Za-z]+Error\b/,
  /node_modules|node:internal|file:\/\//,
  /\.(?:ts|js|mjs|cjs):\d+/,
];

function stackMarkerIn(text: string): string | undefined {
  if (text.includes(REPOSITORY)) return REPOSITORY;
  return STACK_MARKERS.find((marker) => marker.test(text))?.source;
}

/**
 * The operation Express serves `method target` with: literal segments compared case-insensitively,
 * a parameter is one non-empty raw segment, one trailing slash tolerated, first match in the
 * document's (= registration) order. Unlike a URL parser, dot segments stay as they were sent.
 */
export function operationServing(
  validator: OpenApiValidator,
  method: string,
  target: string,
): DocumentedOperation | undefined {
  let pathname = target.split('?')[0] ?? '';
  if (pathname.length > 1 && pathname.endsWith('/')) pathname = pathname.slice(0, -1);
  const segments = pathname.split('/').slice(1);
  const wanted = method === 'HEAD' ? 'GET' : method;
  return validator.operations.find(
    (operation) =>
      operation.method === wanted &&
      operation.segments.length === segments.length &&
      operation.segments.every((segment, index) => {
        const sent = segments[index] ?? '';
        return segment === undefined ? sent !== '' : segment.toLowerCase() === sent.toLowerCase();
      }),
  );
}

function parsed(response: RawResponse): unknown {
  if (!response.contentType?.includes('json')) return undefined;
  try {
    return JSON.parse(response.text);
  } catch {
    return undefined;
  }
}

/**
 * What is wrong with `response` to `request`: a status ≥ 500, a stack trace or source path in the
 * body, a 4xx body outside the error shapes (`{ error, message, details? }`; RFC 6749's on the
 * OAuth endpoints), an error code outside the contract's tables or with another
 * status than theirs, or a status or body the OpenAPI document does not declare for the operation.
 */
export function findingsOf(validator: OpenApiValidator, request: FuzzRequest, response: RawResponse): Finding[] {
  const findings: Finding[] = [];
  if (response.status >= 500) findings.push({ kind: 'server error', detail: `status ${response.status}` });
  const marker = stackMarkerIn(response.text);
  if (marker) findings.push({ kind: 'stack trace', detail: `body matches ${marker}` });
  if (request.method === 'HEAD') return findings;

  const operation = operationServing(validator, request.method, request.path);
  const body = parsed(response);
  if (response.status >= 400 && response.status < 500) {
    const isError = body !== undefined && validator.matchesComponent('Error', body);
    const isOAuthError =
      OAUTH_ERROR_OPERATIONS.has(operation?.operationId ?? '') &&
      body !== undefined &&
      validator.matchesComponent('OAuthError', body);
    if (!isError && !isOAuthError) {
      findings.push({
        kind: 'error shape',
        detail: `${response.contentType ?? 'no content-type'}: ${response.text.slice(0, 300)}`,
      });
    }
  }
  const codeProblem = errorCodeProblem(response.status, body);
  if (codeProblem) findings.push({ kind: 'error code', detail: codeProblem });
  // A target with bytes outside visible ASCII is not HTTP/1.1 (RFC 9112 §3.2): Node's parser refuses
  // it before any route (src/http/client-error.ts), so no operation's responses apply, only the shapes.
  if (operation && HTTP_TARGET.test(request.path) && findings.length === 0) {
    const problem = validator.problemOf(
      request.method,
      request.path,
      { status: response.status, contentType: response.contentType, text: response.text, body: body ?? response.text },
      operation,
    );
    if (problem) findings.push({ kind: 'undocumented', detail: problem.slice(0, 600) });
  }
  return findings;
}
