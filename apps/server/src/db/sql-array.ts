/**
 * A PostgreSQL array literal of text values (`{"a","b"}`), for a `?::text[]` parameter: `em.execute`
 * writes parameters into the statement, and would write a JavaScript array as a list.
 *
 * @example
 * em.execute('select 1 from t where v = any(?::text[])', [textArray(values)]);
 */
export function textArray(values: readonly string[]): string {
  return `{${values.map((value) => `"${value.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
}
