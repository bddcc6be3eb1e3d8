import { Link } from 'wouter';
import { useUser } from '../../api/users.ts';
import { useAuth } from '../../auth/auth-provider.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { QueryState } from '../../components/query-state.tsx';
import { consoleBase } from '../../config.ts';
import { auditLogHref } from '../audit-log/link.ts';
import { useRealmName } from '../realm-context.tsx';
import { SetPasswordForm } from './set-password-form.tsx';
import { SignInFailuresPanel } from './sign-in-failures-panel.tsx';
import { UserAccountPanel } from './user-account-panel.tsx';
import { UserBadges } from './user-badges.tsx';
import { UserProfileForm } from './user-profile-form.tsx';
import { UserRolesPanel } from './user-roles-panel.tsx';
import { UserSessionsPanel } from './user-sessions-panel.tsx';

/** `/realms/:realm/users/:id`: one user, each thing an admin does with it in its own panel. */
export function UserScreen({ id }: { id: string }) {
  const realm = useRealmName();
  const user = useUser(realm, id);
  const { can } = useAuth();
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/">Users</Link>
      </nav>
      <QueryState query={user} what="the user">
        {(loaded) => (
          <>
            <PageHeader title={loaded.data.email} context={realm}>
              <UserBadges user={loaded.data} />
            </PageHeader>
            {can('audit-logs:read') && (
              <ul className="inline-links" aria-label="In the audit log">
                <li>
                  <Link href={`~${consoleBase}${auditLogHref(realm, { actor_user_id: id })}`}>
                    What this user did (audit log)
                  </Link>
                </li>
                <li>
                  <Link href={`~${consoleBase}${auditLogHref(realm, { target_id: id })}`}>
                    Changes to this user (audit log)
                  </Link>
                </li>
              </ul>
            )}
            <UserProfileForm latest={loaded} reload={async () => (await user.refetch()).data} />
            <UserAccountPanel latest={loaded} reload={() => void user.refetch()} />
            <SetPasswordForm user={loaded.data} />
            <UserRolesPanel userId={id} />
            <UserSessionsPanel userId={id} />
            <SignInFailuresPanel userId={id} />
          </>
        )}
      </QueryState>
    </>
  );
}
