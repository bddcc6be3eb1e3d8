import { zodResolver } from '@hookform/resolvers/zod';
import { SetPasswordBody } from '@realmkit/contract';
import type { User } from '@realmkit/sdk';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useSetPassword } from '../../api/users.ts';
import { StatusMessage } from '../../components/alerts.tsx';
import { TextField } from '../../components/form-fields.tsx';
import { ActionButton } from '../../components/scope-hint.tsx';
import { useServerErrors } from '../../components/server-errors.tsx';
import { useRealmName } from '../realm-context.tsx';

/** A new password for the user; the realm's password policy decides (422 at the field). */
export function SetPasswordForm({ user }: { user: User }) {
  const realm = useRealmName();
  const form = useForm({ resolver: zodResolver(SetPasswordBody), defaultValues: { password: '' } });
  const setPassword = useSetPassword(realm, user.id);
  const serverErrors = useServerErrors(form);
  const [status, setStatus] = useState('');

  const onSubmit = form.handleSubmit(async ({ password }) => {
    serverErrors.clear();
    setStatus('');
    try {
      await setPassword.mutateAsync(password);
      form.reset({ password: '' });
      setStatus('Password set.');
    } catch (error) {
      serverErrors.report(error);
    }
  });

  return (
    <section className="panel" aria-labelledby="set-password-title">
      <h2 id="set-password-title">Set a password</h2>
      <form onSubmit={onSubmit} noValidate>
        {/* A hidden username lets password managers file the new password under the right account. */}
        <input type="text" name="username" autoComplete="username" value={user.email} readOnly hidden />
        <TextField
          form={form}
          name="password"
          label="New password"
          hint="The realm's password policy applies."
          type="password"
          autoComplete="new-password"
        />
        {serverErrors.alert}
        <div className="actions">
          <ActionButton type="submit" scope="users:write" pending={setPassword.isPending} pendingLabel="Setting…">
            Set password
          </ActionButton>
        </div>
        <StatusMessage>{status}</StatusMessage>
      </form>
    </section>
  );
}
