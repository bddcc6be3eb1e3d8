import { zodResolver } from '@hookform/resolvers/zod';
import {
  CreateResourceBody,
  DEFAULT_ACCESS_TOKEN_TTL,
  MAX_ACCESS_TOKEN_TTL,
  MIN_ACCESS_TOKEN_TTL,
} from '@realmkit/contract';
import { useEffect } from 'react';
import { useForm } from 'react-hook-form';
import { useLocation } from 'wouter';
import { useCreateResource } from '../../api/resources.ts';
import { TextField } from '../../components/form-fields.tsx';
import { ActionButton } from '../../components/scope-hint.tsx';
import { useServerErrors } from '../../components/server-errors.tsx';
import { useRealmName } from '../realm-context.tsx';
import { TTL_HINT } from './duration.ts';

/** A new API resource: its name, its indicator (immutable) and its tokens' lifetime; then its page. */
export function CreateResourceForm({ onCancel }: { onCancel: () => void }) {
  const realm = useRealmName();
  const [, navigate] = useLocation();
  const form = useForm({
    resolver: zodResolver(CreateResourceBody),
    defaultValues: { name: '', indicator: '', access_token_ttl: DEFAULT_ACCESS_TOKEN_TTL },
  });
  const create = useCreateResource(realm);
  const serverErrors = useServerErrors(form);

  useEffect(() => form.setFocus('name'), [form]);

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
    <section className="panel" aria-labelledby="create-resource-title">
      <h2 id="create-resource-title">New API resource</h2>
      <form onSubmit={onSubmit} noValidate>
        <div className="form-grid">
          <TextField form={form} name="name" label="Name" autoComplete="off" />
          <TextField
            form={form}
            name="indicator"
            label="Indicator"
            hint="The API's https URL (http on localhost, 127.0.0.1 or [::1]) or a urn:, without user name or fragment, and not under this server's URL: the audience of its tokens. It cannot be changed."
            type="url"
            inputMode="url"
            placeholder="https://api.example.com"
            autoComplete="off"
            spellCheck={false}
          />
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
        {serverErrors.alert}
        <div className="actions">
          <ActionButton
            type="submit"
            variant="primary"
            scope="resources:write"
            pending={create.isPending}
            pendingLabel="Creating…"
          >
            Create API resource
          </ActionButton>
          <button type="button" className="button button-secondary" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
