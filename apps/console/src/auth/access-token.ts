/**
 * The `scope` claim of an RFC 9068 access token: the Management API scopes the admin's roles
 * hold. Read only to decide what to offer; the server checks the token on every call.
 */
export function scopesOfAccessToken(accessToken: string): ReadonlySet<string> {
  const payload = accessToken.split('.')[1];
  if (!payload) return new Set();
  try {
    const json = new TextDecoder().decode(base64UrlDecode(payload));
    const scope = (JSON.parse(json) as { scope?: unknown }).scope;
    return new Set(typeof scope === 'string' ? scope.split(' ').filter(Boolean) : []);
  } catch {
    return new Set();
  }
}

function base64UrlDecode(text: string): Uint8Array {
  const base64 = text
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(text.length / 4) * 4, '=');
  return Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
}
