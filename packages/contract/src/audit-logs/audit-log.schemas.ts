import { z } from 'zod';
import { PageQuery } from '../common/pagination.ts';
import { Id, Timestamp } from '../common/primitives.ts';

/** An audit action: `<noun>.<what happened>`, e.g. `user.created`, `application.secret_rotated`. */
const Action = z
  .string()
  .regex(/^[a-z_]+\.[a-z_]+$/, 'must look like `user.created`')
  .max(100)
  .meta({ example: 'user.created' });

/** The longest client address and user agent an entry keeps (longer ones are cut). */
export const MAX_AUDIT_IP_LENGTH = 64;
export const MAX_AUDIT_USER_AGENT_LENGTH = 512;

/**
 * One recorded Management API write, sign-in or token exchange. Never carries request values:
 * secrets, passwords, tokens and the identifiers typed at sign-in stay out.
 */
export const AuditLog = z
  .object({
    id: Id,
    action: Action.meta({ description: 'What was done, derived from the operation: `<noun>.<what happened>`.' }),
    outcome: z
      .enum(['success', 'failure'])
      .meta({ description: '`success` for a 2xx status, `failure` otherwise: a failed write changed nothing.' }),
    status: z.int().meta({ description: 'The HTTP status the request was answered with.', example: 201 }),
    actor: z
      .object({
        type: z.enum(['application', 'user']).meta({
          description:
            '`application`: a client with its own token, or exchanging a token. `user`: a user, signing in (to ' +
            'the application of `client_id`) or with a token they signed in for.',
        }),
        user_id: Id.nullable().meta({
          description: 'The user who acted; null for an application, and for a sign-in that named no user.',
        }),
        client_id: z.string().meta({ description: "The token's client, or the application signed in to." }),
        application_id: Id.nullable().meta({ description: 'Null when the application no longer exists.' }),
        realm_id: Id,
        realm_name: z.string(),
      })
      .meta({ description: "Who acted: the token's client (and user, for a user's token) and its realm." }),
    target: z.object({
      type: z.string().meta({ example: 'user' }),
      id: Id.nullable().meta({ description: 'Null when the request named no valid id (a create that failed).' }),
    }),
    realm_id: Id.meta({ description: 'The realm whose log holds the entry (realm writes: the master realm).' }),
    request: z.object({
      id: z.string().meta({ description: 'The `X-Request-Id` of the request, as in the server logs.' }),
      method: z.string(),
      path: z.string().meta({ description: 'The path, without the query string.' }),
    }),
    ip: z.string().max(MAX_AUDIT_IP_LENGTH).nullable().meta({
      description:
        'The client address of a sign-in or a token exchange (after `REALMKIT_TRUST_PROXY`); null for other entries.',
      example: '203.0.113.7',
    }),
    user_agent: z
      .string()
      .max(MAX_AUDIT_USER_AGENT_LENGTH)
      .nullable()
      .meta({
        description: `The \`User-Agent\` of a sign-in or a token exchange, at most ${MAX_AUDIT_USER_AGENT_LENGTH} characters; null for other entries.`,
      }),
    details: z
      .object({
        fields: z
          .array(z.string())
          .optional()
          .meta({ description: 'Names (never values) of the body fields sent, e.g. `["email", "password"]`.' }),
      })
      .catchall(z.union([z.string(), z.array(z.string())]))
      .meta({
        description:
          'Ids the request named besides the target (`role_id`, `resource_id`, `role_ids`...) and the names of ' +
          'the body fields sent; for a failed sign-in, `reason` (`invalid_credentials`, `suspended`, `delayed`). ' +
          'For a token exchange: `subject_sub`, `subject_client_id`, `actor` (and `prior_actors`, the subject ' +
          "token's own `act` chain), `audience` and the granted `scope`; when refused, `reason` (the OAuth error " +
          'code) and what of these was known.',
      }),
    created_at: Timestamp,
  })
  .meta({
    id: 'AuditLog',
    example: {
      id: '0199b2f6-3c6e-7d4a-9b1e-2f4f8a6c1d21',
      action: 'user.password_set',
      outcome: 'success',
      status: 200,
      actor: {
        type: 'application',
        user_id: null,
        client_id: 'DVcccvczKuOfNT1pXAU8aQ',
        application_id: '0199b2f6-3c6e-7d4a-9b1e-2f4f8a6c1d22',
        realm_id: '0199b2f6-3c6e-7d4a-9b1e-2f4f8a6c1d23',
        realm_name: 'master',
      },
      target: { type: 'user', id: '0199b2f6-3c6e-7d4a-9b1e-2f4f8a6c1d20' },
      realm_id: '0199b2f6-3c6e-7d4a-9b1e-2f4f8a6c1d24',
      request: {
        id: '5a0d6c1e-2b1f-4a8e-9d3c-7e6f5a4b3c2d',
        method: 'PATCH',
        path: '/api/v1/acme/users/0199b2f6-3c6e-7d4a-9b1e-2f4f8a6c1d20/password',
      },
      ip: null,
      user_agent: null,
      details: { fields: ['password'] },
      created_at: '2026-01-15T10:30:00.000Z',
    },
  });
export type AuditLog = z.infer<typeof AuditLog>;

const EARLIEST = Date.parse('0001-01-01T00:00:00Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * A time to filter by: an ISO 8601 date-time whose instant falls in years 0001..9999 (UTC), the
 * range PostgreSQL reads back from a JavaScript date (`0000-...` and `+010000-...` it refuses).
 */
const FilterTime = z.iso.datetime({ offset: true }).refine((time) => {
  const instant = Date.parse(time);
  return instant >= EARLIEST && instant <= LATEST;
}, 'must fall within the years 0001 to 9999 (UTC)');

/** Query of `GET /audit-logs`: the usual pages, and filters that all must match. */
export const AuditLogQuery = PageQuery.extend({
  action: Action.optional().meta({ description: 'Exactly this action, e.g. `user.created`.' }),
  actor: z.string().min(1).max(128).optional().meta({ description: 'The client_id of the actor.' }),
  actor_user_id: Id.optional().meta({ description: 'The user who acted: their sign-ins and what their tokens did.' }),
  target_type: z
    .string()
    .regex(/^[a-z_]+$/)
    .max(50)
    .optional()
    .meta({ description: 'The type of the target, e.g. `user`, `application`.' }),
  target_id: Id.optional().meta({ description: 'The id of the target.' }),
  from: FilterTime.optional().meta({
    description: 'Entries at or after this time (ISO 8601, years 0001 to 9999 in UTC).',
    example: '2026-01-01T00:00:00Z',
  }),
  to: FilterTime.optional().meta({
    description: 'Entries before this time (ISO 8601, years 0001 to 9999 in UTC).',
    example: '2026-02-01T00:00:00Z',
  }),
});
export type AuditLogQuery = z.infer<typeof AuditLogQuery>;
