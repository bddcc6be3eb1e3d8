import type { APIPromise } from '@realmkit/sdk';

/** A resource with the `ETag` it was read with: an edit sends it back as `ifMatch`. */
export interface Versioned<T> {
  data: T;
  etag: string | undefined;
}

/** Reads a single result with its `ETag`. */
export async function versioned<T>(call: APIPromise<T>): Promise<Versioned<T>> {
  const { data, response } = await call.withResponse();
  return { data, etag: response.etag ?? undefined };
}
