import { APIError } from '@realmkit/sdk';
import { type ReactNode, useCallback, useState } from 'react';
import type { FieldValues, Path, UseFormReturn } from 'react-hook-form';
import { isChangedMeanwhile, messageOf } from '../api/errors.ts';
import { ChangedMeanwhile, FormAlert } from './alerts.tsx';

/** Dotted names of a form's fields, from its default values (`password_policy.min_length`). */
function fieldNamesOf(values: unknown, prefix = ''): string[] {
  if (typeof values !== 'object' || values === null || Array.isArray(values)) return prefix ? [prefix] : [];
  return Object.entries(values).flatMap(([key, value]) =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? fieldNamesOf(value, `${prefix}${key}.`)
      : [`${prefix}${key}`],
  );
}

/**
 * Puts the server's field errors (422 and 409 `details[].path`, the contract's dotted paths, a
 * list's items by index) on the form's fields, focusing the first; answers what no field can show.
 */
export function bindServerErrors<T extends FieldValues, Out = T>(
  form: UseFormReturn<T, unknown, Out>,
  error: unknown,
): unknown {
  if (!(error instanceof APIError) || !error.details?.length) return error;
  const fields = new Set(fieldNamesOf(form.formState.defaultValues));
  // A list's item (`redirect_uris.2`) is a field too, when the list is one.
  const isField = (path: string) => fields.has(path) || fields.has(path.replace(/\.\d+$/, ''));
  const unbound = error.details.filter((detail) => !isField(detail.path));
  error.details
    .filter((detail) => isField(detail.path))
    .forEach((detail, index) => {
      form.setError(detail.path as Path<T>, { type: 'server', message: detail.message }, { shouldFocus: index === 0 });
    });
  if (unbound.length === 0) return undefined;
  return new Error(`${error.message} (${unbound.map((detail) => `${detail.path}: ${detail.message}`).join('; ')})`);
}

export interface ServerErrors {
  /** Shows what a failed write answered: at its fields, else as the form's alert. */
  report(error: unknown): void;
  clear(): void;
  /** The form-level alert (or the "changed by someone else" notice), to render above the buttons. */
  alert: ReactNode;
}

/**
 * A form's server errors: field details onto the fields (`setError`), a 412 as "changed by
 * someone else" with Reload (`onReload`), anything else (403, 429, 5xx...) as an alert.
 */
export function useServerErrors<T extends FieldValues, Out = T>(
  form: UseFormReturn<T, unknown, Out>,
  options: { what?: string; onReload?: () => void } = {},
): ServerErrors {
  const [problem, setProblem] = useState<unknown>();
  const report = useCallback(
    (error: unknown) => setProblem(isChangedMeanwhile(error) ? error : bindServerErrors(form, error)),
    [form],
  );
  const clear = useCallback(() => setProblem(undefined), []);
  const { what = 'item', onReload } = options;
  let alert: ReactNode = null;
  if (problem !== undefined) {
    alert =
      isChangedMeanwhile(problem) && onReload ? (
        <ChangedMeanwhile
          what={what}
          onReload={() => {
            setProblem(undefined);
            onReload();
          }}
        />
      ) : (
        <FormAlert>{messageOf(problem)}</FormAlert>
      );
  }
  return { report, clear, alert };
}
