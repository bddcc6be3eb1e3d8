import { zodResolver } from '@hookform/resolvers/zod';
import { UpdateUserBody } from '@realmkit/contract';
import type { User } from '@realmkit/sdk';
import { useUpdateUser } from '../../api/users.ts';
import type { Versioned } from '../../api/versioned.ts';
import { EditPanel } from '../../components/edit-panel.tsx';
import { CheckboxField, TextField } from '../../components/form-fields.tsx';
import { useVersionedEdit } from '../../components/use-versioned-edit.ts';
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
  const edit = useVersionedEdit({
    latest,
    reload,
    valuesOf,
    resolver: zodResolver(UpdateUserBody),
    what: 'user',
    update: useUpdateUser(realm, latest.data.id),
    messages: {
      reloaded: 'Reloaded the current profile.',
      nothingToSave: 'Nothing to save: no field was changed.',
      saved: 'Profile saved.',
    },
  });
  const { form } = edit;

  return (
    <EditPanel titleId="user-profile-title" title="Profile" edit={edit} scope="users:write" submitLabel="Save profile">
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
        <TextField form={form} name="username" label="Username" emptyAs="null" autoComplete="off" spellCheck={false} />
        <TextField form={form} name="name" label="Full name" emptyAs="null" autoComplete="off" />
        <TextField form={form} name="given_name" label="Given name" emptyAs="null" autoComplete="off" />
        <TextField form={form} name="family_name" label="Family name" emptyAs="null" autoComplete="off" />
      </div>
      <CheckboxField form={form} name="email_verified" label="The email is verified" />
    </EditPanel>
  );
}
