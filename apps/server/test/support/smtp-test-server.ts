import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One email as the SMTP server received it, with the parts the tests look at decoded. */
export interface ReceivedEmail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  raw: string;
  receivedAt: number;
}

export interface SmtpTestServerOptions {
  user: string;
  pass: string;
  /** Answers RCPT TO for `address` with a 451 (temporary failure) when it returns a reason. */
  reject?: (address: string) => string | undefined;
}

function decodeQuotedPrintable(body: string): string {
  const bytes = body
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

function decodeBody(headers: string, body: string): string {
  const encoding = /content-transfer-encoding:\s*([\w-]+)/i.exec(headers)?.[1]?.toLowerCase();
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return body;
}

/** Enough MIME for nodemailer's output: headers, and the text/plain and text/html parts. */
export function parseEmail(raw: string): Pick<ReceivedEmail, 'subject' | 'text' | 'html'> {
  const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
  const headers = head.replace(/\r?\n[ \t]+/g, ' ');
  const subject = /^subject:\s*(.*)$/im.exec(headers)?.[1] ?? '';
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(headers)?.[1];
  const parts = boundary ? rest.join('\n\n').split(`--${boundary}`) : [raw];
  let text = '';
  let html = '';
  for (const part of parts) {
    const split = part.search(/\r?\n\r?\n/);
    if (split < 0) continue;
    const partHeaders = part.slice(0, split);
    const body = decodeBody(partHeaders, part.slice(split).trim());
    if (/content-type:\s*text\/plain/i.test(partHeaders)) text = body;
    if (/content-type:\s*text\/html/i.test(partHeaders)) html = body;
  }
  return { subject, text, html };
}

/** A real SMTP server on a loopback port (AUTH PLAIN/LOGIN, no TLS) that keeps what it receives. */
export class SmtpTestServer {
  readonly received: ReceivedEmail[] = [];
  /** Every RCPT TO refused, in order. */
  readonly rejections: { to: string; at: number; reason: string }[] = [];
  readonly #server: SMTPServer;
  readonly #options: SmtpTestServerOptions;
  #port = 0;

  private constructor(options: SmtpTestServerOptions) {
    this.#options = options;
    this.#server = new SMTPServer({
      logger: false,
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      onAuth: (auth, _session, callback) => {
        if (auth.username === options.user && auth.password === options.pass) callback(null, { user: auth.username });
        else callback(new Error('Invalid username or password'));
      },
      onRcptTo: (address, _session, callback) => {
        const reason = this.#options.reject?.(address.address);
        if (!reason) return callback();
        this.rejections.push({ to: address.address, at: Date.now(), reason });
        const error = Object.assign(new Error(reason), { responseCode: 451 });
        callback(error);
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          this.received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            ...parseEmail(raw),
            raw,
            receivedAt: Date.now(),
          });
          callback();
        });
      },
    });
  }

  static async start(options: SmtpTestServerOptions): Promise<SmtpTestServer> {
    const server = new SmtpTestServer(options);
    await new Promise<void>((resolve, reject) => {
      server.#server.once('error', reject);
      server.#server.listen(0, '127.0.0.1', () => resolve());
    });
    server.#port = (server.#server.server.address() as AddressInfo).port;
    return server;
  }

  /** `smtp://user:pass@127.0.0.1:<port>`, for `SMTP_URL`. */
  get url(): string {
    return `smtp://${encodeURIComponent(this.#options.user)}:${encodeURIComponent(this.#options.pass)}@127.0.0.1:${this.#port}`;
  }

  /** Changes which recipients are refused from now on. */
  setReject(reject: SmtpTestServerOptions['reject']): void {
    this.#options.reject = reject;
  }

  to(address: string): ReceivedEmail[] {
    return this.received.filter((email) => email.to.includes(address));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
