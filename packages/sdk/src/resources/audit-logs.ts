import { contract } from '@realmkit/contract';
import { APIResource } from '../core/api-client.ts';
import type { RequestOptions } from '../core/http.ts';
import type { PagePromise } from '../core/pagination.ts';
import type { ListItem, RequestQuery } from '../core/route-types.ts';

const routes = contract.auditLogs;

export type AuditLog = ListItem<typeof routes.list>;
export type AuditLogListParams = RequestQuery<typeof routes.list>;

/** `rk.auditLogs`: the realm's record of Management API writes; needs `audit-logs:read`. */
export class AuditLogs extends APIResource {
  /**
   * Newest first; filters combine: `action`, `actor` (client_id), `target_type`, `target_id`,
   * `from` (inclusive) and `to` (exclusive).
   *
   * @example
   * for await (const entry of rk.auditLogs.list({ action: 'user.deleted' })) console.log(entry.actor.client_id);
   */
  list(query?: AuditLogListParams, options?: RequestOptions): PagePromise<AuditLog> {
    return this.client.list(routes.list, { query }, options);
  }
}
