import { zodResolver } from '@hookform/resolvers/zod';
import { CreateRoleBody } from '@realmkit/contract';
import { useEffect } from 'react';
import { useForm } from 'react-hook-form';
import { useLocation } from 'wouter';
import { useCreateRole } from '../../api/roles.ts';
import { TextField } from '../../components/form-fields.tsx';
import { ActionButton } from '../../components/scope-hint.tsx';
import { useServerErrors } from '../../components/server-errors.tsx';
import { useRealmName } from '../realm-context.tsx';

/** A new role of the realm (its name unique there: 409 at the name); then its page, to give it scopes. */
export function CreateRoleForm({ onCancel }: { onCancel: () => void }) {
  const realm = useRealmName();
  const [, navigate] = useLocation();
  const form = useForm({
    resolver: zodResolver(CreateRoleBody),
    defaultValues: { name: '', description: undefined },
  });
  const create = useCreateRole(realm);
  const serverErrors = useServerErrors(form);

  useEffect(() => form.setFocus('name'), [form]);

  const onSubmit = form.handleSubmit(async (body) => {
    serverErrors.clear();
    try {
      const created = await create.mutateAsync(body);
      navigate(`/${created.data.id}`);
    } catch (error) {
      serverErrors.report(error);
    }
  });

  return (
    <section className="panel" aria-labelledby="create-role-title">
      <h2 id="create-role-title">New role</h2>
      <form onSubmit={onSubmit} noValidate>
        <div className="form-grid">
          <TextField
            form={form}
            name="name"
            label="Name"
            hint="Unique in the realm, such as editor."
            autoComplete="off"
            spellCheck={false}
          />
          <TextField
            form={form}
            name="description"
            label="Description (optional)"
            hint="What holding it allows."
            emptyAs="omit"
            autoComplete="off"
          />
        </div>
        {serverErrors.alert}
        <div className="actions">
          <ActionButton
            type="submit"
            variant="primary"
            scope="roles:write"
            pending={create.isPending}
            pendingLabel="Creating…"
          >
            Create role
          </ActionButton>
          <button type="button" className="button button-secondary" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
