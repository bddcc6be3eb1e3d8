import { zodResolver } from '@hookform/resolvers/zod';
import { CreateRealmBody } from '@realmkit/contract';
import { useEffect } from 'react';
import { useForm } from 'react-hook-form';
import { useLocation } from 'wouter';
import { useCreateRealm } from '../../api/realms.ts';
import { TextField } from '../../components/form-fields.tsx';
import { ActionButton } from '../../components/scope-hint.tsx';
import { useServerErrors } from '../../components/server-errors.tsx';

/** A new realm: its name (immutable) and display name; then its settings page. */
export function CreateRealmForm({ onCancel }: { onCancel: () => void }) {
  const [, navigate] = useLocation();
  const form = useForm({
    resolver: zodResolver(CreateRealmBody),
    defaultValues: { name: '', display_name: undefined },
  });
  const create = useCreateRealm();
  const serverErrors = useServerErrors(form);

  useEffect(() => form.setFocus('name'), [form]);

  const onSubmit = form.handleSubmit(async (body) => {
    serverErrors.clear();
    try {
      const created = await create.mutateAsync(body);
      navigate(`/realms/${encodeURIComponent(created.data.name)}`);
    } catch (error) {
      serverErrors.report(error);
    }
  });

  return (
    <section className="panel" aria-labelledby="create-realm-title">
      <h2 id="create-realm-title">New realm</h2>
      <form onSubmit={onSubmit} noValidate>
        <div className="form-grid">
          <TextField
            form={form}
            name="name"
            label="Name"
            hint="Lowercase letters, digits and hyphens; used in URLs and token issuers. It cannot be changed."
            autoComplete="off"
            spellCheck={false}
          />
          <TextField
            form={form}
            name="display_name"
            label="Display name"
            hint="Shown on the login page."
            emptyAs="omit"
          />
        </div>
        {serverErrors.alert}
        <div className="actions">
          <ActionButton
            type="submit"
            variant="primary"
            scope="realms:write"
            pending={create.isPending}
            pendingLabel="Creating…"
          >
            Create realm
          </ActionButton>
          <button type="button" className="button button-secondary" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
