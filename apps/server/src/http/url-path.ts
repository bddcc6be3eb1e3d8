/** A request URL without its query string: `/api/v1/acme/users?page=2` → `/api/v1/acme/users`. */
export function urlPath(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}
