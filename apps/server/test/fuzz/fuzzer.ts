import { Agent } from 'node:http';
import { OpenApiValidator } from '../support/openapi-validator.ts';
import { type Finding, type FindingKind, findingsOf, operationServing } from './checks.ts';
import { Fixtures } from './fixtures.ts';
import { type OpenApiDocument, operationsOf, readDocument } from './operations.ts';
import { Gen, requestSeed } from './random.ts';
import { buildRequest, type FuzzRequest } from './requests.ts';
import { type RawResponse, send } from './send.ts';

export interface FuzzOptions {
  /** The server under test, e.g. `http://127.0.0.1:8080`. */
  readonly baseUrl: string;
  /** A master-realm token with every management scope: the fuzzer makes its own realms with it. */
  readonly adminToken: string;
  readonly seed: number;
  readonly requests: number;
  /** Requests in flight at once (default 8). */
  readonly concurrency?: number;
  /** Only these request indexes of the run (to replay failures). */
  readonly only?: readonly number[];
  /** Default: the committed `packages/contract/openapi.json`. */
  readonly document?: OpenApiDocument;
  readonly timeoutMs?: number;
  /** Progress lines (every 10 % of the run). */
  readonly progress?: (line: string) => void;
}

export interface Failure {
  readonly kind: FindingKind;
  readonly detail: string;
  /** The request's index in the run; -1 for the audit log read back after it. */
  readonly index: number;
  readonly operationId: string;
  readonly status: number | undefined;
  readonly strategies: readonly string[];
  readonly requestId: string | undefined;
  /** The request as a command line, and how to replay it. */
  readonly reproducer: string;
}

export interface FuzzReport {
  readonly seed: number;
  readonly requests: number;
  readonly seconds: number;
  readonly byStatus: Readonly<Record<string, number>>;
  readonly byOperation: Readonly<Record<string, number>>;
  /** Operations of the document (each gets every n-th request). */
  readonly operations: number;
  readonly failures: readonly Failure[];
}

/** Fixtures are made again (after fuzzed DELETEs) every this many requests. */
const REFRESH_EVERY = 100;

/** The audit log read back after a run, 100 entries a page: a 20,000-request run writes fewer. */
const READ_BACK_PAGES = 200;

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function describeBody(body: Buffer): string {
  const text = body.toString('utf8');
  if (body.length <= 300) return shellQuote(text);
  return `${shellQuote(text.slice(0, 120))}…(${body.length} bytes)`;
}

/** `curl` for the request as sent; the admin token shown as `$TOKEN`. */
export function curlOf(baseUrl: string, request: FuzzRequest, adminToken: string): string {
  const path = request.path.length > 300 ? `${request.path.slice(0, 300)}…(${request.path.length})` : request.path;
  const parts = ['curl', '-X', request.method, shellQuote(`${baseUrl}${path}`)];
  for (const [name, value] of Object.entries(request.headers)) {
    const shown = value.replace(adminToken, '$TOKEN');
    parts.push('-H', shellQuote(`${name}: ${shown.length > 200 ? `${shown.slice(0, 200)}…(${shown.length})` : shown}`));
  }
  if (request.chunked) parts.push('-H', "'transfer-encoding: chunked'");
  if (request.body) parts.push('--data-binary', describeBody(request.body));
  return parts.join(' ');
}

/**
 * Fuzzes every operation of the OpenAPI document over HTTP: request `i` goes to operation
 * `i mod n` and is generated from its own seed (see {@link requestSeed}), so a run is
 * reproducible from its seed and one request from `(seed, i)`. Works in realms it makes and
 * deletes afterwards; never addresses the master realm.
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const document = options.document ?? readDocument();
  const operations = operationsOf(document);
  const validator = new OpenApiValidator(document as ConstructorParameters<typeof OpenApiValidator>[0]);
  const baseUrl = new URL(options.baseUrl);
  const concurrency = options.concurrency ?? 8;
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const fixtures = new Fixtures(options.baseUrl, options.adminToken);
  await fixtures.setUp();

  const indexes = options.only ? [...options.only] : Array.from({ length: options.requests }, (_, i) => i);
  const byStatus: Record<string, number> = {};
  const byOperation: Record<string, number> = {};
  const failures: Failure[] = [];
  let next = 0;
  let done = 0;
  let refreshing: Promise<void> | undefined;
  let stopped = false;
  const started = performance.now();

  const fail = (findings: readonly Finding[], request: FuzzRequest, response: RawResponse | undefined) => {
    for (const finding of findings) {
      failures.push({
        ...finding,
        index: request.index,
        operationId: request.operationId,
        status: response?.status,
        strategies: request.strategies,
        requestId: response?.requestId,
        reproducer:
          (request.index >= 0 ? `npm run fuzz -- --seed ${options.seed} --only ${request.index}\n    ` : '') +
          curlOf(options.baseUrl, request, options.adminToken),
      });
    }
  };

  const record = (request: FuzzRequest, response: RawResponse | undefined, error: unknown) => {
    const status = response ? String(response.status) : 'none';
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    byOperation[request.operationId] = (byOperation[request.operationId] ?? 0) + 1;
    fail(
      response
        ? findingsOf(validator, request, response)
        : [{ kind: 'no response' as const, detail: error instanceof Error ? error.message : String(error) }],
      request,
      response,
    );
    if (!response) return;
    if (request.deletes && response.status === 204) fixtures.markDeleted(request.deletes);
    const served = operationServing(validator, request.method, request.path);
    if (served?.operationId === 'realms_create' && response.status === 201) {
      const id = (JSON.parse(response.text) as { data?: { id?: string } }).data?.id;
      if (id) fixtures.realmCreated(id);
    }
  };

  const worker = async () => {
    for (;;) {
      const position = next++;
      if (stopped || position >= indexes.length) return;
      if (position > 0 && position % REFRESH_EVERY === 0) {
        refreshing = fixtures.refresh();
        await refreshing;
      } else if (refreshing) {
        await refreshing;
      }
      const index = indexes[position] as number;
      const operation = operations[index % operations.length];
      if (!operation) throw new Error('the OpenAPI document has no operations');
      const request = buildRequest(operation, index, new Gen(requestSeed(options.seed, index)), fixtures);
      try {
        record(request, await send(agent, baseUrl, request, options.timeoutMs ?? 30_000), undefined);
      } catch (error) {
        record(request, undefined, error);
      }
      done += 1;
      if (options.progress && done % Math.max(1, Math.floor(indexes.length / 10)) === 0) {
        const seconds = (performance.now() - started) / 1000;
        options.progress(
          `${done}/${indexes.length} requests, ${(done / seconds).toFixed(0)}/s, ${failures.length} failures`,
        );
      }
    }
  };

  try {
    await Promise.all(
      Array.from({ length: concurrency }, () =>
        worker().catch((error: unknown) => {
          stopped = true;
          throw error;
        }),
      ),
    );
    // The audit log echoes what the run sent (ids, field names, paths, request ids): every entry
    // the run left must still list as the document says. Index -1: not a request of the run.
    for (let page = 1; page <= READ_BACK_PAGES; page++) {
      const request: FuzzRequest = {
        index: -1,
        operationId: 'auditLogs_list',
        method: 'GET',
        path: `/api/v1/${fixtures.realm.id}/audit-logs?per_page=100&page=${page}`,
        headers: { authorization: `Bearer ${options.adminToken}` },
        body: undefined,
        chunked: false,
        strategies: ['read back the audit log the run wrote'],
        deletes: undefined,
      };
      const response = await send(agent, baseUrl, request, options.timeoutMs ?? 30_000);
      const findings = findingsOf(validator, request, response);
      fail(findings, request, response);
      if (findings.length > 0 || response.status !== 200) break;
      if ((JSON.parse(response.text) as { data: unknown[] }).data.length < 100) break;
    }
  } finally {
    agent.destroy();
    await fixtures.tearDown();
  }
  return {
    seed: options.seed,
    requests: indexes.length,
    seconds: (performance.now() - started) / 1000,
    byStatus,
    byOperation,
    operations: operations.length,
    failures,
  };
}

/** The report as `npm run fuzz` prints it: rate, statuses, and each kind of failure once with a reproducer. */
export function formatReport(report: FuzzReport, maxShown = 25): string {
  const lines = [
    `seed ${report.seed}: ${report.requests} requests over ${report.operations} operations in ${report.seconds.toFixed(1)} s ` +
      `(${(report.requests / report.seconds).toFixed(0)} requests/s)`,
    `statuses: ${Object.entries(report.byStatus)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([status, count]) => `${status}×${count}`)
      .join('  ')}`,
  ];
  if (report.failures.length === 0) {
    lines.push('failures: none (no status ≥ 500, no stack trace, every error in the documented shape)');
    return lines.join('\n');
  }
  const distinct = new Map<string, Failure[]>();
  for (const failure of report.failures) {
    const key = `${failure.kind} ${failure.operationId} ${failure.status} ${failure.strategies.map((s) => s.split(':')[0]).join('+')}`;
    distinct.set(key, [...(distinct.get(key) ?? []), failure]);
  }
  const byKind = new Map<string, number>();
  for (const failure of report.failures) byKind.set(failure.kind, (byKind.get(failure.kind) ?? 0) + 1);
  lines.push(
    `failures: ${report.failures.length} (${distinct.size} distinct): ${[...byKind].map(([kind, n]) => `${kind} ×${n}`).join(', ')}`,
  );
  for (const [key, group] of [...distinct].slice(0, maxShown)) {
    const first = group[0] as Failure;
    lines.push(
      `- ${key} ×${group.length}: ${first.detail.split('\n')[0]}`,
      `    strategies: ${first.strategies.join('; ')}${first.requestId ? `  (request id ${first.requestId})` : ''}`,
      `    ${first.reproducer}`,
    );
  }
  if (distinct.size > maxShown) lines.push(`… and ${distinct.size - maxShown} more distinct failures`);
  return lines.join('\n');
}
