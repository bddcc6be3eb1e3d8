/**
 * `users` → `user`, `identities` → `identity`: the item of a collection that a path names. The
 * server's audit trail names its actions with it (`user.created`), the OpenAPI document its
 * examples (`User not found`).
 */
export function singular(word: string): string {
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  return word.endsWith('s') ? word.slice(0, -1) : word;
}
