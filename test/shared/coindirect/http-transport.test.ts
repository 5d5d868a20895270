import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TransportError } from '#shared/coindirect/errors.ts';
import { createHttpTransport, type HttpRequest } from '#shared/coindirect/http-transport.ts';

interface TestServer {
  readonly base: string;
  readonly port: number;
  /** How many TCP connections the server accepted. */
  connections(): number;
  /** Bodies the server received, in order. */
  readonly received: Array<{ method: string; url: string; body: string; headers: http.IncomingHttpHeaders }>;
  close(): Promise<void>;
}

const servers: TestServer[] = [];

/** A real HTTP server on 127.0.0.1, on a free port, that records what it receives. */
async function startServer(
  handler: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void,
): Promise<TestServer> {
  const received: TestServer['received'] = [];
  let connections = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ method: req.method ?? '', url: req.url ?? '', body, headers: req.headers });
      handler(req, res, body);
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const testServer: TestServer = {
    base: `http://127.0.0.1:${port}`,
    port,
    connections: () => connections,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(testServer);
  return testServer;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const get = (url: string): HttpRequest => ({ url: new URL(url), method: 'GET', headers: {} });

/** Runs `promise`, expecting a TransportError, and returns it with the time it took. */
async function transportFailure(promise: Promise<unknown>): Promise<{ error: TransportError; ms: number }> {
  const started = performance.now();
  const error = await promise.then(
    () => {
      throw new Error('expected a TransportError, got a response');
    },
    (e: unknown) => e,
  );
  if (!(error instanceof TransportError)) throw error;
  return { error, ms: performance.now() - started };
}

describe('createHttpTransport', () => {
  it('resolves with status, lower-case headers and the body when the server answers 200', async () => {
    // Arrange
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'X-Trace': 'abc' });
      res.end('{"uuid":"u-1","note":"café"}');
    });
    const transport = createHttpTransport();

    // Act
    const response = await transport(get(`${server.base}/api/v1/pay/u-1/summary`));

    // Assert
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['x-trace']).toBe('abc');
    expect(response.body).toBe('{"uuid":"u-1","note":"café"}');
  });

  it('sends method, path, headers and the UTF-8 body with its byte length when posting', async () => {
    // Arrange
    const server = await startServer((_req, res) => res.end());
    const transport = createHttpTransport();
    const body = '{"reference":"ref-€"}';

    // Act
    const response = await transport({
      url: new URL(`${server.base}/api/v1/pay/summary?x=1`),
      method: 'POST',
      headers: { authorization: 'Hawk id="a"', 'content-type': 'application/json; charset=utf-8' },
      body,
    });

    // Assert
    expect(response.status).toBe(200);
    const [seen] = server.received;
    expect(seen).toMatchObject({ method: 'POST', url: '/api/v1/pay/summary?x=1', body });
    expect(seen?.headers.authorization).toBe('Hawk id="a"');
    expect(seen?.headers['content-length']).toBe(String(Buffer.byteLength(body)));
  });

  it('resolves with any status when the server answers an error', async () => {
    // Arrange
    const server = await startServer((_req, res) => {
      res.writeHead(503, { 'Retry-After': '5' });
      res.end('<html>down</html>');
    });

    // Act
    const response = await createHttpTransport()(get(server.base));

    // Assert
    expect(response).toMatchObject({ status: 503, body: '<html>down</html>' });
    expect(response.headers['retry-after']).toBe('5');
  });

  it('reuses one keep-alive connection when three requests are made one after another', async () => {
    // Arrange
    const server = await startServer((_req, res) => res.end('ok'));
    const transport = createHttpTransport();

    // Act
    for (let i = 0; i < 3; i++) await transport(get(`${server.base}/r/${i}`));

    // Assert
    expect(server.received).toHaveLength(3);
    expect(server.connections()).toBe(1);
  });

  it('rejects with phase sent and ETIMEDOUT within the total timeout when the server never answers', async () => {
    // Arrange
    const server = await startServer(() => {
      // Never answers.
    });
    const transport = createHttpTransport({ connectTimeoutMs: 1_000, totalTimeoutMs: 300 });

    // Act
    const { error, ms } = await transportFailure(transport(get(server.base)));

    // Assert
    expect(error.phase).toBe('sent');
    expect(error.code).toBe('ETIMEDOUT');
    expect(ms).toBeGreaterThanOrEqual(250);
    expect(ms).toBeLessThan(2_000);
  });

  it('rejects with phase connect when the port refuses connections', async () => {
    // Arrange
    const closed = await startServer((_req, res) => res.end());
    await closed.close();
    const transport = createHttpTransport();

    // Act
    const { error } = await transportFailure(transport(get(`${closed.base}/api/v1/pay/summary`)));

    // Assert
    expect(error.phase).toBe('connect');
    expect(error.code).toBe('ECONNREFUSED');
  });

  it('rejects with phase sent when the server destroys the socket after reading the request', async () => {
    // Arrange
    const server = await startServer((req) => req.socket.destroy());
    const transport = createHttpTransport();

    // Act
    const { error } = await transportFailure(
      transport({ url: new URL(server.base), method: 'POST', headers: {}, body: '{"a":1}' }),
    );

    // Assert
    expect(server.received).toHaveLength(1);
    expect(error.phase).toBe('sent');
    expect(error.code).toBe('ECONNRESET');
  });

  it('rejects with phase sent when the server dies in the middle of the body', async () => {
    // Arrange
    const server = await startServer((req, res) => {
      res.writeHead(200, { 'Content-Length': '1000' });
      res.write('{"uuid":');
      setTimeout(() => req.socket.destroy(), 20);
    });

    // Act
    const { error } = await transportFailure(createHttpTransport()(get(server.base)));

    // Assert
    expect(error.phase).toBe('sent');
  });

  it('rejects with ETOOBIG when the response is larger than maxResponseBytes', async () => {
    // Arrange
    const server = await startServer((_req, res) => res.end('x'.repeat(10_000)));
    const transport = createHttpTransport({ maxResponseBytes: 1_024 });

    // Act
    const { error } = await transportFailure(transport(get(server.base)));

    // Assert
    expect(error.code).toBe('ETOOBIG');
    expect(error.phase).toBe('sent');
  });

  it('resolves when the response is exactly maxResponseBytes long', async () => {
    // Arrange
    const server = await startServer((_req, res) => res.end('y'.repeat(1_024)));
    const transport = createHttpTransport({ maxResponseBytes: 1_024 });

    // Act
    const response = await transport(get(server.base));

    // Assert
    expect(response.body).toHaveLength(1_024);
  });

  it('rejects with phase connect without any I/O when the URL is not http or https', async () => {
    // Act
    const { error } = await transportFailure(createHttpTransport()(get('ftp://127.0.0.1/file')));

    // Assert
    expect(error).toMatchObject({ phase: 'connect', code: 'EPROTO' });
  });
});
