/**
 * The audit log of `realm` with filters set (`{ actor_user_id }`, `{ target_type, target_id }`):
 * for links from other screens. Apart from the screen, so that linking does not load it.
 */
export function auditLogHref(
  realm: string,
  filters: Partial<Record<'action' | 'actor' | 'actor_user_id' | 'target_type' | 'target_id', string>>,
): string {
  const query = new URLSearchParams(filters as Record<string, string>).toString();
  return `/realms/${encodeURIComponent(realm)}/audit-log${query ? `?${query}` : ''}`;
}
