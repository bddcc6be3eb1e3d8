import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** `apps/server/templates/`, from `src/templates/` and from `dist/templates/` alike. */
export const BUILT_IN_TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

/** How long a file read is kept. */
const KEEP_MS = 1_000;
const MAX_KEPT = 1_000;

/** Realm names are slugs; anything that could step out of the directory gets no realm override. */
const SAFE_REALM_DIR = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/**
 * The files that emails and pages are rendered from. Each is looked up, first found wins, in
 * `REALMKIT_TEMPLATES_DIR/<realm name>/`, then `REALMKIT_TEMPLATES_DIR/`, then the built-in
 * templates. What was read is kept for a second: a login page is rendered on every sign-in, and an
 * edited template still applies within a second.
 *
 * @example
 * const files = new TemplateFiles(process.env.REALMKIT_TEMPLATES_DIR);
 * await files.read('login.html', 'acme'); // acme's own login page, else the shared one, else the built-in
 */
export class TemplateFiles {
  readonly #overridesDir: string | undefined;
  readonly #builtInDir: string;
  readonly #read = new Map<string, { text: Promise<string>; until: number }>();

  constructor(overridesDir: string | undefined, builtInDir = BUILT_IN_TEMPLATES_DIR) {
    this.#overridesDir = overridesDir;
    this.#builtInDir = builtInDir;
  }

  /** Where `file` is read from for `realmName`, in lookup order. */
  candidates(file: string, realmName: string): string[] {
    const dirs: string[] = [];
    if (this.#overridesDir) {
      if (SAFE_REALM_DIR.test(realmName)) dirs.push(path.join(this.#overridesDir, realmName));
      dirs.push(this.#overridesDir);
    }
    dirs.push(this.#builtInDir);
    return dirs.map((dir) => path.join(dir, file));
  }

  read(file: string, realmName: string): Promise<string> {
    const key = `${realmName}/${file}`;
    const now = Date.now();
    const kept = this.#read.get(key);
    if (kept && now < kept.until) return kept.text;
    const text = this.#readFirst(file, realmName);
    // One entry per realm and file read within a second, at most MAX_KEPT; a failed read is not kept.
    if (this.#read.size >= MAX_KEPT) this.#read.clear();
    this.#read.set(key, { text, until: now + KEEP_MS });
    text.catch(() => this.#read.delete(key));
    return text;
  }

  async #readFirst(file: string, realmName: string): Promise<string> {
    for (const candidate of this.candidates(file, realmName)) {
      try {
        return await readFile(candidate, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    throw new Error(`template ${file} not found`);
  }
}
