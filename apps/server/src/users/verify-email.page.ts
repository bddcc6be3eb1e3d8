import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { EmailVerificationService } from './email-verification.service.ts';
import { LinkError } from './signed-link.ts';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}h1{font-size:1.4rem}';

/** The API's policy (nothing loads), except this page's one inline stylesheet, by its hash. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function page(title: string, message: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`;
}

/** `GET /verify-email?token=...`: the page a verification link opens. */
export function verifyEmailPage(verifications: EmailVerificationService): RequestHandler {
  return async (req, res, next) => {
    res
      .set({
        'Cache-Control': 'no-store',
        'Referrer-Policy': 'no-referrer',
        'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      })
      .type('html');
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    try {
      const { email } = await verifications.confirm(token);
      res.status(200).send(page('Email verified', `${email} is verified. You can close this page.`));
    } catch (error) {
      if (!(error instanceof LinkError)) return next(error);
      res.status(error.status).send(page('Email not verified', error.message));
    }
  };
}
