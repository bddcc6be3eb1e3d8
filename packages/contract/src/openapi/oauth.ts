import type { ExampleObject, HeadersObject, ResponseObject } from 'openapi3-ts/oas31';
import { OAuthErrorBody } from '../oauth/oauth.schemas.ts';
import { OAUTH_ERROR_CODES, OAUTH_ERRORS } from '../oauth/oauth-errors.ts';
import { headerRefs, RATE_LIMIT_HEADERS, STRING_HEADER } from './errors.ts';
import type { SchemaCollector } from './json-schema.ts';
import type { RouteFacts } from './traversal.ts';

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
 * codes the route's metadata lists (`oauthErrors`), each saying what the code means.
 */
export function oauthErrorResponseOf(status: number, facts: RouteFacts, collector: SchemaCollector): ResponseObject {
  const listed = facts.metadata.oauthErrors;
  if (!listed) throw new Error(`${facts.path} answers OAuthErrorBody: list its codes in its metadata's oauthErrors`);
  const codes = OAUTH_ERROR_CODES.filter((code) => OAUTH_ERRORS[code].status === status && listed.includes(code));
  const examples: Record<string, ExampleObject> = Object.fromEntries(
    codes.map((code) => {
      const { description } = OAUTH_ERRORS[code];
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
