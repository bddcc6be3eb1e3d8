import { API_ERRORS, OAUTH_ERRORS } from '@realmkit/contract';

/**
 * Why an error response's code breaks the contract's tables, or `undefined` when it does not:
 * every `error` the server sends is in `API_ERRORS` (in `OAUTH_ERRORS` for RFC 6749 bodies, the
 * ones with `error_description`), and answers with the status the table gives it. Other
 * responses (successes, bodies without a code) pass.
 */
export function errorCodeProblem(status: number, body: unknown): string | undefined {
  if (status < 400 || typeof body !== 'object' || body === null) return undefined;
  const { error } = body as { error?: unknown };
  if (typeof error !== 'string') return undefined;
  const [name, table]: [string, Readonly<Record<string, { status: number }>>] =
    'error_description' in body ? ['OAUTH_ERRORS', OAUTH_ERRORS] : ['API_ERRORS', API_ERRORS];
  const entry = Object.hasOwn(table, error) ? table[error] : undefined;
  if (!entry) return `error code "${error}" (status ${status}) is not in the contract's ${name}`;
  if (entry.status !== status) {
    return `error code "${error}" answered with ${status}, but the contract's ${name} gives it ${entry.status}`;
  }
  return undefined;
}
