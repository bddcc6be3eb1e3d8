import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from 'react';
import { useId } from 'react';
import type { FieldValues, Path, RegisterOptions, UseFormReturn } from 'react-hook-form';

interface FieldProps<T extends FieldValues> {
  form: UseFormReturn<T>;
  name: Path<T>;
  label: string;
  /** Help shown under the label, read with the field. */
  hint?: ReactNode;
}

/** The ids that describe a field: its hint, then its error. */
function describedBy(hintId: string | undefined, errorId: string | undefined): string | undefined {
  return [hintId, errorId].filter(Boolean).join(' ') || undefined;
}

function useFieldState<T extends FieldValues>(form: UseFormReturn<T>, name: Path<T>) {
  const id = useId();
  const error = form.getFieldState(name, form.formState).error?.message;
  return { id, hintId: `${id}-hint`, errorId: `${id}-error`, error };
}

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p id={id} className="field-error">
      {message}
    </p>
  );
}

export interface TextFieldProps<T extends FieldValues>
  extends FieldProps<T>,
    Omit<InputHTMLAttributes<HTMLInputElement>, 'name' | 'form'> {
  /**
   * What an empty input means to the contract: `omit` (undefined, an optional field left out),
   * `null` (a nullable field cleared); by default the empty string itself.
   */
  emptyAs?: 'omit' | 'null';
  valueAsNumber?: boolean;
}

/** A labelled input bound to a react-hook-form field, its error tied to it with aria-describedby. */
export function TextField<T extends FieldValues>({
  form,
  name,
  label,
  hint,
  emptyAs,
  valueAsNumber,
  ...input
}: TextFieldProps<T>) {
  const { id, hintId, errorId, error } = useFieldState(form, name);
  const options: RegisterOptions<T, Path<T>> = valueAsNumber
    ? { valueAsNumber: true }
    : emptyAs
      ? { setValueAs: (value: string) => (value === '' ? (emptyAs === 'null' ? null : undefined) : value) }
      : {};
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
      <input
        id={id}
        type="text"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(hint ? hintId : undefined, error ? errorId : undefined)}
        {...input}
        {...form.register(name, options)}
      />
      <FieldError id={errorId} message={error} />
    </div>
  );
}

/** A labelled checkbox (label after the box). */
export function CheckboxField<T extends FieldValues>({ form, name, label, hint }: FieldProps<T>) {
  const { id, hintId, errorId, error } = useFieldState(form, name);
  return (
    <div className="field field-checkbox">
      <input
        id={id}
        type="checkbox"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(hint ? hintId : undefined, error ? errorId : undefined)}
        {...form.register(name)}
      />
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
      <FieldError id={errorId} message={error} />
    </div>
  );
}

export interface SelectFieldProps<T extends FieldValues>
  extends FieldProps<T>,
    Omit<SelectHTMLAttributes<HTMLSelectElement>, 'name' | 'form'> {
  options: readonly { value: string; label: string }[];
}

export function SelectField<T extends FieldValues>({
  form,
  name,
  label,
  hint,
  options,
  ...select
}: SelectFieldProps<T>) {
  const { id, hintId, errorId, error } = useFieldState(form, name);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
      <select
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(hint ? hintId : undefined, error ? errorId : undefined)}
        {...select}
        {...form.register(name)}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <FieldError id={errorId} message={error} />
    </div>
  );
}

/**
 * The values of the fields the admin changed, nested like the form (`{ password_policy: { min_length } }`):
 * a PATCH sends only those, so it does not rewrite what someone else may be changing.
 */
export function changedValues<V extends Record<string, unknown>>(
  values: V,
  dirty: Partial<Record<keyof V, unknown>>,
): Partial<V> {
  const changed: Record<string, unknown> = {};
  for (const [key, flag] of Object.entries(dirty)) {
    const value = values[key];
    if (flag === true) changed[key] = value;
    else if (flag && typeof flag === 'object' && value && typeof value === 'object') {
      const nested = changedValues(value as Record<string, unknown>, flag as Record<string, unknown>);
      if (Object.keys(nested).length > 0) changed[key] = nested;
    }
  }
  return changed as Partial<V>;
}
