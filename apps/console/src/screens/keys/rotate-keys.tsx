import { zodResolver } from '@hookform/resolvers/zod';
import { RotateKeysBody, SIGNING_ALGORITHMS, type SigningAlgorithm } from '@realmkit/contract';
import type { Realm } from '@realmkit/sdk';
import type { UseQueryResult } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { messageOf } from '../../api/errors.ts';
import { useRotateKeys } from '../../api/keys.ts';
import type { Versioned } from '../../api/versioned.ts';
import { FormAlert, StatusMessage } from '../../components/alerts.tsx';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { SelectField } from '../../components/form-fields.tsx';
import { ActionButton } from '../../components/scope-hint.tsx';
import { useServerErrors } from '../../components/server-errors.tsx';
import { useRealmName } from '../realm-context.tsx';

const ALGORITHM_LABELS: Record<SigningAlgorithm, string> = {
  RS256: 'RS256 (RSA 2048)',
  ES256: 'ES256 (ECDSA P-256)',
  EdDSA: 'EdDSA (Ed25519)',
};

/**
 * "Rotate key": a new active key, of the realm's algorithm or another (which the realm then
 * signs with), over the version of the realm read (If-Match: a rotation changes the realm).
 */
export function RotateKeys({ realmQuery }: { realmQuery: UseQueryResult<Versioned<Realm>> }) {
  const realm = useRealmName();
  const loaded = realmQuery.data;
  const current = loaded?.data.signing_algorithm;
  const rotate = useRotateKeys(realm);
  const [confirming, setConfirming] = useState(false);
  const [status, setStatus] = useState('');
  const form = useForm({ resolver: zodResolver(RotateKeysBody), defaultValues: { algorithm: current } });
  const serverErrors = useServerErrors(form, {
    what: 'realm',
    onReload: () => {
      setConfirming(false);
      void realmQuery.refetch();
    },
  });
  const chosen = form.watch('algorithm');

  const onConfirm = form.handleSubmit(async (body) => {
    serverErrors.clear();
    try {
      const rotated = await rotate.mutateAsync({ params: body, etag: loaded?.etag });
      const active = rotated.data.find((key) => key.status === 'active');
      setConfirming(false);
      setStatus(
        `Rotated: the new ${active?.alg ?? ''} key ${active?.kid ?? ''} signs every token from now on. The previous key keeps verifying its tokens.`,
      );
    } catch (error) {
      serverErrors.report(error);
    }
  });

  return (
    <section className="panel" aria-labelledby="rotate-key-title">
      <h2 id="rotate-key-title">Rotate the signing key</h2>
      <p>Rotate when a key may have leaked, on a schedule, or to sign with another algorithm. Nobody is signed out.</p>
      {realmQuery.error ? <FormAlert>Could not load the realm: {messageOf(realmQuery.error)}</FormAlert> : null}
      <div className="actions">
        <ActionButton
          scope="realms:write"
          variant="primary"
          disabled={!loaded}
          onClick={() => {
            setStatus('');
            serverErrors.clear();
            rotate.reset();
            form.reset({ algorithm: current });
            setConfirming(true);
          }}
        >
          Rotate key
        </ActionButton>
      </div>
      <StatusMessage>{status}</StatusMessage>
      <ConfirmDialog
        open={confirming}
        title="Rotate the signing key?"
        confirmLabel="Rotate key"
        pending={rotate.isPending}
        error={serverErrors.alert}
        onCancel={() => setConfirming(false)}
        onConfirm={() => void onConfirm()}
      >
        <SelectField
          form={form}
          name="algorithm"
          label="Algorithm of the new key"
          options={SIGNING_ALGORITHMS.map((algorithm) => ({
            value: algorithm,
            label: `${ALGORITHM_LABELS[algorithm]}${algorithm === current ? ': the realm’s algorithm' : ''}`,
          }))}
        />
        <p>
          A new key signs every token from now on; every instance uses it within seconds.{' '}
          <strong>Tokens already issued keep verifying until they expire:</strong> the current key stays in the realm's
          JWKS until the last token it signed has expired, then leaves it.
        </p>
        {chosen && chosen !== current && (
          <p>
            The realm then signs with {chosen} instead of {current}: applications and APIs must accept {chosen} tokens.
          </p>
        )}
      </ConfirmDialog>
    </section>
  );
}
