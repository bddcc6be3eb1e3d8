import type { ExampleObject, HeadersObject, ResponseObject } from 'openapi3-ts/oas31';
import { OAuthErrorBody } from '../oauth/oauth.schemas.ts';
import { headerRefs, RATE_LIMIT_HEADERS, STRING_HEADER } from './errors.ts';
import type { SchemaCollector } from './json-schema.ts';
import type { RouteFacts } from './traversal.ts';

type OAuthErrorCode = OAuthErrorBody['error'];

/** RFC 6749 §5.2 (and RFC 8707 `invalid_target`) errors of the token endpoint, as it words them. */
const OAUTH_ERROR_EXAMPLES: Partial<Record<OAuthErrorCode, string>> = {
  invalid_request: 'The grant_type parameter is required',
  unsupported_grant_type: 'Unsupported grant_type: password',
  unauthorized_client: 'Only machine-to-machine applications may use client_credentials',
  invalid_scope: 'None of the requested scopes can be granted to this client',
  invalid_target: 'Unknown resource: https://api.unknown.example',
  invalid_client: 'Client authentication failed',
  rate_limited: 'Too many token requests for this client; retry in 1 s',
  server_error: 'Something went wrong on our side',
};

/**
 * RFC 6749 §5.2: 401 for `invalid_client`, 400 for the others (500 for `server_error`); 429 for
 * `rate_limited`, an extension code (RFC 6749 §8.5) named as in the rest of the API.
 */
function oauthStatusOf(code: OAuthErrorCode): number {
  if (code === 'invalid_client') return 401;
  if (code === 'rate_limited') return 429;
  return code === 'server_error' ? 500 : 400;
}

function oauthDescriptionOf(status: number, named: string): string {
  if (status === 401) {
    return `RFC 6749 §5.2 ${named}: client authentication failed. \`WWW-Authenticate: Basic\` says how to authenticate.`;
  }
  if (status === 429) {
    return (
      `${named}: too many token requests for this client_id or from this IP address. Retry after ` +
      '`Retry-After` seconds.'
    );
  }
  return `RFC 6749 §5.2 error: ${named}. \`error_description\` (and \`message\`) says what to fix.`;
}

function oauthHeadersOf(status: number): HeadersObject | undefined {
  if (status === 401) {
    return { 'WWW-Authenticate': { ...STRING_HEADER, description: '`Basic realm="realmkit", charset="UTF-8"`' } };
  }
  if (status === 429) {
    return {
      'Retry-After': { $ref: '#/components/headers/Retry-After' },
      ...headerRefs(Object.keys(RATE_LIMIT_HEADERS)),
    };
  }
  return undefined;
}

/**
 * An RFC 6749 error response: one named example per error code that answers with `status`, of the
 * codes the route's metadata lists (default: the token endpoint's).
 */
export function oauthErrorResponseOf(status: number, facts: RouteFacts, collector: SchemaCollector): ResponseObject {
  const wording: Partial<Record<OAuthErrorCode, string>> = facts.metadata.oauthErrors ?? OAUTH_ERROR_EXAMPLES;
  const codes = OAuthErrorBody.shape.error.options.filter((code) => oauthStatusOf(code) === status && wording[code]);
  const examples: Record<string, ExampleObject> = Object.fromEntries(
    codes.map((code) => {
      const description = wording[code] ?? '';
      return [code, { summary: code, value: { error: code, error_description: description, message: description } }];
    }),
  );
  const named = codes.map((code) => `\`${code}\``).join(', ');
  const headers = oauthHeadersOf(status);
  return {
    description: oauthDescriptionOf(status, named),
    ...(headers ? { headers } : {}),
    content: { 'application/json': { schema: collector.convert(OAuthErrorBody, 'output'), examples } },
  };
}
