import type { IncomingMessage } from 'node:http';
import { MAX_BODY_BYTES, MAX_BODY_SIZE, MAX_FORM_PARAMETERS } from '@realmkit/contract';
import { OAuthError } from './oauth-error.ts';

export type OAuthForm = Record<string, string | string[]>;

/** `application/x-www-form-urlencoded`, whatever its case and parameters. */
function isForm(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const semicolon = contentType.indexOf(';');
  const mediaType = (semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  return mediaType === 'application/x-www-form-urlencoded';
}

/** The `charset` parameter of a Content-Type, lower-cased, if any. */
function charsetOf(contentType: string): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType);
  return match?.[1]?.toLowerCase();
}

function unreadable(why: string): OAuthError {
  return new OAuthError('invalid_request', `The request body could not be read as a form (${why})`);
}

/** Keeps a BOM as WHATWG's form parser does ("UTF-8 decode without BOM"), but refuses malformed UTF-8. */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A `%` not followed by two hex digits: WHATWG's form parser keeps it as it is. */
const STRAY_PERCENT = /%(?![0-9A-Fa-f]{2})/g;

/**
 * A name or value of the form, decoded as WHATWG's application/x-www-form-urlencoded parser does
 * (`+` is a space, a stray `%` stays), except that its escapes must spell UTF-8: URLSearchParams
 * turned `%C3%28` or an overlong `%C0%AF` into U+FFFD, as it did raw bytes.
 */
function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' ').replace(STRAY_PERCENT, '%25'));
  } catch {
    throw unreadable('an escape that is not UTF-8');
  }
}

function parse(body: Buffer): OAuthForm {
  let text: string;
  try {
    text = STRICT_UTF8.decode(body);
  } catch {
    throw unreadable('not UTF-8');
  }
  const form: OAuthForm = Object.create(null);
  let count = 0;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    if (++count > MAX_FORM_PARAMETERS) throw unreadable(`more than ${MAX_FORM_PARAMETERS} parameters`);
    const equals = pair.indexOf('=');
    const name = decodeComponent(equals < 0 ? pair : pair.slice(0, equals));
    const value = equals < 0 ? '' : decodeComponent(pair.slice(equals + 1));
    const existing = form[name];
    if (existing === undefined) form[name] = value;
    else if (typeof existing === 'string') form[name] = [existing, value];
    else existing.push(value);
  }
  return form;
}

/**
 * The form of an OAuth request (RFC 6749 §3.2: `application/x-www-form-urlencoded`, UTF-8), or
 * `undefined` when the request says it is something else (the endpoint then answers
 * `invalid_request`). A repeated parameter comes back as an array, which `param` refuses.
 *
 * Read here rather than by body-parser: the token endpoint is the busiest route, and a form of a
 * few hundred bytes in one chunk needs none of its content negotiation. Compressed bodies and
 * charsets other than UTF-8 are refused, as `invalid_request`.
 *
 * @example
 * const form = await readOAuthForm(req); // { grant_type: 'client_credentials', scope: 'a b' }
 */
export function readOAuthForm(req: IncomingMessage): Promise<OAuthForm | undefined> {
  const contentType = req.headers['content-type'];
  if (!isForm(contentType)) return Promise.resolve(undefined);
  const charset = charsetOf(contentType as string);
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    return Promise.reject(unreadable(`charset ${charset} is not supported; send UTF-8`));
  }
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    return Promise.reject(unreadable(`Content-Encoding ${encoding} is not supported`));
  }
  const declared = req.headers['content-length'];
  // As for JSON bodies: a token or introspection request is a few hundred bytes.
  if (declared !== undefined && Number(declared) > MAX_BODY_BYTES) {
    return Promise.reject(unreadable(`larger than ${MAX_BODY_SIZE}`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      if (length > MAX_BODY_BYTES) {
        cleanup();
        reject(unreadable(`larger than ${MAX_BODY_SIZE}`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      try {
        const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, length);
        resolve(parse(body));
      } catch (error) {
        reject(error);
      }
    };
    const onError = () => {
      cleanup();
      reject(unreadable('the request was aborted'));
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onError);
  });
}
