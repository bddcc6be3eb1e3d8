import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Request, Response } from 'express';

/** A file served under a content-hashed name: cached for a year, compressed once. */
export interface StaticAsset {
  /** Its URL path. */
  readonly path: string;
  readonly body: Buffer;
  readonly contentType: string;
  readonly etag: string;
  /** Compressed on first demand, off the event loop (a bundle is megabytes). */
  gzipped?: Promise<Buffer>;
}

const IMMUTABLE = 'public, max-age=31536000, immutable';
const gzipAsync = promisify(gzip);

/** The asset `body` at `path`, its entity tag a hash of its bytes. */
export function staticAsset(path: string, body: Buffer, contentType: string): StaticAsset {
  const hash = createHash('sha256').update(body).digest('base64url').slice(0, 22);
  return { path, body, contentType, etag: `"${hash}"` };
}

/** A hash of `body`, for a file name that changes with its content. */
export function contentHash(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 16);
}

/** Answers `asset`, gzipped when the client accepts it. */
export async function sendStaticAsset(req: Request, res: Response, asset: StaticAsset): Promise<void> {
  res.set({
    'Content-Type': asset.contentType,
    'Cache-Control': IMMUTABLE,
    ETag: asset.etag,
    Vary: 'Accept-Encoding',
    'X-Content-Type-Options': 'nosniff',
  });
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    asset.gzipped ??= gzipAsync(asset.body);
    const gzipped = await asset.gzipped;
    res.set('Content-Encoding', 'gzip');
    res.send(gzipped);
    return;
  }
  res.send(asset.body);
}
