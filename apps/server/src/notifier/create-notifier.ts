import { RequestContext } from '@mikro-orm/core';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import type { Orm } from '../db/orm.ts';
import { NotFoundError } from '../errors/api-error.ts';
import type { OutboxSignal } from '../events/outbox-signal.ts';
import type { EmailVerificationService } from '../users/email-verification.service.ts';
import type { PasswordResetService } from '../users/password-reset.service.ts';
import type { UserService } from '../users/user.service.ts';
import { EmailTemplates } from './email-templates.ts';
import { EventHandlers } from './event-handlers.ts';
import type { EventPublisher } from './event-publisher.ts';
import { publishHandler } from './event-publisher.ts';
import { LINK_EMAILS, linkEmailHandler } from './link-email.handler.ts';
import { describeSmtpUrl, LogMailer, type Mailer, SmtpMailer } from './mailer.ts';
import { NatsJetStreamPublisher } from './nats-publisher.ts';
import { Notifier, type NotifierOptions } from './notifier.ts';

export type NotifierConfig = Pick<
  Config,
  'issuerUrl' | 'smtpUrl' | 'smtpFrom' | 'templatesDir' | 'eventsUrl' | 'production'
>;

/** What the notifier reads through: the composition root's services (services.ts). */
export interface NotifierServices {
  orm: Orm;
  users: Pick<UserService, 'get'>;
  emailVerifications: Pick<EmailVerificationService, 'link'>;
  passwordResets: Pick<PasswordResetService, 'link'>;
  outbox: Pick<OutboxSignal, 'subscribe'>;
}

export interface NotifierParts {
  /** Replaces the mailer `SMTP_URL` selects (tests). */
  mailer?: Mailer;
  /** Replaces the publisher `REALMKIT_EVENTS_URL` selects. */
  publisher?: EventPublisher;
}

/**
 * The notifier as configured: the `verify-email` email for `user.verify_email_requested` and the
 * `password-reset` email for `user.password_reset_requested` (SMTP, or logged without `SMTP_URL`), and, with `REALMKIT_EVENTS_URL`, every event published to NATS
 * JetStream. Subscribed to `services.outbox`, so the API's `notify()` wakes it. Not started.
 */
export function createNotifier(
  services: NotifierServices,
  config: NotifierConfig,
  logger: Logger,
  options: Partial<NotifierOptions> = {},
  parts: NotifierParts = {},
): Notifier {
  const log = logger.child({ component: 'notifier' });
  const mailer =
    parts.mailer ??
    (config.smtpUrl
      ? new SmtpMailer(config.smtpUrl, config.smtpFrom)
      : new LogMailer(log, { production: config.production }));
  const publisher =
    parts.publisher ?? (config.eventsUrl ? new NatsJetStreamPublisher(config.eventsUrl, log) : undefined);
  log.info(
    {
      smtp: config.smtpUrl
        ? describeSmtpUrl(config.smtpUrl)
        : config.production
          ? 'none (emails are logged, their links without tokens)'
          : 'none (emails are logged, with their links)',
      publisher: publisher?.name ?? 'none',
      templates: config.templatesDir ?? 'built-in',
    },
    'notifier configured',
  );

  const templates = new EmailTemplates(config.templatesDir);
  const findUserEmail = (realmId: string, userId: string) =>
    RequestContext.create(services.orm.em, async () => {
      try {
        return (await services.users.get(realmId, userId)).email;
      } catch (error) {
        if (error instanceof NotFoundError) return undefined;
        throw error;
      }
    });
  const emailDeps = { templates, mailer, findUserEmail, logger: log };
  const handlers = new EventHandlers()
    .on(
      LINK_EMAILS.verifyEmail.event,
      linkEmailHandler({
        ...emailDeps,
        kind: 'verifyEmail',
        linkFor: (payload, expiresAt) =>
          services.emailVerifications.link(config.issuerUrl, payload.verificationId, expiresAt, {
            signInRealm: payload.signIn ? payload.realmName : undefined,
          }),
      }),
    )
    .on(
      LINK_EMAILS.passwordReset.event,
      linkEmailHandler({
        ...emailDeps,
        kind: 'passwordReset',
        linkFor: (payload, expiresAt) =>
          services.passwordResets.link(config.issuerUrl, payload.realmName, payload.resetId, expiresAt),
      }),
    );
  if (publisher) handlers.onEvery(publishHandler(publisher));

  let unsubscribe = () => {};
  const notifier = new Notifier(services.orm, handlers, log, options, async () => {
    unsubscribe();
    await Promise.all([mailer.close(), publisher?.close()]);
  });
  unsubscribe = services.outbox.subscribe(() => notifier.wake());
  return notifier;
}
