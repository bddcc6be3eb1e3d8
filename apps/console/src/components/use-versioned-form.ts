import { useCallback, useState } from 'react';
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
 * An edit form over a resource read with its ETag. The ETag is the one of the version the form
 * was filled from, kept until the admin saves or reloads: never a newer one fetched meanwhile,
 * or a save would silently overwrite someone else's change.
 */
export function useVersionedForm<T, V extends FieldValues, Out>(
  loaded: Versioned<T>,
  toValues: (data: T) => V,
  resolver: Resolver<V, unknown, Out>,
): VersionedForm<T, V, Out> {
  const [etag, setEtag] = useState(loaded.etag);
  const form = useForm<V, unknown, Out>({ defaultValues: toValues(loaded.data) as DefaultValues<V>, resolver });
  const adopt = useCallback(
    (version: Versioned<T>) => {
      setEtag(version.etag);
      form.reset(toValues(version.data));
    },
    [form, toValues],
  );
  return { form, etag, adopt };
}
