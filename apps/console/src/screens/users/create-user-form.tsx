import { zodResolver } from '@hookform/resolvers/zod';
import { CreateUserBody } from '@realmkit/contract';
import { useEffect } from 'react';
import { useForm } from 'react-hook-form';
import { useLocation } from 'wouter';
import { useCreateUser } from '../../api/users.ts';
import { CheckboxField, TextField } from '../../components/form-fields.tsx';
import { ActionButton } from '../../components/scope-hint.tsx';
import { useServerErrors } from '../../components/server-errors.tsx';
import { useRealmName } from '../realm-context.tsx';

/** A new user of the realm; then the user's page. The password is checked by the realm's policy (422). */
export function CreateUserForm({ onCancel }: { onCancel: () => void }) {
  const realm = useRealmName();
  const [, navigate] = useLocation();
  const form = useForm({
    resolver: zodResolver(CreateUserBody),
    defaultValues: {
      email: '',
      username: undefined,
      name: undefined,
      given_name: undefined,
      family_name: undefined,
      password: undefined,
      email_verified: false,
    },
  });
  const create = useCreateUser(realm);
  const serverErrors = useServerErrors(form);

  useEffect(() => form.setFocus('email'), [form]);

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
    <section className="panel" aria-labelledby="create-user-title">
      <h2 id="create-user-title">New user</h2>
      <form onSubmit={onSubmit} noValidate>
        <div className="form-grid">
          <TextField form={form} name="email" label="Email" type="email" autoComplete="off" spellCheck={false} />
          <TextField
            form={form}
            name="username"
            label="Username (optional)"
            emptyAs="omit"
            autoComplete="off"
            spellCheck={false}
          />
          <TextField form={form} name="name" label="Full name (optional)" emptyAs="omit" autoComplete="off" />
          <TextField form={form} name="given_name" label="Given name (optional)" emptyAs="omit" autoComplete="off" />
          <TextField form={form} name="family_name" label="Family name (optional)" emptyAs="omit" autoComplete="off" />
          <TextField
            form={form}
            name="password"
            label="Password (optional)"
            hint="Without one, the user sets it from a password reset email."
            type="password"
            emptyAs="omit"
            autoComplete="new-password"
          />
        </div>
        <CheckboxField form={form} name="email_verified" label="The email is verified" />
        {serverErrors.alert}
        <div className="actions">
          <ActionButton
            type="submit"
            variant="primary"
            scope="users:write"
            pending={create.isPending}
            pendingLabel="Creating…"
          >
            Create user
          </ActionButton>
          <button type="button" className="button button-secondary" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
