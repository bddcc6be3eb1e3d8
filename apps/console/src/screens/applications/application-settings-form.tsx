import { zodResolver } from '@hookform/resolvers/zod';
import { UpdateApplicationBody } from '@realmkit/contract';
import type { Application } from '@realmkit/sdk';
import { useUpdateApplication } from '../../api/applications.ts';
import type { Versioned } from '../../api/versioned.ts';
import { EditPanel } from '../../components/edit-panel.tsx';
import { CheckboxField, TextField } from '../../components/form-fields.tsx';
import { useVersionedEdit } from '../../components/use-versioned-edit.ts';
import { useRealmName } from '../realm-context.tsx';
import { AuthMethodField, GrantTypesField, redirects } from './client-settings.tsx';
import { blankMessages } from './form-messages.ts';
import { REDIRECT_URIS_HINT, UriListField } from './uri-list-field.tsx';

function valuesOf(application: Application) {
  return {
    name: application.name,
    description: application.description,
    redirect_uris: [...application.redirect_uris],
    post_logout_redirect_uris: [...application.post_logout_redirect_uris],
    grant_types: [...application.grant_types],
    token_endpoint_auth_method: application.token_endpoint_auth_method,
    dpop_bound_access_tokens: application.dpop_bound_access_tokens,
    require_dpop_nonce: application.require_dpop_nonce,
  };
}

/** The form's fields: keys (`jwks`, `jwks_uri`) are registered through the API or `realmkit create-client`. */
const resolver = zodResolver(UpdateApplicationBody.omit({ jwks: true, jwks_uri: true }), blankMessages);

/** The fields whose value differs from the version shown: a PATCH sends only those. */
function changedFrom<V extends Record<string, unknown>>(values: V, shown: Readonly<Record<string, unknown>> = {}) {
  return Object.fromEntries(
    Object.entries(values).filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(shown[key])),
  ) as Partial<V>;
}

/**
 * Name, description, redirect URIs and client settings (the type and client ID are immutable),
 * saved only over the version shown (If-Match): a concurrent change is a 412, not lost.
 */
export function ApplicationSettingsForm({
  latest,
  reload,
}: {
  latest: Versioned<Application>;
  reload: () => Promise<Versioned<Application> | undefined>;
}) {
  const realm = useRealmName();
  const { type } = latest.data;
  const edit = useVersionedEdit({
    latest,
    reload,
    valuesOf,
    resolver,
    what: 'application',
    update: useUpdateApplication(realm, latest.data.id),
    messages: {
      reloaded: 'Reloaded the current settings.',
      nothingToSave: 'Nothing to save: no setting was changed.',
      saved: 'Settings saved.',
    },
    changes: changedFrom,
  });
  const { form } = edit;

  return (
    <EditPanel
      titleId="application-settings-title"
      title="Settings"
      edit={edit}
      scope="applications:write"
      submitLabel="Save settings"
    >
      <div className="form-grid">
        <TextField form={form} name="name" label="Name" hint="Shown on the login page." autoComplete="off" />
        <TextField
          form={form}
          name="description"
          label="Description"
          hint="For admins: what it is, who runs it."
          emptyAs="null"
          autoComplete="off"
        />
      </div>
      {redirects(type) && (
        <>
          <UriListField
            form={form}
            name="redirect_uris"
            legend="Redirect URIs"
            itemLabel="Redirect URI"
            hint={REDIRECT_URIS_HINT[type]}
          />
          <UriListField
            form={form}
            name="post_logout_redirect_uris"
            legend="Post-logout redirect URIs"
            itemLabel="Post-logout redirect URI"
            hint="Where the application may send users after they sign out. The same rules as redirect URIs."
          />
        </>
      )}
      <GrantTypesField form={form} type={type} />
      <AuthMethodField form={form} type={type} />
      <CheckboxField
        form={form}
        name="dpop_bound_access_tokens"
        label="Require DPoP (dpop_bound_access_tokens)"
        hint="Every token request must carry a DPoP proof, so every token is bound to the client's key (RFC 9449)."
      />
      <CheckboxField
        form={form}
        name="require_dpop_nonce"
        label="Require a server nonce in DPoP proofs"
        hint="As the realm's setting, for this client only."
      />
    </EditPanel>
  );
}
