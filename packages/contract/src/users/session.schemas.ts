import { z } from 'zod';
import { Id, RealmIdPathParams, Timestamp } from '../common/primitives.ts';
import { SESSION_IDLE_TTL_SECONDS, SESSION_MAX_TTL_SECONDS } from '../oauth/oidc.ts';

/** Characters of a session's `User-Agent` kept (the rest is cut off); of its IP address, more than any IPv6 text needs. */
export const SESSION_USER_AGENT_MAX_LENGTH = 512;
export const SESSION_IP_MAX_LENGTH = 64;

/** `.../users/{id}/sessions/{sessionId}`: one login session of a user. */
export const RealmIdSessionIdPathParams = RealmIdPathParams.extend({ sessionId: Id });

/** An application a session signed in to. */
export const SessionApplication = z
  .object({
    id: Id,
    client_id: z.string(),
    name: z.string(),
  })
  .meta({ id: 'SessionApplication' });
export type SessionApplication = z.infer<typeof SessionApplication>;

/** A user's live login session (single sign-on in one browser), as an administrator sees it. */
export const UserSession = z
  .object({
    id: Id,
    created_at: Timestamp.meta({ description: 'When the user signed in (typed their password).' }),
    last_seen_at: Timestamp.meta({
      description: `When the session was last used (kept to the minute); unused for ${SESSION_IDLE_TTL_SECONDS / 3600} h, it ends.`,
    }),
    expires_at: Timestamp.meta({
      description: `Its absolute end, ${SESSION_MAX_TTL_SECONDS / 86400} days after sign-in.`,
    }),
    ip: z
      .string()
      .max(SESSION_IP_MAX_LENGTH)
      .nullable()
      .meta({ description: 'The address the sign-in came from, as the server saw it (REALMKIT_TRUST_PROXY).' }),
    user_agent: z
      .string()
      .max(SESSION_USER_AGENT_MAX_LENGTH)
      .nullable()
      .meta({
        description: `The browser's User-Agent at sign-in, cut to ${SESSION_USER_AGENT_MAX_LENGTH} characters.`,
      }),
    applications: z
      .array(SessionApplication)
      .meta({ description: 'The applications signed in through this session, first first. Deleted ones drop out.' }),
  })
  .meta({ id: 'UserSession' });
export type UserSession = z.infer<typeof UserSession>;
