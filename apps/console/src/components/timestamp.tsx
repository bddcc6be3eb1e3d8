const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** An ISO timestamp in the admin's locale and time zone, machine-readable in `dateTime`. */
export function Timestamp({ value, empty = '—' }: { value: string | null | undefined; empty?: string }) {
  if (!value) return <>{empty}</>;
  return <time dateTime={value}>{dateTimeFormat.format(new Date(value))}</time>;
}
