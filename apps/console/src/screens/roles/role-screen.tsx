import { Link } from 'wouter';
import { useRole } from '../../api/roles.ts';
import { CopyButton } from '../../components/copy-button.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { QueryState } from '../../components/query-state.tsx';
import { Timestamp } from '../../components/timestamp.tsx';
import { useRealmName } from '../realm-context.tsx';
import { DeleteRole } from './delete-role.tsx';
import { RoleForm } from './role-form.tsx';
import { RoleScopesPanel } from './role-scopes-panel.tsx';

/** `/realms/:realm/roles/:id`: one role, its name and description, its scopes. */
export function RoleScreen({ id }: { id: string }) {
  const realm = useRealmName();
  const role = useRole(realm, id);
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/">Roles</Link>
      </nav>
      <QueryState query={role} what="the role">
        {(loaded) => (
          <>
            <PageHeader title={`Role ${loaded.data.name}`} context={realm} />
            <dl className="details-list">
              <dt>Id</dt>
              <dd>
                <code>{loaded.data.id}</code> <CopyButton value={loaded.data.id} label="the role id" />
              </dd>
              <dt>Created</dt>
              <dd>
                <Timestamp value={loaded.data.created_at} />
              </dd>
              <dt>Updated</dt>
              <dd>
                <Timestamp value={loaded.data.updated_at} />
              </dd>
            </dl>
            <RoleForm latest={loaded} reload={async () => (await role.refetch()).data} />
            <RoleScopesPanel roleId={id} />
            <DeleteRole role={loaded.data} etag={loaded.etag} reload={() => void role.refetch()} />
          </>
        )}
      </QueryState>
    </>
  );
}
