import { zodResolver } from '@hookform/resolvers/zod';
import { MAX_ACCESS_TOKEN_TTL, MIN_ACCESS_TOKEN_TTL, UpdateResourceBody } from '@realmkit/contract';
import type { Resource } from '@realmkit/sdk';
import { useState } from 'react';
import { useUpdateResource } from '../../api/resources.ts';
import type { Versioned } from '../../api/versioned.ts';
import { useAuth } from '../../auth/auth-provider.tsx';
import { StatusMessage } from '../../components/alerts.tsx';
import { changedValues, TextField } from '../../components/form-fields.tsx';
import { ActionButton } from '../../components/scope-hint.tsx';
import { useServerErrors } from '../../components/server-errors.tsx';
import { useVersionedForm } from '../../components/use-versioned-form.ts';
import { useRealmName } from '../realm-context.tsx';
import { TTL_HINT } from './duration.ts';

function valuesOf(resource: Resource) {
  return { name: resource.name, access_token_ttl: resource.access_token_ttl };
}

/** The resource's name and token lifetime, saved only over the version shown (If-Match). */
export function ResourceSettingsForm({
  latest,
  reload,
}: {
  latest: Versioned<Resource>;
  reload: () => Promise<Versioned<Resource> | undefined>;
}) {
  const realm = useRealmName();
  const { can } = useAuth();
  const { form, etag, adopt } = useVersionedForm(latest, valuesOf, zodResolver(UpdateResourceBody));
  const update = useUpdateResource(realm, latest.data.id);
  const [status, setStatus] = useState('');
  const serverErrors = useServerErrors(form, {
    what: 'API resource',
    onReload: () =>
      void reload().then((fresh) => {
        if (fresh) adopt(fresh);
        setStatus('Reloaded the current settings.');
      }),
  });

  const onSubmit = form.handleSubmit(async (values) => {
    serverErrors.clear();
    setStatus('');
    const body = changedValues(values, form.formState.dirtyFields);
    if (Object.keys(body).length === 0) {
      setStatus('Nothing to save: no setting was changed.');
      return;
    }
    try {
      adopt(await update.mutateAsync({ body, etag }));
      setStatus('Settings saved. A new lifetime applies to tokens issued from now on.');
    } catch (error) {
      serverErrors.report(error);
    }
  });

  return (
    <section className="panel" aria-labelledby="resource-settings-title">
      <h2 id="resource-settings-title">Settings</h2>
      <form onSubmit={onSubmit} noValidate>
        <fieldset disabled={!can('resources:write')}>
          <div className="form-grid">
            <TextField form={form} name="name" label="Name" autoComplete="off" />
            <TextField
              form={form}
              name="access_token_ttl"
              label="Access token lifetime"
              hint={TTL_HINT}
              type="number"
              inputMode="numeric"
              min={MIN_ACCESS_TOKEN_TTL}
              max={MAX_ACCESS_TOKEN_TTL}
              valueAsNumber
            />
          </div>
        </fieldset>
        {serverErrors.alert}
        <div className="actions">
          <ActionButton
            type="submit"
            variant="primary"
            scope="resources:write"
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
