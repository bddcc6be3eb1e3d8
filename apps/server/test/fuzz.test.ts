import { afterAll, beforeAll, expect, it } from 'vitest';
import { formatReport, runFuzz } from './fuzz/fuzzer.ts';
import { FUZZ_SERVER_CONFIG } from './fuzz/server-config.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

/** A fixed seed, so that CI runs the same requests every time; `npm run fuzz` draws a new one. */
const SEED = 20_260_108;
const REQUESTS = 1_500;

let server: TestServer;
let admin: string;

beforeAll(async () => {
  server = await startTestServer({ config: FUZZ_SERVER_CONFIG });
  admin = await server.masterToken();
});
afterAll(() => server?.close());

it(`survives ${REQUESTS} fuzzed requests over every operation of the OpenAPI document (seed ${SEED})`, async () => {
  const report = await runFuzz({
    baseUrl: server.url,
    adminToken: admin,
    seed: SEED,
    requests: REQUESTS,
    concurrency: 4,
  });
  // Every operation is fuzzed, with valid and invalid requests alike.
  expect(Object.keys(report.byOperation)).toHaveLength(report.operations);
  expect(report.byStatus['200']).toBeGreaterThan(0);
  expect(report.byStatus['400']).toBeGreaterThan(0);
  expect(report.failures, formatReport(report)).toEqual([]);
}, 120_000);
