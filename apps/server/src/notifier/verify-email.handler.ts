import type { Logger } from 'pino';
import { z } from 'zod';
import { VERIFY_EMAIL_REQUESTED } from '../events/event-types.ts';
import type { ClaimedEvent } from './claimed-event.ts';
import type { EmailTemplates } from './email-templates.ts';
import { type EventHandler, PermanentEventError } from './event-handlers.ts';
import type { Mailer } from './mailer.ts';

export const VERIFY_EMAIL_TEMPLATE = 'verify-email';

const Payload = z.object({
  userId: z.uuid(),
  verificationId: z.uuid(),
  email: z.string().min(3),
  realmName: z.string().min(1),
  expiresAt: z.iso.datetime({ offset: true }),
});

export interface VerifyEmailDeps {
  /** The signed link that verifies `verificationId` (EmailVerificationService.link). */
  linkFor(verificationId: string, expiresAt: Date): string;
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
 * `user.verify_email_requested` → the `verify-email` email, with a signed link. Nothing is sent
 * (and the event is done) when the user was deleted, no longer has that address (the link
 * would not verify it), or the link expired before it could be sent.
 */
export function verifyEmailHandler(deps: VerifyEmailDeps): EventHandler {
  const now = deps.now ?? (() => new Date());
  return {
    name: 'email',
    async handle(event: ClaimedEvent): Promise<void> {
      const parsed = Payload.safeParse(event.payload);
      if (!parsed.success) {
        const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
        throw new PermanentEventError(`malformed ${VERIFY_EMAIL_REQUESTED} payload (${problems.join('; ')})`);
      }
      const payload = parsed.data;
      const log = deps.logger.child({ eventId: event.id, userId: payload.userId });
      const current = await deps.findUserEmail(event.realmId, payload.userId);
      if (current === undefined) {
        log.info('verification email not sent: the user was deleted');
        return;
      }
      if (current.toLowerCase() !== payload.email.toLowerCase()) {
        log.info('verification email not sent: the user changed their email address since');
        return;
      }
      const expiresAt = new Date(payload.expiresAt);
      if (expiresAt.getTime() <= now().getTime()) {
        log.warn('verification email not sent: its link expired before it could be sent');
        return;
      }
      const link = deps.linkFor(payload.verificationId, expiresAt);
      const email = await deps.templates.render(VERIFY_EMAIL_TEMPLATE, payload.realmName, {
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
