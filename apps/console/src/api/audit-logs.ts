import type { AuditLogListParams } from '@realmkit/sdk';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { listPage } from './pages.ts';
import { queryKeys } from './query-keys.ts';
import { useRealmkit } from './realmkit.ts';

/**
 * A page of the realm's audit log, newest first. Read again whenever the screen opens: every
 * write anywhere adds to it, so what was read a moment ago is already old.
 */
export function useAuditLogs(realm: string, query: AuditLogListParams, options: { enabled?: boolean } = {}) {
  const rk = useRealmkit(realm);
  return useQuery({
    queryKey: queryKeys.auditLogs.list(realm, query),
    queryFn: () => listPage(rk.auditLogs.list(query)),
    placeholderData: keepPreviousData,
    staleTime: 0,
    enabled: options.enabled ?? true,
  });
}
