import { createHash } from 'node:crypto';
import type { Response } from 'express';
import Mustache from 'mustache';
import type { TemplateFiles } from '../templates/template-files.ts';

/** The sign-in pages' templates, each overridable per realm like the email templates. */
export type SignInTemplate =
  | 'login.html'
  | 'sign-in-message.html'
  | 'forgot-password.html'
  | 'reset-password.html'
  | 'email-not-verified.html';

const STYLE = /<style>([\s\S]*?)<\/style>/g;

/** The origin, or the scheme of a private-use URI (`com.example.app:`), that a form's redirect goes to. */
export function formTargetOf(uri: string): string {
  const url = new URL(uri);
  return url.origin === 'null' ? url.protocol : url.origin;
}

/**
 * The page's Content-Security-Policy: nothing loads but its own inline stylesheets, by their
 * hashes (so an overriding template may restyle the page, and no script ever runs); forms post
 * only to this server and to where their answer redirects (`formTargets`: browsers apply
 * `form-action` to redirects too); no page may frame it (clickjacking).
 */
function contentSecurityPolicy(template: string, formTargets: readonly string[]): string {
  const styleHashes = styleHashesOf(template);
  return [
    "default-src 'none'",
    `style-src ${styleHashes.length > 0 ? [...new Set(styleHashes)].join(' ') : "'none'"}`,
    `form-action 'self' ${[...new Set(formTargets)].join(' ')}`.trim(),
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** The style-src sources of a template's inline stylesheets, by the template's text (the same for every render). */
const styleSources = new Map<string, string[]>();
const MAX_TEMPLATES = 100;

/**
 * Hashes of the template's `<style>` elements. Taken from the template, not the page: a
 * stylesheet holds no mustache tag (it would be escaped for HTML, not CSS), so both are the same.
 */
function styleHashesOf(template: string): string[] {
  let hashes = styleSources.get(template);
  if (!hashes) {
    hashes = [...template.matchAll(STYLE)].map(
      (match) =>
        `'sha256-${createHash('sha256')
          .update(match[1] ?? '')
          .digest('base64')}'`,
    );
    if (styleSources.size >= MAX_TEMPLATES) styleSources.clear();
    styleSources.set(template, hashes);
  }
  return hashes;
}

/** Renders the sign-in pages of a realm from its templates (mustache, HTML-escaped). */
export class SignInPages {
  readonly #files: TemplateFiles;

  constructor(files: TemplateFiles) {
    this.#files = files;
  }

  async send(
    res: Response,
    realm: { name: string; displayName?: string | null },
    template: SignInTemplate,
    page: { status: number; view: Record<string, unknown>; formTargets?: readonly string[] },
  ): Promise<void> {
    const text = await this.#files.read(template, realm.name);
    const html = Mustache.render(text, { realm_display_name: realm.displayName || realm.name, ...page.view });
    res
      .status(page.status)
      .set({
        'Cache-Control': 'no-store',
        Pragma: 'no-cache',
        'Content-Security-Policy': contentSecurityPolicy(text, page.formTargets ?? []),
        'X-Frame-Options': 'DENY',
        // Not no-referrer: under it a browser sends `Origin: null` with the page's form, which the
        // CSRF check must then refuse (Fetch §3.2.5). No Referer leaves for another site either way.
        'Referrer-Policy': 'same-origin',
      })
      .type('html')
      .send(html);
  }

  /** A page that says one thing (an error, or that the user signed out), and maybe offers one button or link. */
  message(
    res: Response,
    realm: { name: string; displayName?: string | null },
    status: number,
    view: {
      title: string;
      message: string;
      confirm?: string;
      action?: string;
      form?: string;
      link_href?: string | undefined;
      link_text?: string;
    },
    formTargets?: readonly string[],
  ): Promise<void> {
    return this.send(res, realm, 'sign-in-message.html', { status, view, ...(formTargets ? { formTargets } : {}) });
  }
}
