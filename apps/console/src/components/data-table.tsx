import { Fragment, type ReactNode, useId } from 'react';

export interface Column<Row> {
  /** Column header text. */
  header: string;
  cell: (row: Row) => ReactNode;
  /** The cell that names the row (a row header, for screen readers). */
  isRowHeader?: boolean;
  className?: string;
}

export interface DataTableProps<Row> {
  caption: string;
  columns: readonly Column<Row>[];
  rows: readonly Row[] | undefined;
  rowKey: (row: Row) => string;
  /** No data yet: a skeleton of rows. */
  isLoading?: boolean;
  /** What to show when there are no rows: a sentence and a call to action. */
  empty: ReactNode;
  /** Paging controls under the table (a {@link Pager}). */
  pager?: ReactNode;
  /** Loading a new page while the old one is shown. */
  isFetching?: boolean;
  /**
   * What an expanded row shows, in a full-width row under it (`null`: the row is not expanded).
   * The screen keeps which rows are expanded, and the buttons that toggle them.
   */
  expansion?: (row: Row) => ReactNode;
}

const SKELETON_ROWS = 5;

/**
 * A table with a caption and column headers, in a region that scrolls sideways on a narrow
 * screen (focusable, so the keyboard scrolls it too), a skeleton while loading, an empty state
 * and the pager.
 */
export function DataTable<Row>({
  caption,
  columns,
  rows,
  rowKey,
  isLoading = false,
  empty,
  pager,
  isFetching = false,
  expansion,
}: DataTableProps<Row>) {
  const captionId = useId();
  if (!isLoading && rows && rows.length === 0) return <div className="empty-state">{empty}</div>;
  // Not loading and nothing to show: the list failed, and its error says so above the table.
  if (!isLoading && !rows) return null;
  return (
    <div className="data-table">
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (WCAG 2.1.1). */}
      <section className="table-scroll" aria-labelledby={captionId} tabIndex={0}>
        <table aria-busy={isLoading || isFetching ? true : undefined}>
          <caption id={captionId}>{caption}</caption>
          <thead>
            <tr>
              {columns.map((column) => (
                <th key={column.header} scope="col" className={column.className}>
                  {column.header}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {isLoading || !rows
              ? Array.from({ length: SKELETON_ROWS }, (_, index) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: placeholder rows have nothing else to be told apart by.
                  <tr key={index} className="skeleton-row">
                    {columns.map((column) => (
                      <td key={column.header}>
                        <span className="skeleton" />
                      </td>
                    ))}
                  </tr>
                ))
              : rows.map((row) => {
                  const expanded = expansion?.(row);
                  return (
                    <Fragment key={rowKey(row)}>
                      <tr className={expanded != null ? 'row-expanded' : undefined}>
                        {columns.map((column) =>
                          column.isRowHeader ? (
                            <th key={column.header} scope="row" className={column.className}>
                              {column.cell(row)}
                            </th>
                          ) : (
                            <td key={column.header} className={column.className}>
                              {column.cell(row)}
                            </td>
                          ),
                        )}
                      </tr>
                      {expanded != null && (
                        <tr className="row-expansion">
                          <td colSpan={columns.length}>{expanded}</td>
                        </tr>
                      )}
                    </Fragment>
                  );
                })}
          </tbody>
        </table>
        {isLoading && <p className="visually-hidden">Loading…</p>}
      </section>
      {pager}
    </div>
  );
}

export interface PagerProps {
  /** "21–40 of 1,000,000": where the admin is. */
  summary: string;
  onPrevious?: (() => void) | undefined;
  onNext?: (() => void) | undefined;
  /** What the table lists, for the buttons' accessible names ("Next page of users"). */
  label: string;
}

/** Previous/Next under a table; a button without a handler is disabled (first or last page). */
export function Pager({ summary, onPrevious, onNext, label }: PagerProps) {
  return (
    <nav className="pager" aria-label={`Pages of ${label}`}>
      <button type="button" className="button button-secondary" onClick={onPrevious} disabled={!onPrevious}>
        Previous<span className="visually-hidden"> page of {label}</span>
      </button>
      <span className="pager-summary" aria-live="polite">
        {summary}
      </span>
      <button type="button" className="button button-secondary" onClick={onNext} disabled={!onNext}>
        Next<span className="visually-hidden"> page of {label}</span>
      </button>
    </nav>
  );
}

const numberFormat = new Intl.NumberFormat();

/** "21–40 of 1,000,000" for items `first`.. of `total`. */
export function rangeSummary(first: number, count: number, total: number): string {
  if (count === 0) return `0 of ${numberFormat.format(total)}`;
  return `${numberFormat.format(first)}–${numberFormat.format(first + count - 1)} of ${numberFormat.format(total)}`;
}
