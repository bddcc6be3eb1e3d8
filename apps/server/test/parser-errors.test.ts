import { connect } from 'node:net';
import { PassThrough } from 'node:stream';
import { ErrorBody } from '@realmkit/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerClientError } from '../src/http/client-error.ts';
import { errorCodeProblem } from './support/error-codes.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Parses an HTTP/1.1 response that ends with the connection (every one of these closes it). */
function parseResponse(raw: string): RawResponse {
  const end = raw.indexOf('\r\n\r\n');
  const [statusLine = '', ...lines] = raw.slice(0, end).split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
  );
  return { status: Number(statusLine.split(' ')[1]), headers, body: raw.slice(end + 4) };
}

/** Sends `request` as bytes on a new connection to the test server, and reads until the server closes it. */
function sendRaw(request: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.running.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    // The server may close while the rest of an over-long request is still being written.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error);
    });
    socket.on('close', () => resolve(parseResponse(Buffer.concat(chunks).toString('utf8'))));
    socket.end(request);
  });
}

/** Asserts the documented error shape: the contract's code for `status`, JSON with its Content-Type and length. */
function expectDocumentedError(response: RawResponse, status: number, code: string): void {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(Number(response.headers['content-length'])).toBe(Buffer.byteLength(response.body));
  const body = JSON.parse(response.body);
  expect(ErrorBody.parse(body)).toEqual(body);
  expect(body.error).toBe(code);
  expect(body.message).not.toBe('');
  expect(errorCodeProblem(status, body)).toBeUndefined();
}

const long = 'a'.repeat(20 * 1024);

describe("answers that Node's HTTP parser forces, before any route", () => {
  it.each([
    { what: 'an over-long URL', request: `GET /api/v1/realms?search=${long} HTTP/1.1\r\nHost: x\r\n\r\n` },
    {
      what: 'too many headers',
      request: `GET /api/v1/realms HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 2500 }, (_, i) => `X-H${i}: v\r\n`).join('')}\r\n`,
    },
    { what: 'one over-long header', request: `GET /api/v1/realms HTTP/1.1\r\nHost: x\r\nX-Long: ${long}\r\n\r\n` },
    { what: 'an over-long URL on the token endpoint', request: `POST /oauth2/master/token?${long} HTTP/1.1\r\n\r\n` },
  ])('431 in the error shape for $what', async ({ request }) => {
    const response = await sendRaw(request);
    expectDocumentedError(response, 431, 'request_header_fields_too_large');
  });

  it('431 with its Content-Type but no body to HEAD', async () => {
    const response = await sendRaw(`HEAD /api/v1/realms?search=${long} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(response.status).toBe(431);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.body).toBe('');
  });

  it.each([
    { what: 'a malformed request line', request: 'GARBAGE\r\n\r\n' },
    { what: 'an unknown HTTP version', request: 'GET /healthz HTTP/7.1\r\nHost: x\r\n\r\n' },
    { what: 'a header without a colon', request: 'GET /healthz HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n' },
    {
      what: 'both Content-Length and chunked',
      request:
        'POST /api/v1/realms HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    },
  ])('400 in the error shape for $what', async ({ request }) => {
    expectDocumentedError(await sendRaw(request), 400, 'invalid_request');
  });

  it('413 in the error shape for chunk extensions over the limit', async () => {
    const response = await sendRaw(
      'POST /api/v1/realms HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n' +
        `1;ext=${long}\r\n{\r\n0\r\n\r\n`,
    );
    expectDocumentedError(response, 413, 'payload_too_large');
  });

  it('408 in the error shape when the request is too slow', async () => {
    // Node's headersTimeout is a minute: the listener is driven directly, as Node calls it.
    const socket = new PassThrough();
    const written: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => written.push(chunk));
    const timeout = Object.assign(new Error('Request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' });
    answerClientError(timeout, socket);
    await new Promise((resolve) => socket.on('end', resolve));
    expectDocumentedError(parseResponse(Buffer.concat(written).toString('utf8')), 408, 'request_timeout');
  });
});
