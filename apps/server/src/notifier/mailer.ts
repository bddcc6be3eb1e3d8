import type { Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import { redactUrl } from '../http/logger.ts';

export interface EmailMessage {
  to: string;
  subject: string;
  html: string;
  text: string;
}

/** Sends an email, or throws (the event is then retried). */
export interface Mailer {
  /** `details` go to the log where the mailer logs instead of sending (the link, say). */
  send(message: EmailMessage, details?: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

/** An SMTP URL fit for a log line: the password, if any, replaced. */
export function describeSmtpUrl(smtpUrl: string): string {
  try {
    const url = new URL(smtpUrl);
    if (url.password) url.password = '***';
    url.search = '';
    return url.toString();
  } catch {
    return 'smtp://(unparseable)';
  }
}

/**
 * nodemailer over `SMTP_URL` (`smtp://user:pass@host:587`, STARTTLS when offered; `smtps://` for
 * TLS). nodemailer is imported and its pool made on the first email, not at start: its modules
 * are megabytes that a server which sends no email would carry for its whole life.
 */
export class SmtpMailer implements Mailer {
  readonly #smtpUrl: string;
  readonly #from: string;
  #transport: Promise<Transporter> | undefined;

  constructor(smtpUrl: string, from: string) {
    this.#smtpUrl = smtpUrl;
    this.#from = from;
  }

  #transporter(): Promise<Transporter> {
    this.#transport ??= import('nodemailer').then(({ createTransport }) =>
      createTransport({
        url: this.#smtpUrl,
        pool: true,
        maxConnections: 3,
        // Well below the notifier's lease, so a hung server fails the attempt instead of the lease.
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 20_000,
      }),
    );
    return this.#transport;
  }

  async send(message: EmailMessage): Promise<void> {
    await (await this.#transporter()).sendMail({ from: this.#from, ...message });
  }

  async close(): Promise<void> {
    (await this.#transport)?.close();
  }
}

/**
 * Without `SMTP_URL`: logs what would have been sent (recipient, subject, link), so that a first
 * start works without a mail server and a developer can open the link from the log. In production
 * (`NODE_ENV=production`) the link is logged without its token: a single-use credential (it
 * verifies an address, or sets a password) never reaches a production log.
 */
export class LogMailer implements Mailer {
  readonly #logger: Logger;
  readonly #withTokens: boolean;

  constructor(logger: Logger, options: { production: boolean }) {
    this.#logger = logger;
    this.#withTokens = !options.production;
  }

  async send(message: EmailMessage, details: Record<string, unknown> = {}): Promise<void> {
    const { link, ...rest } = details;
    const logged =
      typeof link === 'string' ? { ...rest, link: this.#withTokens ? link : redactUrl(link) } : { ...rest };
    this.#logger.info(
      { to: message.to, subject: message.subject, ...logged },
      this.#withTokens
        ? 'email not sent (SMTP_URL is not set); logged instead'
        : "email not sent (SMTP_URL is not set); logged without its link's token (NODE_ENV=production)",
    );
  }

  async close(): Promise<void> {}
}
