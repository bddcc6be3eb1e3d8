import { useEffect, useState } from 'react';

/** Copies `value` to the clipboard and says so (politely, to screen readers too). */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const [result, setResult] = useState<'copied' | 'failed'>();

  useEffect(() => {
    if (!result) return;
    const timer = setTimeout(() => setResult(undefined), 2_000);
    return () => clearTimeout(timer);
  }, [result]);

  return (
    <span className="copy">
      <button
        type="button"
        className="button button-small button-secondary"
        onClick={() =>
          navigator.clipboard.writeText(value).then(
            () => setResult('copied'),
            () => setResult('failed'),
          )
        }
      >
        Copy<span className="visually-hidden"> {label}</span>
      </button>
      <span role="status" className="copy-status">
        {result === 'copied' ? 'Copied' : result === 'failed' ? 'Could not copy' : ''}
      </span>
    </span>
  );
}
