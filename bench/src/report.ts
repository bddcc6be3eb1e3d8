/** One line of the results table. */
export interface Row {
  figure: string;
  /** What was measured, formatted, or `n/a (...)`. */
  measured: string;
  /** The baseline it is divided by, measured in the same run, or `—` for absolute targets. */
  baseline: string;
  ratio: number | undefined;
  target: string;
  /** `undefined`: not measured, or informational only. */
  met: boolean | undefined;
  /** Why a figure may be wrong (errors, non-2xx answers). */
  warning?: string;
}

export const fmt = {
  rate: (perSecond: number, unit: string) => `${Math.round(perSecond).toLocaleString('en-US')} ${unit}`,
  ms: (ms: number) => `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`,
  mb: (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`,
  ratio: (ratio: number | undefined) => (ratio === undefined ? '—' : `${ratio.toFixed(2)}×`),
  met: (met: boolean | undefined) => (met === undefined ? '—' : met ? 'yes' : 'NO'),
};

const cpuNotes: string[] = [];

/**
 * Records the server's CPU time per request of a load (all its threads), printed under the table
 * by {@link cpuTable}: where a rate is bounded by the machine's two cores, this says what each
 * request costs, which the rate alone hides.
 */
export function noteCpu(
  what: string,
  result: { serverCpuMsPerRequest?: number; loadgenCpuMsPerRequest?: number; machineCpuMsPerRequest?: number },
): void {
  const ms = (value: number | undefined) => (value === undefined ? '      n/a' : `${value.toFixed(3).padStart(6)} ms`);
  cpuNotes.push(
    `  ${ms(result.serverCpuMsPerRequest)}  ${ms(result.loadgenCpuMsPerRequest)}  ${ms(result.machineCpuMsPerRequest)}  ${what}`,
  );
}

/** The CPU notes, or nothing when none were taken. */
export function cpuTable(): string {
  if (cpuNotes.length === 0) return '';
  return `\nCPU time per request (from /proc): the server's (all its threads), the load generator's, the whole machine's\n(the machine's includes both, the database and anything else running):\n${cpuNotes.join('\n')}\n`;
}

/** The first answers that broke a load's flows (or why its bodies ran out), if any: why its figure is flagged. */
export function showFailures(what: string, result: { failures?: string[] }): void {
  if (result.failures) progress(`${what}: first failures: ${result.failures.join(' | ')}`);
}

/** Prints a progress line as the run goes. */
export function progress(message: string): void {
  process.stdout.write(`  · ${message}\n`);
}

function pad(cells: string[], widths: number[]): string {
  return `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
}

/** The results as a Markdown table (as docs/performance.md shows it). */
export function table(rows: Row[]): string {
  const header = ['figure', 'measured', 'baseline (same run)', 'ratio', 'target', 'met'];
  const body = rows.map((row) => [
    row.figure,
    row.warning ? `${row.measured} ⚠ ${row.warning}` : row.measured,
    row.baseline,
    fmt.ratio(row.ratio),
    row.target,
    fmt.met(row.met),
  ]);
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((cells) => (cells[i] ?? '').length)));
  return [
    pad(header, widths),
    pad(
      widths.map((w) => '-'.repeat(w)),
      widths,
    ),
    ...body.map((c) => pad(c, widths)),
  ].join('\n');
}

/** A warning for a load whose answers were not all 2xx. */
export function loadWarning(result: { non2xx: number; errors: number }): string | undefined {
  if (result.non2xx === 0 && result.errors === 0) return undefined;
  return `${result.non2xx} non-2xx, ${result.errors} errors`;
}
