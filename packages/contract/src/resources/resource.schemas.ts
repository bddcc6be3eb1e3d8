import { z } from 'zod';
import { Id, Timestamp } from '../common/primitives.ts';

export const MIN_ACCESS_TOKEN_TTL = 60;
export const MAX_ACCESS_TOKEN_TTL = 86_400;
export const DEFAULT_ACCESS_TOKEN_TTL = 3600;

/** RFC 8707: an absolute URI without a fragment. It becomes the `aud` of the resource's tokens. */
export const ResourceIndicator = z
  .url()
  .max(2048)
  .refine((uri) => !uri.includes('#'), 'must not contain a fragment (RFC 8707)')
  .meta({
    description: 'Absolute URI without a fragment; the `aud` of tokens for this API.',
    example: 'https://api.myapp.com',
  });

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
    indicator: ResourceIndicator.meta({ description: 'Unique in the realm and immutable.' }),
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
