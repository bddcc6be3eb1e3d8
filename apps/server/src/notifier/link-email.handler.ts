import type { Logger } from 'pino';
import { z } from 'zod';
import { PASSWORD_RESET_REQUESTED, VERIFY_EMAIL_REQUESTED } from '../events/event-types.ts';
import type { ClaimedEvent } from './claimed-event.ts';
import type { EmailTemplates } from './email-templates.ts';
import { type EventHandler, PermanentEventError } from './event-handlers.ts';
import type { Mailer } from './mailer.ts';

const Common = {
  userId: z.uuid(),
  email: z.string().min(3),
  realmName: z.string().min(1),
  expiresAt: z.iso.datetime({ offset: true }),
};

/** The emails that carry a single-use link: their event, template, and the payload field naming the link's row. */
export const LINK_EMAILS = {
  verifyEmail: {
    event: VERIFY_EMAIL_REQUESTED,
    template: 'verify-email',
    payload: z.object({ ...Common, verificationId: z.uuid(), signIn: z.boolean().optional() }),
    linkId: 'verificationId',
  },
  passwordReset: {
    event: PASSWORD_RESET_REQUESTED,
    template: 'password-reset',
    payload: z.object({ ...Common, resetId: z.uuid() }),
    linkId: 'resetId',
  },
} as const;

type LinkEmails = typeof LINK_EMAILS;
export type LinkEmailPayload<K extends keyof LinkEmails> = z.infer<LinkEmails[K]['payload']>;

export interface LinkEmailDeps<K extends keyof LinkEmails> {
  kind: K;
  /** The signed link of the payload's row (EmailVerificationService.link, PasswordResetService.link). */
  linkFor(payload: LinkEmailPayload<K>, expiresAt: Date): string;
  templates: EmailTemplates;
  mailer: Mailer;
  /** The user's current email, or `undefined` when the user no longer exists. */
  findUserEmail(realmId: string, userId: string): Promise<string | undefined>;
  logger: Logger;
  now?: () => Date;
}

function formatExpiry(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * An event asking for a link email → that email (template per realm), with the signed link.
 * Nothing is sent (and the event is done) when the user was deleted, no longer has that address
 * (the link would not work for it), or the link expired before it could be sent.
 */
export function linkEmailHandler<K extends keyof LinkEmails>(deps: LinkEmailDeps<K>): EventHandler {
  const { event: type, template, payload: schema } = LINK_EMAILS[deps.kind];
  const now = deps.now ?? (() => new Date());
  return {
    name: 'email',
    async handle(event: ClaimedEvent): Promise<void> {
      const parsed = schema.safeParse(event.payload);
      if (!parsed.success) {
        const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
        throw new PermanentEventError(`malformed ${type} payload (${problems.join('; ')})`);
      }
      const payload = parsed.data as LinkEmailPayload<K>;
      const log = deps.logger.child({ eventId: event.id, userId: payload.userId, email: template });
      const current = await deps.findUserEmail(event.realmId, payload.userId);
      if (current === undefined) {
        log.info('email not sent: the user was deleted');
        return;
      }
      if (current.toLowerCase() !== payload.email.toLowerCase()) {
        log.info('email not sent: the user changed their email address since');
        return;
      }
      const expiresAt = new Date(payload.expiresAt);
      if (expiresAt.getTime() <= now().getTime()) {
        log.warn('email not sent: its link expired before it could be sent');
        return;
      }
      const link = deps.linkFor(payload, expiresAt);
      const email = await deps.templates.render(template, payload.realmName, {
        realmName: payload.realmName,
        email: payload.email,
        link,
        expiresAt: payload.expiresAt,
        expiresAtText: formatExpiry(expiresAt),
      });
      await deps.mailer.send({ to: payload.email, ...email }, { link, eventId: event.id });
    },
  };
}
