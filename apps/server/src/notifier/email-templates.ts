import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Mustache from 'mustache';

/** `apps/server/templates/`, from `src/notifier/` and from `dist/notifier/` alike. */
export const BUILT_IN_TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

const PLAIN = { escape: (value: unknown) => String(value) };

/**
 * The email templates: `<name>.subject.txt`, `<name>.html`, `<name>.txt`, each rendered with
 * mustache (HTML-escaped in the `.html` only). Each file is looked up, first found wins, in
 * `REALMKIT_TEMPLATES_DIR/<realm name>/`, then `REALMKIT_TEMPLATES_DIR/`, then the built-in
 * templates. Files are read on every render, so an edited template applies to the next email.
 */
export class EmailTemplates {
  readonly #overridesDir: string | undefined;
  readonly #builtInDir: string;

  constructor(overridesDir: string | undefined, builtInDir = BUILT_IN_TEMPLATES_DIR) {
    this.#overridesDir = overridesDir;
    this.#builtInDir = builtInDir;
  }

  async render(name: string, realmName: string, view: Record<string, unknown>): Promise<RenderedEmail> {
    const [subject, html, text] = await Promise.all([
      this.#read(`${name}.subject.txt`, realmName),
      this.#read(`${name}.html`, realmName),
      this.#read(`${name}.txt`, realmName),
    ]);
    return {
      subject: Mustache.render(subject, view, {}, PLAIN).replace(/\s+/g, ' ').trim(),
      html: Mustache.render(html, view),
      text: Mustache.render(text, view, {}, PLAIN),
    };
  }

  /** Where `file` is read from for `realmName`, in lookup order. */
  candidates(file: string, realmName: string): string[] {
    const dirs: string[] = [];
    if (this.#overridesDir) {
      // Realm names are slugs; anything that could step out of the directory gets no realm override.
      if (/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(realmName)) dirs.push(path.join(this.#overridesDir, realmName));
      dirs.push(this.#overridesDir);
    }
    dirs.push(this.#builtInDir);
    return dirs.map((dir) => path.join(dir, file));
  }

  async #read(file: string, realmName: string): Promise<string> {
    for (const candidate of this.candidates(file, realmName)) {
      try {
        return await readFile(candidate, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    throw new Error(`email template ${file} not found`);
  }
}
