import { zodResolver } from '@hookform/resolvers/zod';
import { UpdateUserBody } from '@realmkit/contract';
import type { User } from '@realmkit/sdk';
import { useState } from 'react';
import { useUpdateUser } from '../../api/users.ts';
import type { Versioned } from '../../api/versioned.ts';
import { useAuth } from '../../auth/auth-provider.tsx';
import { StatusMessage } from '../../components/alerts.tsx';
import { CheckboxField, changedValues, TextField } from '../../components/form-fields.tsx';
import { ActionButton } from '../../components/scope-hint.tsx';
import { useServerErrors } from '../../components/server-errors.tsx';
import { useVersionedForm } from '../../components/use-versioned-form.ts';
import { useRealmName } from '../realm-context.tsx';

function valuesOf(user: User) {
  return {
    email: user.email,
    username: user.username,
    name: user.name,
    given_name: user.given_name,
    family_name: user.family_name,
    email_verified: user.email_verified,
  };
}

/** The user's profile, saved only over the version shown (If-Match): a concurrent change is a 412, not lost. */
export function UserProfileForm({
  latest,
  reload,
}: {
  latest: Versioned<User>;
  reload: () => Promise<Versioned<User> | undefined>;
}) {
  const realm = useRealmName();
  const { can } = useAuth();
  const { form, etag, adopt } = useVersionedForm(latest, valuesOf, zodResolver(UpdateUserBody));
  const update = useUpdateUser(realm, latest.data.id);
  const [status, setStatus] = useState('');
  const serverErrors = useServerErrors(form, {
    what: 'user',
    onReload: () =>
      void reload().then((fresh) => {
        if (fresh) adopt(fresh);
        setStatus('Reloaded the current profile.');
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
      setStatus('Profile saved.');
    } catch (error) {
      serverErrors.report(error);
    }
  });

  return (
    <section className="panel" aria-labelledby="user-profile-title">
      <h2 id="user-profile-title">Profile</h2>
      <form onSubmit={onSubmit} noValidate>
        <fieldset disabled={!can('users:write')}>
          <div className="form-grid">
            <TextField
              form={form}
              name="email"
              label="Email"
              type="email"
              hint="A new email is not verified unless you tick the box below."
              autoComplete="off"
              spellCheck={false}
            />
            <TextField
              form={form}
              name="username"
              label="Username"
              emptyAs="null"
              autoComplete="off"
              spellCheck={false}
            />
            <TextField form={form} name="name" label="Full name" emptyAs="null" autoComplete="off" />
            <TextField form={form} name="given_name" label="Given name" emptyAs="null" autoComplete="off" />
            <TextField form={form} name="family_name" label="Family name" emptyAs="null" autoComplete="off" />
          </div>
          <CheckboxField form={form} name="email_verified" label="The email is verified" />
        </fieldset>
        {serverErrors.alert}
        <div className="actions">
          <ActionButton
            type="submit"
            variant="primary"
            scope="users:write"
            pending={update.isPending}
            pendingLabel="Saving…"
          >
            Save profile
          </ActionButton>
        </div>
        <StatusMessage>{status}</StatusMessage>
      </form>
    </section>
  );
}
