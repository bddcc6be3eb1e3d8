import { zodResolver } from '@hookform/resolvers/zod';
import { UpdateRoleBody } from '@realmkit/contract';
import type { Role } from '@realmkit/sdk';
import { useState } from 'react';
import { useUpdateRole } from '../../api/roles.ts';
import type { Versioned } from '../../api/versioned.ts';
import { useAuth } from '../../auth/auth-provider.tsx';
import { StatusMessage } from '../../components/alerts.tsx';
import { changedValues, TextField } from '../../components/form-fields.tsx';
import { ActionButton } from '../../components/scope-hint.tsx';
import { useServerErrors } from '../../components/server-errors.tsx';
import { useVersionedForm } from '../../components/use-versioned-form.ts';
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
  const { can } = useAuth();
  const { form, etag, adopt } = useVersionedForm(latest, valuesOf, zodResolver(UpdateRoleBody));
  const update = useUpdateRole(realm, latest.data.id);
  const [status, setStatus] = useState('');
  const serverErrors = useServerErrors(form, {
    what: 'role',
    onReload: () =>
      void reload().then((fresh) => {
        if (fresh) adopt(fresh);
        setStatus('Reloaded the current role.');
      }),
  });

  const onSubmit = form.handleSubmit(async (values) => {
    serverErrors.clear();
    setStatus('');
    const body = changedValues(values, form.formState.dirtyFields);
    if (Object.keys(body).length === 0) {
      setStatus('Nothing to save: no field was changed.');
      return;
    }
    try {
      adopt(await update.mutateAsync({ body, etag }));
      setStatus('Role saved.');
    } catch (error) {
      serverErrors.report(error);
    }
  });

  return (
    <section className="panel" aria-labelledby="role-form-title">
      <h2 id="role-form-title">Name and description</h2>
      <form onSubmit={onSubmit} noValidate>
        <fieldset disabled={!can('roles:write')}>
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
        </fieldset>
        {serverErrors.alert}
        <div className="actions">
          <ActionButton
            type="submit"
            variant="primary"
            scope="roles:write"
            pending={update.isPending}
            pendingLabel="Saving…"
          >
            Save role
          </ActionButton>
        </div>
        <StatusMessage>{status}</StatusMessage>
      </form>
    </section>
  );
}
