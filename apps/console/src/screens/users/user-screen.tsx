import { Link } from 'wouter';
import { useUser } from '../../api/users.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { QueryState } from '../../components/query-state.tsx';
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
