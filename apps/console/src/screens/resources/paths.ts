import { consoleBase } from '../../config.ts';

/** The list of the realm's API resources, from anywhere (`/` in this section would add a trailing slash). */
export function listPath(realm: string): string {
  return `~${consoleBase}/realms/${encodeURIComponent(realm)}/resources`;
}
