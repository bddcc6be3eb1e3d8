import { zodResolver } from '@hookform/resolvers/zod';
import { UpdateApplicationBody } from '@realmkit/contract';
import type { Application } from '@realmkit/sdk';
import { useState } from 'react';
import { useUpdateApplication } from '../../api/applications.ts';
import type { Versioned } from '../../api/versioned.ts';
import { useAuth } from '../../auth/auth-provider.tsx';
import { StatusMessage } from '../../components/alerts.tsx';
import { TextField } from '../../components/form-fields.tsx';
import { ActionButton } from '../../components/scope-hint.tsx';
import { useServerErrors } from '../../components/server-errors.tsx';
import { useVersionedForm } from '../../components/use-versioned-form.ts';
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
  };
}

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
  const { can } = useAuth();
  const { type } = latest.data;
  const { form, etag, adopt } = useVersionedForm(latest, valuesOf, zodResolver(UpdateApplicationBody, blankMessages));
  const update = useUpdateApplication(realm, latest.data.id);
  const [status, setStatus] = useState('');
  const serverErrors = useServerErrors(form, {
    what: 'application',
    onReload: () =>
      void reload().then((fresh) => {
        if (fresh) adopt(fresh);
        setStatus('Reloaded the current settings.');
      }),
  });
  const readOnly = !can('applications:write');

  const onSubmit = form.handleSubmit(async (values) => {
    serverErrors.clear();
    setStatus('');
    const body = changedFrom(values, form.formState.defaultValues);
    if (Object.keys(body).length === 0) {
      setStatus('Nothing to save: no setting was changed.');
      return;
    }
    try {
      adopt(await update.mutateAsync({ body, etag }));
      setStatus('Settings saved.');
    } catch (error) {
      serverErrors.report(error);
    }
  });

  return (
    <section className="panel" aria-labelledby="application-settings-title">
      <h2 id="application-settings-title">Settings</h2>
      <form onSubmit={onSubmit} noValidate>
        <fieldset disabled={readOnly}>
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
        </fieldset>
        {serverErrors.alert}
        <div className="actions">
          <ActionButton
            type="submit"
            variant="primary"
            scope="applications:write"
            pending={update.isPending}
            pendingLabel="Saving…"
          >
            Save settings
          </ActionButton>
        </div>
        <StatusMessage>{status}</StatusMessage>
      </form>
    </section>
  );
}
