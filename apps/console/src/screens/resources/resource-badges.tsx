import type { Resource } from '@realmkit/sdk';

/** The realm's built-in Management API: listed and assignable, but read-only. */
export function BuiltInBadge({ resource }: { resource: Resource }) {
  if (!resource.is_management_api) return null;
  return <span className="badge">Built in, read-only</span>;
}
