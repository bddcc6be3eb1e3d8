/** `{ data, meta }`, the body of every v1 list. */
export function listBody<T, B, M>(page: { items: T[]; meta: M }, present: (item: T) => B): { data: B[]; meta: M } {
  return { data: page.items.map(present), meta: page.meta };
}
