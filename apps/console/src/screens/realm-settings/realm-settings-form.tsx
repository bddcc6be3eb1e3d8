import { zodResolver } from '@hookform/resolvers/zod';
import {
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  PASSWORD_MIN_LENGTH_MAX,
  SIGNING_ALGORITHMS,
  UpdateRealmBody,
} from '@realmkit/contract';
import type { Realm } from '@realmkit/sdk';
import { useUpdateRealm } from '../../api/realms.ts';
import type { Versioned } from '../../api/versioned.ts';
import { EditPanel } from '../../components/edit-panel.tsx';
import { CheckboxField, SelectField, TextField } from '../../components/form-fields.tsx';
import { useVersionedEdit } from '../../components/use-versioned-edit.ts';

const ALGORITHM_LABELS: Record<(typeof SIGNING_ALGORITHMS)[number], string> = {
  RS256: 'RS256 (RSA 2048)',
  ES256: 'ES256 (ECDSA P-256)',
  EdDSA: 'EdDSA (Ed25519)',
};

function valuesOf(realm: Realm) {
  return {
    display_name: realm.display_name,
    require_verified_email: realm.require_verified_email,
    require_dpop_nonce: realm.require_dpop_nonce,
    signing_algorithm: realm.signing_algorithm,
    password_policy: { ...realm.password_policy },
  };
}

/** The realm's settings, saved only over the version shown (If-Match). */
export function RealmSettingsForm({
  loaded,
  reload,
}: {
  loaded: Versioned<Realm>;
  reload: () => Promise<Versioned<Realm> | undefined>;
}) {
  const edit = useVersionedEdit({
    latest: loaded,
    reload,
    valuesOf,
    resolver: zodResolver(UpdateRealmBody),
    what: 'realm',
    update: useUpdateRealm(loaded.data.name),
    messages: {
      reloaded: 'Reloaded the current settings.',
      nothingToSave: 'Nothing to save: no setting was changed.',
      saved: 'Settings saved.',
    },
  });
  const { form } = edit;

  return (
    <EditPanel
      titleId="realm-settings-title"
      title="Settings"
      edit={edit}
      scope="realms:write"
      submitLabel="Save settings"
    >
      <TextField form={form} name="display_name" label="Display name" hint="Shown on the login page." emptyAs="null" />
      <CheckboxField
        form={form}
        name="require_verified_email"
        label="Require a verified email"
        hint="Users whose email is not verified are held at a verification page when they sign in."
      />
      <div className="form-grid">
        <TextField
          form={form}
          name="password_policy.min_length"
          label="Minimum password length"
          hint={`${PASSWORD_MIN_LENGTH} to ${PASSWORD_MIN_LENGTH_MAX} characters; every realm allows at most ${PASSWORD_MAX_LENGTH}.`}
          type="number"
          inputMode="numeric"
          min={PASSWORD_MIN_LENGTH}
          max={PASSWORD_MIN_LENGTH_MAX}
          valueAsNumber
        />
        <SelectField
          form={form}
          name="signing_algorithm"
          label="Signing algorithm"
          hint="Another algorithm rotates to a new key; the old one keeps verifying its tokens."
          options={SIGNING_ALGORITHMS.map((algorithm) => ({
            value: algorithm,
            label: ALGORITHM_LABELS[algorithm],
          }))}
        />
      </div>
      <CheckboxField
        form={form}
        name="password_policy.refuse_breached"
        label="Refuse common and breached passwords"
        hint="Checked offline against a list shipped with the server."
      />
      <CheckboxField
        form={form}
        name="require_dpop_nonce"
        label="Require a server nonce in DPoP proofs"
        hint="A DPoP proof must carry the nonce this server last gave (RFC 9449): a proof made in advance cannot be used later."
      />
    </EditPanel>
  );
}
