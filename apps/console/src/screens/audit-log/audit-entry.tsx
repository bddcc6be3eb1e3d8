import type { AuditLog } from '@realmkit/sdk';
import { Link } from 'wouter';
import { useAuth } from '../../auth/auth-provider.tsx';
import { CopyButton } from '../../components/copy-button.tsx';
import { consoleBase } from '../../config.ts';
import { type AuditFilters, FILTER_NAMES, searchOf } from './filters.ts';

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** An entry's time to the second, in the admin's time zone (machine-readable in `dateTime`). */
export function EntryTime({ value }: { value: string }) {
  return <time dateTime={value}>{timeFormat.format(new Date(value))}</time>;
}

/** The first characters of an id: enough to tell entries apart in the table; the details have it all. */
export function shortId(id: string): string {
  return id.length > 8 ? `${id.slice(0, 8)}…` : id;
}

/** The console's page of a target, for the types it has pages of. */
const TARGET_SECTIONS: Record<string, string> = {
  user: 'users',
  application: 'applications',
  role: 'roles',
  resource: 'resources',
};

/** The console path of a target of this realm's log, if it has a page. */
export function targetPath(realm: string, entry: AuditLog): string | undefined {
  const section = TARGET_SECTIONS[entry.target.type];
  if (!section || !entry.target.id) return undefined;
  return `~${consoleBase}/realms/${encodeURIComponent(realm)}/${section}/${entry.target.id}`;
}

/** The console path of the user who acted, when the admin manages the user's realm. */
export function useActorUserPath(entry: AuditLog): string | undefined {
  const { isMaster, realm: signedInTo } = useAuth();
  const { user_id: userId, realm_name: actorRealm } = entry.actor;
  if (!userId || !(isMaster || actorRealm === signedInTo)) return undefined;
  return `~${consoleBase}/realms/${encodeURIComponent(actorRealm)}/users/${userId}`;
}

/** The log filtered to `filters` alone. */
function filteredHref(filters: Partial<AuditFilters>): string {
  const all = Object.fromEntries(FILTER_NAMES.map((name) => [name, filters[name] ?? ''])) as unknown as AuditFilters;
  return searchOf(all) || '/';
}

/** Everything an entry holds: the request, the actor, the target, the ids and field names sent. */
export function AuditEntryDetails({ entry, id, realm }: { entry: AuditLog; id: string; realm: string }) {
  const userPath = useActorUserPath(entry);
  const target = targetPath(realm, entry);
  const { fields, ...ids } = entry.details;
  const otherIds = Object.entries(ids) as [string, string | string[]][];
  return (
    <div id={id} className="audit-entry">
      <dl className="details-list">
        <dt>Entry id</dt>
        <dd>
          <code>{entry.id}</code>
        </dd>
        <dt>Outcome</dt>
        <dd>
          {entry.outcome === 'success' ? 'Succeeded' : 'Failed: nothing was changed'} (HTTP {entry.status})
        </dd>
        <dt>Request</dt>
        <dd>
          <code>
            {entry.request.method} {entry.request.path}
          </code>
        </dd>
        <dt>Request id</dt>
        <dd>
          <code>{entry.request.id}</code> <CopyButton value={entry.request.id} label="the request id" />
        </dd>
        <dt>Actor</dt>
        <dd>
          {entry.actor.type === 'user' ? 'A user' : 'An application'}, client <code>{entry.actor.client_id}</code>
          {entry.actor.application_id === null && ' (its application no longer exists)'}, realm {entry.actor.realm_name}
        </dd>
        {entry.actor.user_id && (
          <>
            <dt>Actor user id</dt>
            <dd>
              {userPath ? <Link href={userPath}>{entry.actor.user_id}</Link> : <code>{entry.actor.user_id}</code>}
            </dd>
          </>
        )}
        <dt>Target</dt>
        <dd>
          {entry.target.type}{' '}
          {entry.target.id ? (
            target ? (
              <Link href={target}>{entry.target.id}</Link>
            ) : (
              <code>{entry.target.id}</code>
            )
          ) : (
            '(no id: the request named none that exists)'
          )}
        </dd>
        {fields && fields.length > 0 && (
          <>
            <dt>Fields sent</dt>
            <dd>{fields.join(', ')}</dd>
          </>
        )}
        {otherIds.map(([name, value]) => (
          <DetailRow key={name} name={name} value={value} />
        ))}
        {entry.ip && (
          <>
            <dt>Client address</dt>
            <dd>
              <code>{entry.ip}</code>
            </dd>
          </>
        )}
        {entry.user_agent && (
          <>
            <dt>User agent</dt>
            <dd>
              <code>{entry.user_agent}</code>
            </dd>
          </>
        )}
      </dl>
      <ul className="inline-links">
        <li>
          <Link
            href={filteredHref(
              entry.actor.user_id ? { actor_user_id: entry.actor.user_id } : { actor: entry.actor.client_id },
            )}
          >
            Every entry of this actor
          </Link>
        </li>
        {entry.target.id && (
          <li>
            <Link href={filteredHref({ target_type: entry.target.type, target_id: entry.target.id })}>
              Every entry of this target
            </Link>
          </li>
        )}
        <li>
          <Link href={filteredHref({ action: entry.action })}>Every {entry.action} entry</Link>
        </li>
      </ul>
    </div>
  );
}

function DetailRow({ name, value }: { name: string; value: string | string[] }) {
  const values = Array.isArray(value) ? value : [value];
  return (
    <>
      <dt>{sentenceCase(name.replaceAll('_', ' '))}</dt>
      <dd>
        {values.map((item, index) => (
          <span key={item}>
            {index > 0 && ', '}
            <code>{item}</code>
          </span>
        ))}
      </dd>
    </>
  );
}

/** "role ids" → "Role ids". */
function sentenceCase(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
