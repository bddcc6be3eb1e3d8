import { type ApplicationType, MAX_REDIRECT_URIS } from '@realmkit/contract';
import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { Controller, type FieldValues, type Path, type PathValue, type UseFormReturn, useWatch } from 'react-hook-form';

const WEB_RULE = 'https, or http on localhost, 127.0.0.1 or [::1]; absolute, without a fragment';

/** What a type's redirect URIs may be (the server checks them: a URI it refuses is a 422 at that URI). */
export const REDIRECT_URIS_HINT: Record<ApplicationType, string> = {
  spa: `Where users come back after signing in, matched exactly: ${WEB_RULE}.`,
  traditional: `Where users come back after signing in, matched exactly: ${WEB_RULE}.`,
  native: `Where users come back after signing in, matched exactly: ${WEB_RULE}, or a private-use scheme such as com.example.app:/callback.`,
  m2m: 'Machine-to-machine applications sign no user in: they have no redirect URIs.',
};

/** The form fields that hold a list of URIs. */
export type UriListName = 'redirect_uris' | 'post_logout_redirect_uris';

/**
 * An editable list of URIs (one input per URI, Add and Remove) bound to a `string[]` field of the
 * form. Errors show at their URI (`redirect_uris.2`, from the schema or from the server's 422) or
 * under the list (`redirect_uris`, e.g. too many). Focus goes to an added URI, and after a removal
 * to the URI that took its place, else to Add.
 */
export function UriListField<T extends FieldValues>({
  form,
  name,
  legend,
  itemLabel,
  hint,
  disabled = false,
}: {
  form: UseFormReturn<T>;
  name: UriListName;
  legend: string;
  /** One URI's accessible name, numbered: "Redirect URI 2". */
  itemLabel: string;
  hint?: ReactNode;
  disabled?: boolean;
}) {
  const field = name as Path<T>;
  const uris = (useWatch({ control: form.control, name: field }) as string[] | undefined) ?? [];
  const id = useId();
  const addButton = useRef<HTMLButtonElement>(null);
  // After an add or a removal: which URI to focus once it is rendered (-1: the Add button).
  const [focusNext, setFocusNext] = useState<number>();
  const listError = form.getFieldState(field, form.formState).error;
  const listMessage = listError?.message ?? listError?.root?.message;

  useEffect(() => {
    if (focusNext === undefined) return;
    if (focusNext < 0) addButton.current?.focus();
    else form.setFocus(`${name}.${focusNext}` as Path<T>);
    setFocusNext(undefined);
  }, [focusNext, form, name]);

  const change = (next: string[]) => {
    // Errors belong to positions: after a removal they would sit on another URI.
    form.clearErrors(field);
    form.setValue(field, next as PathValue<T, Path<T>>, {
      shouldDirty: true,
      shouldValidate: form.formState.isSubmitted,
    });
  };

  return (
    <fieldset className="value-list" aria-describedby={hint ? `${id}-hint` : undefined} disabled={disabled}>
      <legend>{legend}</legend>
      {hint && (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      )}
      {uris.length === 0 ? (
        <p className="value-list-empty">None.</p>
      ) : (
        <ol className="value-list-items">
          {uris.map((_, index) => {
            const itemName = `${name}.${index}` as Path<T>;
            const inputId = `${id}-${index}`;
            const errorId = `${inputId}-error`;
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: a URI is its position in the list (the contract's `redirect_uris.2`).
              <li key={index} className="value-list-item">
                <label htmlFor={inputId} className="visually-hidden">
                  {itemLabel} {index + 1}
                </label>
                <Controller
                  control={form.control}
                  name={itemName}
                  render={({ field: input, fieldState }) => (
                    <>
                      <input
                        id={inputId}
                        type="text"
                        inputMode="url"
                        autoComplete="off"
                        spellCheck={false}
                        placeholder="https://"
                        aria-invalid={fieldState.error ? true : undefined}
                        aria-describedby={fieldState.error ? errorId : undefined}
                        ref={input.ref}
                        name={input.name}
                        value={(input.value as string | undefined) ?? ''}
                        onChange={(event) => input.onChange(event.target.value)}
                        onBlur={input.onBlur}
                      />
                      <button
                        type="button"
                        className="button button-small button-secondary"
                        onClick={() => {
                          change(uris.filter((__, other) => other !== index));
                          setFocusNext(uris.length > 1 ? Math.min(index, uris.length - 2) : -1);
                        }}
                      >
                        Remove
                        <span className="visually-hidden">
                          {' '}
                          {itemLabel} {index + 1}
                        </span>
                      </button>
                      {fieldState.error?.message && (
                        <p id={errorId} className="field-error">
                          {fieldState.error.message}
                        </p>
                      )}
                    </>
                  )}
                />
              </li>
            );
          })}
        </ol>
      )}
      {listMessage && <p className="field-error">{listMessage}</p>}
      <button
        ref={addButton}
        type="button"
        className="button button-small button-secondary"
        disabled={uris.length >= MAX_REDIRECT_URIS}
        onClick={() => {
          change([...uris, '']);
          setFocusNext(uris.length);
        }}
      >
        Add {itemLabel.charAt(0).toLowerCase()}
        {itemLabel.slice(1)}
      </button>
    </fieldset>
  );
}
