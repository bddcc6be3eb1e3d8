import {
  type ApplicationType,
  CLIENT_RULES,
  CONSOLE_APPLICATION,
  type GrantType,
  TOKEN_EXCHANGE_GRANT_TYPE,
  type TokenEndpointAuthMethod,
} from '@realmkit/contract';
import type { Application } from '@realmkit/sdk';
import { useId } from 'react';
import { Controller, type FieldValues, type Path, type UseFormReturn, useWatch } from 'react-hook-form';
import { SelectField } from '../../components/form-fields.tsx';

/** What each type is, in the words of the contract's ApplicationType. */
export const TYPE_LABELS: Record<ApplicationType, string> = {
  spa: 'Single-page app',
  native: 'Native app',
  traditional: 'Traditional web app',
  m2m: 'Machine to machine',
};

export const TYPE_DESCRIPTIONS: Record<ApplicationType, string> = {
  spa: 'Signs users in from code running in a browser. Public: it has no client secret and uses PKCE.',
  native: 'Signs users in on a phone or a desktop; may redirect to a private-use scheme. Public: no client secret.',
  traditional: 'Signs users in from a server that keeps a client secret (confidential).',
  m2m: 'A service acting for itself (client credentials), with a client secret and roles; it signs no user in.',
};

export const GRANT_TYPE_LABELS: Record<GrantType, string> = {
  authorization_code: 'Authorization code (with PKCE)',
  refresh_token: 'Refresh token',
  client_credentials: 'Client credentials',
  [TOKEN_EXCHANGE_GRANT_TYPE]: 'Token exchange (RFC 8693): act for the user or service whose token it receives',
};

export const AUTH_METHOD_LABELS: Record<TokenEndpointAuthMethod, string> = {
  client_secret_basic: 'Client secret in the Authorization header (client_secret_basic)',
  client_secret_post: 'Client secret in the form (client_secret_post)',
  private_key_jwt: 'A JWT signed by its key or issued by a trusted platform (private_key_jwt)',
  none: 'None: a public client (none)',
};

/** Confidential types get a client secret: those whose token endpoint authentication proves one. */
export function hasSecret(type: ApplicationType): boolean {
  return !CLIENT_RULES[type].authMethods.includes('none');
}

/** Only m2m applications hold roles (they decide what client_credentials grants). */
export function holdsRoles(type: ApplicationType): boolean {
  return CLIENT_RULES[type].grantTypes.includes('client_credentials');
}

/** Types that redirect users (they sign them in): all but m2m. */
export function redirects(type: ApplicationType): boolean {
  return CLIENT_RULES[type].grantTypes.includes('authorization_code');
}

/** The realm's built-in console application (`realmkit-console-<realm>`): its admins sign in through it. */
export function isBuiltIn(application: Application): boolean {
  return application.client_id.startsWith(CONSOLE_APPLICATION.clientId(''));
}

/**
 * The grant types the application may use: a box for each grant its type allows (CLIENT_RULES),
 * none ticked meaning it can get no token at all.
 */
export function GrantTypesField<T extends FieldValues>({
  form,
  type,
  disabled = false,
}: {
  form: UseFormReturn<T>;
  type: ApplicationType;
  disabled?: boolean;
}) {
  const id = useId();
  const field = 'grant_types' as Path<T>;
  const allowed = CLIENT_RULES[type].grantTypes;
  // The list's own error, or one of an item's (the server names `grant_types.0`).
  const error = form.getFieldState(field, form.formState).error as
    | ({ message?: string; root?: { message?: string } } & Record<string, unknown>)
    | undefined;
  const message =
    error?.message ??
    error?.root?.message ??
    Object.values(error ?? {})
      .map((item) => (item && typeof item === 'object' && 'message' in item ? String(item.message) : undefined))
      .find(Boolean);
  return (
    <Controller
      control={form.control}
      name={field}
      render={({ field: input }) => {
        const chosen = (input.value as GrantType[] | undefined) ?? [];
        return (
          <fieldset
            className="choice-group"
            disabled={disabled}
            aria-describedby={[`${id}-hint`, message ? `${id}-error` : ''].filter(Boolean).join(' ')}
          >
            <legend>Grant types</legend>
            <p id={`${id}-hint`} className="field-hint">
              {allowed.length > 1
                ? `What a ${TYPE_LABELS[type].toLowerCase()} may use at the token endpoint. With none, it gets no token.`
                : `The only grant a ${TYPE_LABELS[type].toLowerCase()} may use. Untick it to stop the application getting tokens.`}
            </p>
            {allowed.map((grantType, index) => (
              <div key={grantType} className="field field-checkbox">
                <input
                  id={`${id}-${grantType}`}
                  type="checkbox"
                  ref={index === 0 ? input.ref : undefined}
                  checked={chosen.includes(grantType)}
                  aria-invalid={message ? true : undefined}
                  onChange={(event) =>
                    input.onChange(
                      event.target.checked
                        ? allowed.filter((candidate) => candidate === grantType || chosen.includes(candidate))
                        : chosen.filter((candidate) => candidate !== grantType),
                    )
                  }
                  onBlur={input.onBlur}
                />
                <label htmlFor={`${id}-${grantType}`}>{GRANT_TYPE_LABELS[grantType]}</label>
              </div>
            ))}
            {message && (
              <p id={`${id}-error`} className="field-error">
                {message}
              </p>
            )}
          </fieldset>
        );
      }}
    />
  );
}

/** How the application authenticates at the token endpoint: what its type allows. */
export function AuthMethodField<T extends FieldValues>({
  form,
  type,
}: {
  form: UseFormReturn<T>;
  type: ApplicationType;
}) {
  const allowed = CLIENT_RULES[type].authMethods;
  return (
    <SelectField
      form={form}
      name={'token_endpoint_auth_method' as Path<T>}
      label="Token endpoint authentication"
      hint={
        allowed.includes('none')
          ? 'A public client proves no secret: it uses PKCE.'
          : 'Either way, the client may send its secret in the header or in the form.'
      }
      options={allowed.map((method) => ({ value: method, label: AUTH_METHOD_LABELS[method] }))}
    />
  );
}

/** The type chosen in a form, for the fields that depend on it. */
export function useWatchedType<T extends FieldValues>(form: UseFormReturn<T>): ApplicationType {
  return useWatch({ control: form.control, name: 'type' as Path<T> }) as ApplicationType;
}
