import { initContract } from '@ts-rest/core';
import { requires } from '../common/metadata.ts';
import { withMiddleware } from '../common/middleware.ts';
import { listOf } from '../common/pagination.ts';
import { REALM_API_PATH } from '../common/paths.ts';
import { RealmPathParams } from '../common/primitives.ts';
import { REALM_MANAGEMENT_RESPONSES } from '../common/responses.ts';
import { TOKEN_EXCHANGE_AUDIT_ACTIONS } from '../oauth/token-exchange.ts';
import { AuditLog, AuditLogQuery } from './audit-log.schemas.ts';

const c = initContract();
const TAG = 'Audit logs';

/** `/api/v1/{realm}/audit-logs`: what the Management API changed in a realm, and who did it. */
export const auditLogsContract = c.router(
  withMiddleware({
    list: {
      method: 'GET',
      path: '',
      pathParams: RealmPathParams,
      query: AuditLogQuery,
      responses: { 200: listOf(AuditLog) },
      summary: 'List audit log entries',
      description:
        'Newest first. Every Management API write of the realm, successful or not, with its actor, action, target, ' +
        'request id and status; never the values sent. Every sign-in too (`user.signed_in`, `user.sign_in_failed`), ' +
        'the user as actor, with the client address and user agent. Every token exchange ' +
        `(\`${TOKEN_EXCHANGE_AUDIT_ACTIONS.exchanged}\`, and \`${TOKEN_EXCHANGE_AUDIT_ACTIONS.failed}\` once the client ` +
        'authenticated), the requesting application as actor, the subject as target. Filters combine: `action`, `actor` (client_id), ' +
        '`actor_user_id`, `target_type`, `target_id`, `from` (inclusive) and `to` (exclusive). Realm writes are in ' +
        "the master realm's log.",
      metadata: requires('audit-logs:read', TAG),
    },
  }),
  { pathPrefix: `${REALM_API_PATH}/audit-logs`, strictStatusCodes: true, commonResponses: REALM_MANAGEMENT_RESPONSES },
);
