import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/test-server.ts';

/**
 * scripts/run-doc-blocks.mjs, which CI runs on README.md and examples/README.md (issue 23): it
 * must fail on a block that fails, however quietly (`curl -s` on a 404, an unset variable), and
 * skip only what the markdown says it skips, and why.
 */
const RUNNER = fileURLToPath(new URL('../../../scripts/run-doc-blocks.mjs', import.meta.url));
let server: TestServer;
let dir: string;

beforeAll(async () => {
  server = await startTestServer();
  dir = await mkdtemp(path.join(tmpdir(), 'realmkit-doc-blocks-'));
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

let files = 0;
async function run(markdown: string): Promise<{ code: number; output: string }> {
  const file = path.join(dir, `doc-${++files}.md`);
  await writeFile(file, markdown);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [RUNNER, file],
      { env: { ...process.env, REALMKIT_URL: server.url } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, output: stdout + stderr }),
    );
  });
}

const fence = (language: string, text: string) => `\`\`\`${language}\n${text}\n\`\`\`\n`;

describe('scripts/run-doc-blocks.mjs', () => {
  it('runs the blocks of a file in one session, in order, and passes when each does', async () => {
    const result = await run(
      `# A\n${fence('sh', 'GREETING=hello')}\n## B\n${fence('bash', 'curl -s "$REALMKIT_URL/healthz"; echo " $GREETING"')}`,
    );
    expect(result.output).toContain(' hello');
    expect(result.output).toMatch(/: 2 blocks ran as written in [\d.]+ s; 0 not run in CI/);
    expect(result.code).toBe(0);
  });

  it('fails on a curl that gets an HTTP error, naming the block, though curl -s exits 0', async () => {
    const result = await run(`# Users\n${fence('sh', 'curl -s "$REALMKIT_URL/api/v1/realms/acme/users"\necho after')}`);
    expect(result.code).toBe(1);
    expect(result.output).toContain(`HTTP 404 from curl ${server.url}/api/v1/realms/acme/users`);
    expect(result.output).toMatch(/FAIL .*doc-\d+\.md:2 \(Users\)/);
    expect(result.output).not.toContain('\nafter');
  });

  it('fails on a variable no block set, and on a failing command', async () => {
    expect((await run(fence('sh', 'echo "$ID"'))).code).toBe(1);
    expect((await run(fence('sh', 'false\necho unreachable'))).code).toBe(1);
  });

  it('skips a block only with a reason before its fence; allows the HTTP errors a comment names', async () => {
    const skipped = await run(`<!-- not run in CI: starts a server -->\n${fence('sh', 'npm start')}`);
    expect(skipped.code).toBe(0);
    expect(skipped.output).toMatch(
      /0 blocks ran as written .* 1 not run in CI:\n {2}.*doc-\d+\.md:2 \(top\): starts a server/s,
    );
    const allowed = await run(
      `<!-- CI allows HTTP 404: the text says so -->\n${fence('sh', 'curl -s "$REALMKIT_URL/nothing"')}`,
    );
    expect(allowed.code).toBe(0);
    const typo = await run(`<!-- not in CI -->\n${fence('sh', 'npm start')}`);
    expect(typo.code).toBe(1);
    expect(typo.output).toContain('a comment about CI that is neither');
  });

  it('refuses bash syntax in an sh fence', async () => {
    const result = await run(fence('sh', 'H=(-H "Accept: application/json")'));
    expect(result.code).toBe(1);
    expect(result.output).toContain('fenced as sh, but sh cannot parse it');
    expect((await run(fence('bash', 'H=(-H "Accept: application/json")'))).code).toBe(0);
  });
});
