import { MAX_AUTHORIZATION_PARAMETER_LENGTH, PROMPT_VALUES } from '@realmkit/contract';
import type { Application } from '../applications/application.entity.ts';
import { OAuthError } from '../oauth-protocol/oauth-error.ts';
import type { OAuthForm } from '../oauth-protocol/oauth-form-body.ts';
import { S256_CHALLENGE } from '../oauth-protocol/pkce.ts';

/** An authorization request that passed every check (OIDC Core §3.1.2.2), as the login form carries it on. */
export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  state: string | null;
  nonce: string | null;
  codeChallenge: string;
  scopes: string[];
  resource: string | null;
  prompt: string[];
  maxAge: number | null;
}

/**
 * An authorization request that cannot be sent back to its client: no such client, or a redirect
 * URI that is not one of its own (RFC 6749 §4.1.2.1: the user is told, never redirected).
 */
export class SignInPageError extends Error {
  override name = 'SignInPageError';
  readonly status: number;
  readonly title: string;

  constructor(status: number, title: string, message: string) {
    super(message);
    this.status = status;
    this.title = title;
  }
}

/** An error to send to the client's redirect URI (RFC 6749 §4.1.2.1), with the request's `state`. */
export class RedirectableError extends Error {
  override name = 'RedirectableError';
  readonly error: OAuthError;
  readonly redirectUri: string;
  readonly state: string | null;

  constructor(error: OAuthError, redirectUri: string, state: string | null) {
    super(error.message);
    this.error = error;
    this.redirectUri = redirectUri;
    this.state = state;
  }
}

/** RFC 6749 §3.3 scope-token: printable ASCII but space, `"` and `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
const MAX_AGE = /^\d{1,9}$/;

/** One parameter: absent, or a single value of bounded length (§3.1: none may repeat). */
function single(params: OAuthForm, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new OAuthError('invalid_request', `The ${name} parameter is repeated`);
  if (value.length > MAX_AUTHORIZATION_PARAMETER_LENGTH || value.includes('\u0000')) {
    throw new OAuthError('invalid_request', `The ${name} parameter is too long or malformed`);
  }
  return value;
}

const UNKNOWN_APPLICATION = () =>
  new SignInPageError(
    400,
    'Unknown application',
    'The application that sent you here is not registered in this realm. Go back and try again, or contact its owner.',
  );

/**
 * Checks an authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core §3.1.2.1): first
 * the client and its exact redirect URI, whose failures are shown on a page; then everything else,
 * whose failures go back to that redirect URI.
 */
export async function checkAuthorizationRequest(
  params: OAuthForm,
  lookups: {
    client(clientId: string): Promise<Application | null>;
    resourceExists(indicator: string): Promise<boolean>;
  },
): Promise<{ client: Application; request: AuthorizationRequest }> {
  let clientId: string | undefined;
  let redirectUri: string | undefined;
  try {
    clientId = single(params, 'client_id');
    redirectUri = single(params, 'redirect_uri');
  } catch {
    throw UNKNOWN_APPLICATION();
  }
  const client = clientId ? await lookups.client(clientId) : null;
  if (!client) throw UNKNOWN_APPLICATION();
  // Exact string comparison (RFC 9700 §2.1, OAuth 2.1 §2.3.1); OIDC makes the parameter required.
  if (!redirectUri || !client.redirectUris.includes(redirectUri)) {
    throw new SignInPageError(
      400,
      'Sign-in cannot continue',
      `The redirect address the application sent is not registered for ${client.name}. Nothing was sent back to it.`,
    );
  }

  let state: string | null = null;
  try {
    state = single(params, 'state') ?? null;
  } catch (error) {
    throw new RedirectableError(error as OAuthError, redirectUri, null);
  }
  try {
    const responseType = single(params, 'response_type');
    if (!responseType) throw new OAuthError('invalid_request', 'The response_type parameter is required');
    if (responseType !== 'code')
      throw new OAuthError('unsupported_response_type', 'Only response_type=code is supported');
    if (!client.grantTypes.includes('authorization_code')) {
      throw new OAuthError('unauthorized_client', 'This client may not use the authorization code flow');
    }
    if (params.request !== undefined || params.request_uri !== undefined) {
      throw new OAuthError('invalid_request', 'Request objects (request, request_uri) are not supported');
    }
    const codeChallenge = single(params, 'code_challenge');
    const method = single(params, 'code_challenge_method');
    if (!codeChallenge) throw new OAuthError('invalid_request', 'PKCE is required: send code_challenge (S256)');
    // RFC 7636 §4.3: an absent method means plain, which OAuth 2.1 no longer allows.
    if (method !== 'S256') throw new OAuthError('invalid_request', 'code_challenge_method must be S256');
    if (!S256_CHALLENGE.test(codeChallenge)) throw new OAuthError('invalid_request', 'The code_challenge is malformed');

    const scopes = [...new Set((single(params, 'scope') ?? '').split(' ').filter(Boolean))];
    if (scopes.some((scope) => !SCOPE_TOKEN.test(scope))) {
      throw new OAuthError('invalid_scope', 'The scope parameter is malformed');
    }
    const resource = single(params, 'resource') ?? null;
    if (resource !== null && !(await lookups.resourceExists(resource))) {
      throw new OAuthError('invalid_target', `Unknown resource: ${resource}`);
    }
    const prompt = [...new Set((single(params, 'prompt') ?? '').split(' ').filter(Boolean))];
    if (prompt.some((value) => !(PROMPT_VALUES as readonly string[]).includes(value))) {
      throw new OAuthError('invalid_request', `prompt may hold ${PROMPT_VALUES.join(', ')}`);
    }
    if (prompt.includes('none') && prompt.length > 1) {
      throw new OAuthError('invalid_request', 'prompt=none cannot be combined with another value');
    }
    const maxAgeText = single(params, 'max_age');
    if (maxAgeText !== undefined && !MAX_AGE.test(maxAgeText)) {
      throw new OAuthError('invalid_request', 'max_age must be a whole number of seconds');
    }
    return {
      client,
      request: {
        clientId: client.clientId,
        redirectUri,
        state,
        nonce: single(params, 'nonce') ?? null,
        codeChallenge,
        scopes,
        resource,
        prompt,
        maxAge: maxAgeText === undefined ? null : Number(maxAgeText),
      },
    };
  } catch (error) {
    if (error instanceof OAuthError) throw new RedirectableError(error, redirectUri, state);
    throw error;
  }
}
