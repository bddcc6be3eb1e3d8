import { zodResolver } from '@hookform/resolvers/zod';
import { APPLICATION_TYPES, type ApplicationType, CLIENT_RULES, CreateApplicationBody } from '@realmkit/contract';
import type { CreatedApplication } from '@realmkit/sdk';
import { useEffect, useId, useState } from 'react';
import { useForm } from 'react-hook-form';
import { Link, useLocation } from 'wouter';
import { useCreateApplication } from '../../api/applications.ts';
import { TextField } from '../../components/form-fields.tsx';
import { ActionButton } from '../../components/scope-hint.tsx';
import { useServerErrors } from '../../components/server-errors.tsx';
import { useRealmName } from '../realm-context.tsx';
import {
  AuthMethodField,
  GrantTypesField,
  redirects,
  TYPE_DESCRIPTIONS,
  TYPE_LABELS,
  useWatchedType,
} from './client-settings.tsx';
import { blankMessages } from './form-messages.ts';
import { SecretPanel } from './secret-panel.tsx';
import { REDIRECT_URIS_HINT, UriListField } from './uri-list-field.tsx';

const DEFAULT_TYPE: ApplicationType = 'spa';

/** What the form shows for a type: its default grants and authentication, a first redirect URI to fill. */
function settingsFor(type: ApplicationType) {
  return {
    redirect_uris: redirects(type) ? [''] : [],
    post_logout_redirect_uris: [],
    grant_types: [...CLIENT_RULES[type].defaults.grant_types],
    token_endpoint_auth_method: CLIENT_RULES[type].defaults.token_endpoint_auth_method,
  };
}

/**
 * A new application. The grants and the authentication offered are those its type allows (the
 * contract's CLIENT_RULES); a confidential one's client secret is then shown, this once.
 */
export function CreateApplicationForm({ onClose }: { onClose: () => void }) {
  const realm = useRealmName();
  const [, navigate] = useLocation();
  const form = useForm({
    resolver: zodResolver(CreateApplicationBody, blankMessages),
    defaultValues: { name: '', description: undefined, type: DEFAULT_TYPE, ...settingsFor(DEFAULT_TYPE) },
  });
  const type = useWatchedType(form);
  const create = useCreateApplication(realm);
  const serverErrors = useServerErrors(form);
  const [created, setCreated] = useState<CreatedApplication>();
  const typeId = useId();

  useEffect(() => form.setFocus('name'), [form]);

  const onSubmit = form.handleSubmit(async (body) => {
    serverErrors.clear();
    try {
      const answer = await create.mutateAsync(body);
      if (answer.data.client_secret) {
        setCreated(answer.data);
        // This panel's state is then the secret's only copy in the console.
        create.reset();
      } else navigate(`/${answer.data.id}`);
    } catch (error) {
      serverErrors.report(error);
    }
  });

  if (created?.client_secret) {
    return (
      <SecretPanel
        title={`${created.name} is created`}
        application={created}
        secret={created.client_secret}
        onDone={onClose}
      >
        <Link href={`/${created.id}`} className="button button-primary">
          Open the application
        </Link>
      </SecretPanel>
    );
  }

  const typeField = form.register('type', {
    // Another type allows other settings: start from its defaults.
    onChange: (event: { target: { value: ApplicationType } }) => {
      const settings = settingsFor(event.target.value);
      for (const [name, value] of Object.entries(settings)) {
        form.setValue(name as keyof typeof settings, value as never, { shouldDirty: true });
      }
      form.clearErrors(Object.keys(settings) as (keyof typeof settings)[]);
    },
  });

  return (
    <section className="panel" aria-labelledby="create-application-title">
      <h2 id="create-application-title">New application</h2>
      <form onSubmit={onSubmit} noValidate>
        <div className="form-grid">
          <TextField form={form} name="name" label="Name" hint="Shown on the login page." autoComplete="off" />
          <TextField
            form={form}
            name="description"
            label="Description (optional)"
            hint="For admins: what it is, who runs it."
            emptyAs="omit"
            autoComplete="off"
          />
        </div>
        <fieldset className="choice-group">
          <legend>Type</legend>
          <p className="field-hint">It decides what the application may do, and cannot be changed.</p>
          {APPLICATION_TYPES.map((option) => (
            <div key={option} className="field field-checkbox">
              <input
                id={`${typeId}-${option}`}
                type="radio"
                value={option}
                aria-describedby={`${typeId}-${option}-hint`}
                {...typeField}
              />
              <label htmlFor={`${typeId}-${option}`}>{TYPE_LABELS[option]}</label>
              <p id={`${typeId}-${option}-hint`} className="field-hint">
                {TYPE_DESCRIPTIONS[option]}
              </p>
            </div>
          ))}
        </fieldset>
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
        {serverErrors.alert}
        <div className="actions">
          <ActionButton
            type="submit"
            variant="primary"
            scope="applications:write"
            pending={create.isPending}
            pendingLabel="Creating…"
          >
            Create application
          </ActionButton>
          <button type="button" className="button button-secondary" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
