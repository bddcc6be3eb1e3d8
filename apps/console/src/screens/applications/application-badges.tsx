import type { Application } from '@realmkit/sdk';
import { isBuiltIn } from './client-settings.tsx';

/** "Built in" on the realm's console application; nothing on the others. */
export function ApplicationBadges({ application }: { application: Application }) {
  if (!isBuiltIn(application)) return null;
  return (
    <span className="badges">
      <span className="badge">Built in</span>
    </span>
  );
}
