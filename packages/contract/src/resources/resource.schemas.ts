import { z } from 'zod';
import { Id, Timestamp } from '../common/primitives.ts';

export const MIN_ACCESS_TOKEN_TTL = 60;
export const MAX_ACCESS_TOKEN_TTL = 86_400;
export const DEFAULT_ACCESS_TOKEN_TTL = 3600;

/**
 * What a resource indicator may be, in words: the schema's description (so the OpenAPI document
 * says it) and {@link resourceIndicatorProblem} (what the server checks) are this one rule.
 */
export const RESOURCE_INDICATOR_RULE =
  'An absolute URI without a fragment (RFC 8707 §2): an `https:` URL (`http:` only on a loopback host: ' +
  "`localhost`, `127.0.0.0/8`, `[::1]`) or a `urn:`, without user information. URLs under the server's " +
  'public URL (`REALMKIT_ISSUER_URL`) are reserved for the built-in Management API audiences. ' +
  'Breaking this rule answers 422 with a detail on `indicator`.';

/** RFC 8707: an absolute URI without a fragment. It becomes the `aud` of the resource's tokens. */
export const ResourceIndicator = z
  .url()
  .max(2048)
  .refine((uri) => !uri.includes('#'), 'must not contain a fragment (RFC 8707)')
  .meta({
    description: `The \`aud\` of tokens for this API. ${RESOURCE_INDICATOR_RULE}`,
    example: 'https://api.myapp.com',
  });

/** RFC 8141 §2: `urn:<NID>:<NSS>`. */
const URN = /^urn:[a-z0-9][a-z0-9-]{0,30}[a-z0-9]:[^\s]+$/i;

function isLoopback(hostname: string): boolean {
  // WHATWG URL has already normalised the host: lower case, IPv4 in dotted decimal, IPv6 in brackets.
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/**
 * Whether `indicator` lies under the server's public URL `baseUrl`, which is reserved for the
 * built-in Management APIs' audiences.
 */
export function isReservedIndicator(indicator: string, baseUrl: string): boolean {
  try {
    return isUnder(new URL(indicator), new URL(baseUrl));
  } catch {
    return false;
  }
}

/** Whether `url` is `base` or under it: the same origin, and `base`'s path as whole segments. */
function isUnder(url: URL, base: URL): boolean {
  if (url.origin !== base.origin) return false;
  const basePath = base.pathname.replace(/\/+$/, '');
  return basePath === '' || url.pathname === basePath || url.pathname.startsWith(`${basePath}/`);
}

/**
 * Why `indicator` may not be a resource indicator on the server whose public URL is `baseUrl`
 * ({@link RESOURCE_INDICATOR_RULE}), or `undefined` when it may. The reserved prefix comes first:
 * a realm that could name another realm's Management API as its resource would mint tokens with
 * that audience.
 *
 * @example
 * resourceIndicatorProblem('https://auth.example.com/api/v1/master', 'https://auth.example.com');
 * // 'is reserved: URLs under https://auth.example.com are the audiences of the built-in Management APIs'
 */
export function resourceIndicatorProblem(indicator: string, baseUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(indicator);
  } catch {
    return 'must be an absolute URI';
  }
  if (isUnder(url, new URL(baseUrl))) {
    return `is reserved: URLs under ${baseUrl} are the audiences of the built-in Management APIs`;
  }
  if (indicator.includes('#')) return 'must not contain a fragment (RFC 8707)';
  if (url.protocol === 'urn:') return URN.test(indicator) ? undefined : 'must be a URN: urn:<namespace>:<name>';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    return 'must be an https: URL (http: only on a loopback host) or a urn:';
  }
  // The authority as written: `https://@host` has an empty user name that URL would not show.
  const authority = indicator.slice(indicator.indexOf('//') + 2).split(/[/?#]/, 1)[0] ?? '';
  if (authority.includes('@')) return 'must not contain user information';
  return undefined;
}

export const AccessTokenTtl = z
  .int()
  .min(MIN_ACCESS_TOKEN_TTL)
  .max(MAX_ACCESS_TOKEN_TTL)
  .meta({
    description: `Lifetime of access tokens for this resource, in seconds: ${MIN_ACCESS_TOKEN_TTL}..${MAX_ACCESS_TOKEN_TTL}.`,
    example: DEFAULT_ACCESS_TOKEN_TTL,
  });

const ResourceName = z.string().trim().min(1).max(256);
const Description = z.string().max(1024);

/** RFC 6749 §3.3 scope-token: printable ASCII without space, `"` or `\`. */
export const ScopeName = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'must be printable ASCII without spaces, quotes or backslashes')
  .meta({ example: 'read:posts' });

export const Resource = z
  .object({
    id: Id,
    name: z.string(),
    indicator: z.string(),
    access_token_ttl: z.int(),
    is_management_api: z
      .boolean()
      .meta({ description: "The realm's built-in Management API: listed and assignable, but read-only." }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'Resource' });
export type Resource = z.infer<typeof Resource>;

export const CreateResourceBody = z
  .strictObject({
    name: ResourceName,
    indicator: ResourceIndicator.meta({
      description: `Unique in the realm and immutable; the \`aud\` of tokens for this API. ${RESOURCE_INDICATOR_RULE}`,
    }),
    access_token_ttl: AccessTokenTtl.default(DEFAULT_ACCESS_TOKEN_TTL),
  })
  .meta({ id: 'CreateResource', example: { name: 'My API', indicator: 'https://api.myapp.com' } });
export type CreateResourceBody = z.infer<typeof CreateResourceBody>;

export const UpdateResourceBody = z
  .strictObject({
    name: ResourceName.optional(),
    access_token_ttl: AccessTokenTtl.optional(),
  })
  .meta({
    id: 'UpdateResource',
    description: 'The indicator is immutable: tokens already issued carry it as their audience.',
    example: { access_token_ttl: 900 },
  });
export type UpdateResourceBody = z.infer<typeof UpdateResourceBody>;

export const Scope = z
  .object({
    id: Id,
    resource_id: Id,
    name: z.string(),
    description: z.string().nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'Scope' });
export type Scope = z.infer<typeof Scope>;

export const CreateScopeBody = z
  .strictObject({
    name: ScopeName.meta({ description: 'Unique within the resource.' }),
    description: Description.optional(),
  })
  .meta({ id: 'CreateScope', example: { name: 'read:posts', description: 'Read blog posts' } });
export type CreateScopeBody = z.infer<typeof CreateScopeBody>;

export const UpdateScopeBody = z
  .strictObject({
    name: ScopeName.optional(),
    description: Description.nullable().optional(),
  })
  .meta({ id: 'UpdateScope', example: { description: 'Read all blog posts' } });
export type UpdateScopeBody = z.infer<typeof UpdateScopeBody>;
