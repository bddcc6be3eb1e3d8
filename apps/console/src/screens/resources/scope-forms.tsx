import { zodResolver } from '@hookform/resolvers/zod';
import { CreateScopeBody, UpdateScopeBody } from '@realmkit/contract';
import type { Scope } from '@realmkit/sdk';
import { useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useCreateScope, useUpdateScope } from '../../api/resources.ts';
import { StatusMessage } from '../../components/alerts.tsx';
import { changedValues, TextField } from '../../components/form-fields.tsx';
import { ActionButton } from '../../components/scope-hint.tsx';
import { useServerErrors } from '../../components/server-errors.tsx';
import { useRealmName } from '../realm-context.tsx';

const NAME_HINT = 'As tokens carry it in their scope claim, e.g. read:posts: no spaces, quotes or backslashes.';

/** A new scope of the resource; the form stays open for the next one. */
export function AddScopeForm({ resourceId, onClose }: { resourceId: string; onClose: () => void }) {
  const realm = useRealmName();
  const form = useForm({
    resolver: zodResolver(CreateScopeBody),
    defaultValues: { name: '', description: undefined },
  });
  const create = useCreateScope(realm, resourceId);
  const serverErrors = useServerErrors(form);
  const [status, setStatus] = useState('');

  useEffect(() => form.setFocus('name'), [form]);

  const onSubmit = form.handleSubmit(async (body) => {
    serverErrors.clear();
    setStatus('');
    try {
      const scope = await create.mutateAsync(body);
      form.reset();
      form.setFocus('name');
      setStatus(`Added ${scope.name}. Add another, or close the form.`);
    } catch (error) {
      serverErrors.report(error);
    }
  });

  return (
    <section className="subpanel" aria-labelledby="add-scope-title">
      <h3 id="add-scope-title">New scope</h3>
      <form onSubmit={onSubmit} noValidate>
        <div className="form-grid">
          <TextField form={form} name="name" label="Name" hint={NAME_HINT} autoComplete="off" spellCheck={false} />
          <TextField form={form} name="description" label="Description (optional)" emptyAs="omit" autoComplete="off" />
        </div>
        {serverErrors.alert}
        <div className="actions">
          <ActionButton
            type="submit"
            variant="primary"
            scope="resources:write"
            pending={create.isPending}
            pendingLabel="Adding…"
          >
            Add scope
          </ActionButton>
          <button type="button" className="button button-secondary" onClick={onClose}>
            Close
          </button>
        </div>
        <StatusMessage>{status}</StatusMessage>
      </form>
    </section>
  );
}

/**
 * A scope's name and description; only the fields changed are sent. Renaming a scope changes
 * what new tokens carry; the roles holding it keep holding it.
 */
export function EditScopeForm({
  resourceId,
  scope,
  onSaved,
  onCancel,
}: {
  resourceId: string;
  scope: Scope;
  onSaved: (scope: Scope) => void;
  onCancel: () => void;
}) {
  const realm = useRealmName();
  const form = useForm({
    resolver: zodResolver(UpdateScopeBody),
    defaultValues: { name: scope.name, description: scope.description },
  });
  const update = useUpdateScope(realm, resourceId);
  const serverErrors = useServerErrors(form);

  useEffect(() => form.setFocus('name'), [form]);

  const onSubmit = form.handleSubmit(async (values) => {
    serverErrors.clear();
    const body = changedValues(values, form.formState.dirtyFields);
    if (Object.keys(body).length === 0) {
      onCancel();
      return;
    }
    try {
      onSaved(await update.mutateAsync({ scopeId: scope.id, body }));
    } catch (error) {
      serverErrors.report(error);
    }
  });

  return (
    <section className="subpanel" aria-labelledby="edit-scope-title">
      <h3 id="edit-scope-title">
        Edit the scope <code>{scope.name}</code>
      </h3>
      <form
        onSubmit={onSubmit}
        onKeyDown={(event) => {
          if (event.key === 'Escape') onCancel();
        }}
        noValidate
      >
        <div className="form-grid">
          <TextField
            form={form}
            name="name"
            label="Name"
            hint={`${NAME_HINT} Renaming changes what new tokens carry; roles keep holding it.`}
            autoComplete="off"
            spellCheck={false}
          />
          <TextField form={form} name="description" label="Description" emptyAs="null" autoComplete="off" />
        </div>
        {serverErrors.alert}
        <div className="actions">
          <ActionButton
            type="submit"
            variant="primary"
            scope="resources:write"
            pending={update.isPending}
            pendingLabel="Saving…"
          >
            Save scope
          </ActionButton>
          <button type="button" className="button button-secondary" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
