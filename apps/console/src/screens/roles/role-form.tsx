import { zodResolver } from '@hookform/resolvers/zod';
import { UpdateRoleBody } from '@realmkit/contract';
import type { Role } from '@realmkit/sdk';
import { useUpdateRole } from '../../api/roles.ts';
import type { Versioned } from '../../api/versioned.ts';
import { EditPanel } from '../../components/edit-panel.tsx';
import { TextField } from '../../components/form-fields.tsx';
import { useVersionedEdit } from '../../components/use-versioned-edit.ts';
import { useRealmName } from '../realm-context.tsx';

function valuesOf(role: Role) {
  return { name: role.name, description: role.description };
}

/** The role's name and description, saved only over the version shown (If-Match): a concurrent change is a 412. */
export function RoleForm({
  latest,
  reload,
}: {
  latest: Versioned<Role>;
  reload: () => Promise<Versioned<Role> | undefined>;
}) {
  const realm = useRealmName();
  const edit = useVersionedEdit({
    latest,
    reload,
    valuesOf,
    resolver: zodResolver(UpdateRoleBody),
    what: 'role',
    update: useUpdateRole(realm, latest.data.id),
    messages: {
      reloaded: 'Reloaded the current role.',
      nothingToSave: 'Nothing to save: no field was changed.',
      saved: 'Role saved.',
    },
  });
  const { form } = edit;

  return (
    <EditPanel
      titleId="role-form-title"
      title="Name and description"
      edit={edit}
      scope="roles:write"
      submitLabel="Save role"
    >
      <div className="form-grid">
        <TextField
          form={form}
          name="name"
          label="Name"
          hint="Unique in the realm."
          autoComplete="off"
          spellCheck={false}
        />
        <TextField
          form={form}
          name="description"
          label="Description"
          hint="What holding it allows."
          emptyAs="null"
          autoComplete="off"
        />
      </div>
    </EditPanel>
  );
}
