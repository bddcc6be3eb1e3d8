import { type ReactNode, useEffect } from 'react';

/**
 * A screen's title (its one `<h1>`, also the document's title) and its main actions.
 */
export function PageHeader({ title, children, context }: { title: string; children?: ReactNode; context?: string }) {
  useEffect(() => {
    document.title = `${title}${context ? ` · ${context}` : ''} · Realmkit console`;
  }, [title, context]);
  return (
    <header className="page-header">
      <h1>{title}</h1>
      {children && <div className="page-actions">{children}</div>}
    </header>
  );
}
