import Mustache from 'mustache';
import { BUILT_IN_TEMPLATES_DIR, TemplateFiles } from '../templates/template-files.ts';

export { BUILT_IN_TEMPLATES_DIR };

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

const PLAIN = { escape: (value: unknown) => String(value) };

/**
 * The email templates: `<name>.subject.txt`, `<name>.html`, `<name>.txt`, each rendered with
 * mustache (HTML-escaped in the `.html` only), each looked up per realm ({@link TemplateFiles}).
 */
export class EmailTemplates {
  readonly #files: TemplateFiles;

  constructor(overridesDir: string | undefined, builtInDir = BUILT_IN_TEMPLATES_DIR) {
    this.#files = new TemplateFiles(overridesDir, builtInDir);
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
    return this.#files.candidates(file, realmName);
  }

  #read(file: string, realmName: string): Promise<string> {
    return this.#files.read(file, realmName);
  }
}
