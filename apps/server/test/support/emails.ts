import { createNotifier } from '../../src/notifier/create-notifier.ts';
import { capturingLogger } from './capturing-logger.ts';
import { waitFor } from './outbox-helpers.ts';
import { SmtpTestServer } from './smtp-test-server.ts';
import type { TestServer } from './test-server.ts';

/** A real SMTP server, and a notifier that sends `realmId`'s emails through it with links to `server`. */
export interface TestEmails {
  smtp: SmtpTestServer;
  /** The link to `path` (`/reset-password`, `/verify-email`) in the newest email to `address`, once one has come. */
  linkIn(address: string, path: string, count?: number): Promise<string>;
  close(): Promise<void>;
}

/** Emails for one test file's realm (test files share a database: a notifier keeps to its realm). */
export async function startTestEmails(server: TestServer, realmId: string): Promise<TestEmails> {
  const smtp = await SmtpTestServer.start({ user: 'mailer', pass: 'smtp-test-password' });
  const notifier = createNotifier(
    server.services,
    {
      issuerUrl: server.url,
      smtpUrl: smtp.url,
      smtpFrom: 'Realmkit <no-reply@localhost>',
      templatesDir: undefined,
      eventsUrl: undefined,
      production: false,
    },
    capturingLogger().logger,
    { realmId, pollIntervalMs: 50, leaseMs: 2_000, backoff: { baseMs: 100, maxMs: 1_000 } },
  );
  notifier.start();
  return {
    smtp,
    async linkIn(address, path, count) {
      const email = await waitFor(
        `email ${count ?? 'any'} to ${address}`,
        () => (count === undefined ? smtp.to(address).at(-1) : smtp.to(address)[count - 1]),
        10_000,
      );
      const link = new RegExp(`(https?://\\S+${path}\\?token=\\S+)`).exec(email.text)?.[1];
      if (!link) throw new Error(`no ${path} link in ${email.text}`);
      return link;
    },
    async close() {
      await notifier.stop();
      await smtp.close();
    },
  };
}
