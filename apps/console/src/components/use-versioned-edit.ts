import { type BaseSyntheticEvent, type ReactNode, useState } from 'react';
import type { FieldValues, Resolver, UseFormReturn } from 'react-hook-form';
import type { Versioned } from '../api/versioned.ts';
import { changedValues } from './form-fields.tsx';
import { useServerErrors } from './server-errors.tsx';
import { useVersionedForm } from './use-versioned-form.ts';

/** The write an edit form saves through: a PATCH of `body` over the version `etag` (If-Match). */
export interface VersionedUpdate<T, Body> {
  mutateAsync(variables: { body: Body; etag: string | undefined }): Promise<Versioned<T>>;
  isPending: boolean;
}

/** What an edit form says after each outcome, in the `StatusMessage` under its buttons. */
export interface VersionedEditMessages {
  /** After Reload, once "changed by someone else" was answered: `Reloaded the current settings.` */
  reloaded: string;
  /** When no field was changed, instead of a request: `Nothing to save: no setting was changed.` */
  nothingToSave: string;
  /** After a successful save: `Settings saved.` */
  saved: string;
}

export interface VersionedEditOptions<T, V extends FieldValues, Out, Body> {
  /** The newest version read (the query's data); see `useVersionedForm`. */
  latest: Versioned<T>;
  /** Reads the current version again (the query's `refetch`), for Reload after a 412. */
  reload: () => Promise<Versioned<T> | undefined>;
  /** The form's values for a version of the resource. */
  valuesOf: (data: T) => V;
  resolver: Resolver<V, unknown, Out>;
  /** What the resource is called in "This <what> was changed by someone else". */
  what: string;
  /** The update mutation (its `isPending` shows "Saving…"). */
  update: VersionedUpdate<T, Body>;
  messages: VersionedEditMessages;
  /**
   * The body of the PATCH from the submitted values and those of the version shown; an empty one is
   * "nothing to save". By default the fields the admin changed (`changedValues` over the dirty fields).
   */
  changes?: (values: Out, shown: Readonly<Record<string, unknown>> | undefined) => Body;
}

export interface VersionedEdit<V extends FieldValues, Out> {
  form: UseFormReturn<V, unknown, Out>;
  /** The form's `onSubmit`: validates, sends only the changes over the version shown, reports the outcome. */
  onSubmit: (event?: BaseSyntheticEvent) => Promise<void>;
  /** The outcome to show in a `StatusMessage` ("Settings saved."), empty before any. */
  status: string;
  /** The server's refusal to show above the buttons (an alert, or "changed by someone else" with Reload). */
  alert: ReactNode;
  /** Whether the save is running. */
  pending: boolean;
}

/**
 * The whole behaviour of an edit form over a versioned resource: the form keeps the version it
 * was filled from (`useVersionedForm`), Save sends only the changed fields with that version's
 * ETag and shows the saved version, a 412 offers Reload, and other refusals land on their
 * fields or as an alert (`useServerErrors`). The form itself keeps only its fields.
 */
export function useVersionedEdit<T, V extends FieldValues, Out, Body extends object>({
  latest,
  reload,
  valuesOf,
  resolver,
  what,
  update,
  messages,
  changes,
}: VersionedEditOptions<T, V, Out, Body>): VersionedEdit<V, Out> {
  const { form, etag, adopt } = useVersionedForm(latest, valuesOf, resolver);
  const [status, setStatus] = useState('');
  const serverErrors = useServerErrors(form, {
    what,
    onReload: () =>
      void reload().then((fresh) => {
        if (fresh) adopt(fresh);
        setStatus(messages.reloaded);
      }),
  });

  const onSubmit = form.handleSubmit(async (values) => {
    serverErrors.clear();
    setStatus('');
    const body = changes
      ? changes(values, form.formState.defaultValues)
      : (changedValues(values as Record<string, unknown>, form.formState.dirtyFields) as Body);
    if (Object.keys(body).length === 0) {
      setStatus(messages.nothingToSave);
      return;
    }
    try {
      adopt(await update.mutateAsync({ body, etag }));
      setStatus(messages.saved);
    } catch (error) {
      serverErrors.report(error);
    }
  });

  return { form, onSubmit, status, alert: serverErrors.alert, pending: update.isPending };
}
