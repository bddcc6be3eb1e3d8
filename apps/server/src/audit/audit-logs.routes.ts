import { contract } from '@realmkit/contract';
import { initServer } from '@ts-rest/express';
import { targetRealm } from '../http/bearer-auth.ts';
import { listBody } from '../http/list-body.ts';
import { presentAuditLog } from './audit-log.presenter.ts';
import type { AuditLogService } from './audit-log.service.ts';

/** `/api/v1/{realm}/audit-logs`: a realm token reads its own realm's log, a master token any realm's. */
export function auditLogsRoutes(auditLogs: AuditLogService) {
  return initServer().router(contract.auditLogs, {
    list: async ({ query, res }) => ({
      status: 200,
      body: listBody(await auditLogs.list(targetRealm(res).id, query), presentAuditLog),
    }),
  });
}
