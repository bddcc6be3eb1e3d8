import { MAX_SECRET_GRACE_PERIOD_SECONDS, RotateSecretBody } from '@realmkit/contract';
import type { Application, ApplicationWithSecret } from '@realmkit/sdk';
import { useEffect, useRef, useState } from 'react';
import { type Resolver, type ResolverResult, useForm } from 'react-hook-form';
import { useRotateSecret } from '../../api/applications.ts';
import { isChangedMeanwhile, messageOf } from '../../api/errors.ts';
import type { Versioned } from '../../api/versioned.ts';
import { ChangedMeanwhile, FormAlert } from '../../components/alerts.tsx';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { SelectField, TextField } from '../../components/form-fields.tsx';
import { ActionButton } from '../../components/scope-hint.tsx';
import { useRealmName } from '../realm-context.tsx';
import { SecretPanel } from './secret-panel.tsx';

const UNITS = { seconds: 1, hours: 3_600, days: 86_400 } as const;
type Unit = keyof typeof UNITS;

interface GraceValues {
  amount: number;
  unit: Unit;
}

/** "7 days", "1 hour", "90 seconds": seconds in the largest unit that divides them. */
function duration(seconds: number): string {
  const [unit, size] = (Object.entries(UNITS) as [Unit, number][])
    .reverse()
    .find(([, candidate]) => seconds % candidate === 0) ?? ['seconds', 1];
  const count = seconds / size;
  return `${count.toLocaleString()} ${count === 1 ? unit.slice(0, -1) : unit}`;
}

function paramsOf(values: GraceValues): RotateSecretBody {
  return { grace_period_seconds: values.amount * UNITS[values.unit] };
}

/**
 * The grace period in the admin's unit, checked by the contract's RotateSecretBody once in
 * seconds; its problems said in the admin's words, at the amount.
 */
const graceResolver: Resolver<GraceValues> = (values): ResolverResult<GraceValues> => {
  const parsed = RotateSecretBody.safeParse(paramsOf(values));
  if (parsed.success) return { values, errors: {} };
  const issue = parsed.error.issues[0];
  const message = Number.isNaN(values.amount)
    ? 'Enter a number (0 for none).'
    : issue?.code === 'too_big'
      ? `At most ${duration(MAX_SECRET_GRACE_PERIOD_SECONDS)} (${MAX_SECRET_GRACE_PERIOD_SECONDS.toLocaleString()} seconds).`
      : issue?.code === 'too_small'
        ? 'Zero or more.'
        : 'A whole number of seconds.';
  return { values: {}, errors: { amount: { type: 'validate', message } } };
};

/**
 * A new client secret. The previous one stops at once, or keeps working for the grace period
 * (up to the contract's limit) so that every instance of the client can switch; the new one is
 * shown once. Over the version shown (If-Match): a concurrent change is a 412, not lost.
 */
export function RotateSecretPanel({ latest, reload }: { latest: Versioned<Application>; reload: () => void }) {
  const realm = useRealmName();
  const rotate = useRotateSecret(realm, latest.data.id);
  const form = useForm<GraceValues>({
    resolver: graceResolver,
    defaultValues: { amount: 0, unit: 'hours' },
  });
  const [pending, setPending] = useState<RotateSecretBody>();
  const [rotated, setRotated] = useState<ApplicationWithSecret>();
  const [problem, setProblem] = useState<unknown>();
  const rotateButton = useRef<HTMLButtonElement>(null);
  // After Done: back to the Rotate button, once it is rendered again.
  const [refocus, setRefocus] = useState(false);

  useEffect(() => {
    if (!refocus) return;
    rotateButton.current?.focus();
    setRefocus(false);
  }, [refocus]);

  const onSubmit = form.handleSubmit((values) => {
    setProblem(undefined);
    rotate.reset();
    setPending(paramsOf(values));
  });

  const onConfirm = async () => {
    if (!pending) return;
    try {
      const answer = await rotate.mutateAsync({ params: pending, etag: latest.etag });
      setPending(undefined);
      setRotated(answer.data);
      // This panel's state is then the secret's only copy in the console.
      rotate.reset();
      form.reset();
    } catch (error) {
      setPending(undefined);
      setProblem(error);
    }
  };

  const graceSeconds = pending?.grace_period_seconds ?? 0;
  return (
    <section className="panel" aria-labelledby="rotate-secret-title">
      <h2 id="rotate-secret-title">Client secret</h2>
      {/* Before the content: closing it (and its focus return) comes before the new secret takes the focus. */}
      <ConfirmDialog
        open={pending !== undefined}
        title="Rotate the client secret?"
        confirmLabel="Rotate secret"
        pending={rotate.isPending}
        onCancel={() => setPending(undefined)}
        onConfirm={() => void onConfirm()}
      >
        <p>
          {graceSeconds > 0
            ? `The current secret keeps working for ${duration(graceSeconds)}, then stops.`
            : 'The current secret stops working at once: every instance still using it fails to get tokens.'}{' '}
          A secret still in an earlier grace period stops at once.
        </p>
      </ConfirmDialog>
      {rotated ? (
        <SecretPanel
          title="The new client secret"
          application={rotated}
          secret={rotated.client_secret}
          previousExpiresAt={rotated.previous_client_secret_expires_at}
          gracePeriod={new Date(rotated.previous_client_secret_expires_at).getTime() > Date.now()}
          nested
          onDone={() => {
            setRotated(undefined);
            setRefocus(true);
          }}
        />
      ) : (
        <form onSubmit={onSubmit} noValidate>
          <p>
            Rotating issues a new secret, shown once. The current one stops working at once, or after a grace period so
            that every instance of the application can switch to the new one.
          </p>
          <div className="form-grid">
            <TextField
              form={form}
              name="amount"
              label="Grace period"
              hint={`How long the current secret keeps working: 0 for none, at most ${duration(MAX_SECRET_GRACE_PERIOD_SECONDS)}.`}
              type="number"
              inputMode="numeric"
              min={0}
              valueAsNumber
            />
            <SelectField
              form={form}
              name="unit"
              label="Unit"
              options={(Object.keys(UNITS) as Unit[]).map((unit) => ({ value: unit, label: unit }))}
            />
          </div>
          <div className="actions">
            <ActionButton ref={rotateButton} type="submit" variant="danger" scope="applications:write">
              Rotate secret
            </ActionButton>
          </div>
        </form>
      )}
      {problem !== undefined &&
        (isChangedMeanwhile(problem) ? (
          <ChangedMeanwhile
            what="application"
            onReload={() => {
              setProblem(undefined);
              reload();
            }}
          />
        ) : (
          <FormAlert>{messageOf(problem)}</FormAlert>
        ))}
    </section>
  );
}
