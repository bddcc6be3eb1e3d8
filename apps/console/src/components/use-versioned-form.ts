import { useCallback, useEffect, useState } from 'react';
import { type DefaultValues, type FieldValues, type Resolver, type UseFormReturn, useForm } from 'react-hook-form';
import type { Versioned } from '../api/versioned.ts';

export interface VersionedForm<T, V extends FieldValues, Out> {
  form: UseFormReturn<V, unknown, Out>;
  /** The ETag of the version the form shows: what the save sends as `ifMatch`. */
  etag: string | undefined;
  /** Shows `version` (after a save, or a reload after "changed by someone else"). */
  adopt(version: Versioned<T>): void;
}

/**
 * An edit form over a resource read with its ETag. While the admin edits, the form keeps the
 * version it was filled from, and its ETag: never a newer one fetched meanwhile, or a save would
 * silently overwrite someone else's change (the server answers 412 instead). An untouched form
 * follows `latest` (after the console's own writes, such as suspending a user).
 */
export function useVersionedForm<T, V extends FieldValues, Out>(
  latest: Versioned<T>,
  toValues: (data: T) => V,
  resolver: Resolver<V, unknown, Out>,
): VersionedForm<T, V, Out> {
  const [etag, setEtag] = useState(latest.etag);
  const form = useForm<V, unknown, Out>({ defaultValues: toValues(latest.data) as DefaultValues<V>, resolver });
  const adopt = useCallback(
    (version: Versioned<T>) => {
      setEtag(version.etag);
      form.reset(toValues(version.data));
    },
    [form, toValues],
  );
  const { isDirty } = form.formState;
  useEffect(() => {
    if (!isDirty && latest.etag !== etag) adopt(latest);
  }, [latest, etag, isDirty, adopt]);
  return { form, etag, adopt };
}
