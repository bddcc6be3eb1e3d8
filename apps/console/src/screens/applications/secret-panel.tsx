import type { Application } from '@realmkit/sdk';
import { type ReactNode, useEffect, useId, useRef } from 'react';
import { CopyButton } from '../../components/copy-button.tsx';
import { Timestamp } from '../../components/timestamp.tsx';

/**
 * A client secret, shown this once (at creation, or after a rotation): Realmkit keeps only a
 * keyed hash of it, and the console keeps it nowhere but in this panel. Focus moves to the panel.
 */
export function SecretPanel({
  title,
  application,
  secret,
  previousExpiresAt,
  gracePeriod,
  onDone,
  nested = false,
  children,
}: {
  title: string;
  application: Pick<Application, 'client_id'>;
  secret: string;
  /** After a rotation: when the previous secret stops (stopped) working. */
  previousExpiresAt?: string;
  /** Whether the rotation kept the previous secret working for a while. */
  gracePeriod?: boolean;
  onDone: () => void;
  /** Inside another panel: a subsection (h3). */
  nested?: boolean;
  /** More actions beside Done (open the new application). */
  children?: ReactNode;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  const titleId = useId();
  const Heading = nested ? 'h3' : 'h2';

  useEffect(() => heading.current?.focus(), []);

  return (
    <section className={nested ? 'secret-panel' : 'panel secret-panel'} aria-labelledby={titleId}>
      <Heading id={titleId} ref={heading} tabIndex={-1}>
        {title}
      </Heading>
      <div className="alert alert-warning">
        <p>
          <strong>Copy the client secret now: you will not see it again.</strong> Realmkit stores only a hash of it. If
          it is lost, rotate the secret to get a new one.
        </p>
      </div>
      <dl className="details-list">
        <dt>Client ID</dt>
        <dd>
          <code>{application.client_id}</code> <CopyButton value={application.client_id} label="the client ID" />
        </dd>
        <dt>Client secret</dt>
        <dd>
          <code className="secret-value">{secret}</code> <CopyButton value={secret} label="the client secret" />
        </dd>
        {previousExpiresAt && (
          <>
            <dt>Previous secret</dt>
            <dd>
              {gracePeriod ? 'Keeps working until ' : 'Stopped working at '}
              <Timestamp value={previousExpiresAt} />
            </dd>
          </>
        )}
      </dl>
      <div className="actions">
        {children}
        <button type="button" className="button button-secondary" onClick={onDone}>
          Done: I have copied it
        </button>
      </div>
    </section>
  );
}
