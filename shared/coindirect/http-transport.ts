import http from 'node:http';
import https from 'node:https';
import { TransportError } from './errors.ts';

/** One HTTP exchange as the Coindirect client sees it. */
export interface HttpRequest {
  readonly url: URL;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Time allowed for this exchange, when shorter than the transport's own total timeout. */
  readonly timeoutMs?: number;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

/**
 * Sends one request. Resolves with any HTTP status; rejects only with {@link TransportError}, whose
 * `phase` says whether the request may have reached the server (`sent`) or certainly did not (`connect`).
 */
export type HttpTransport = (request: HttpRequest) => Promise<HttpResponse>;

export interface TransportOptions {
  /** Time allowed to open the TCP (and TLS) connection. Default 3,000 ms. */
  readonly connectTimeoutMs?: number;
  /** Time allowed for the whole exchange, connection included. Default 15,000 ms. */
  readonly totalTimeoutMs?: number;
  /** Largest response body accepted. Default 4 MiB. */
  readonly maxResponseBytes?: number;
}

/**
 * An {@link HttpTransport} over node:http/https with keep-alive agents (the TLS handshake to Coindirect is
 * paid once per container, not per payout) and separate connect and total timeouts.
 */
export function createHttpTransport(options: TransportOptions = {}): HttpTransport {
  const defaultConnectTimeoutMs = options.connectTimeoutMs ?? 3_000;
  const defaultTotalTimeoutMs = options.totalTimeoutMs ?? 15_000;
  const maxResponseBytes = options.maxResponseBytes ?? 4 * 1024 * 1024;
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
  };

  return (request) =>
    new Promise<HttpResponse>((resolve, reject) => {
      const { url } = request;
      // A caller short of time (the invocation's deadline is near) narrows both timeouts, never widens them.
      const totalTimeoutMs = Math.max(1, Math.min(defaultTotalTimeoutMs, request.timeoutMs ?? Infinity));
      const connectTimeoutMs = Math.min(defaultConnectTimeoutMs, totalTimeoutMs);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        reject(new TransportError(`unsupported protocol ${url.protocol}`, 'connect', 'EPROTO'));
        return;
      }
      const lib = url.protocol === 'https:' ? https : http;
      // Until a socket is connected nothing can have reached the server: such failures are safe to retry.
      let phase: 'connect' | 'sent' = 'connect';
      let settled = false;
      const fail = (message: string, code: string, cause?: unknown): void => {
        if (settled) return;
        settled = true;
        clearTimeout(totalTimer);
        clearTimeout(connectTimer);
        reject(new TransportError(message, phase, code, cause === undefined ? undefined : { cause }));
        req.destroy();
      };

      const req = lib.request(url, {
        method: request.method,
        headers: {
          ...request.headers,
          ...(request.body === undefined ? {} : { 'content-length': Buffer.byteLength(request.body) }),
        },
        agent: agents[url.protocol],
      });
      const totalTimer = setTimeout(
        () => fail(`no complete response within ${totalTimeoutMs} ms`, 'ETIMEDOUT'),
        totalTimeoutMs,
      );
      const connectTimer = setTimeout(
        () => fail(`could not connect within ${connectTimeoutMs} ms`, 'ECONNECTTIMEOUT'),
        connectTimeoutMs,
      );

      req.on('socket', (socket) => {
        const connected = (): void => {
          clearTimeout(connectTimer);
          phase = 'sent';
        };
        // A reused keep-alive socket is already connected (and, for TLS, already past the handshake).
        const ready = url.protocol === 'https:' ? 'secureConnect' : 'connect';
        if (!socket.connecting && (url.protocol === 'http:' || 'encrypted' in socket)) connected();
        else socket.once(ready, connected);
      });
      req.on('error', (err: NodeJS.ErrnoException) => fail(err.message, err.code ?? 'EIO', err));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxResponseBytes) fail(`response larger than ${maxResponseBytes} bytes`, 'ETOOBIG');
          else chunks.push(chunk);
        });
        res.on('error', (err: NodeJS.ErrnoException) => fail(err.message, err.code ?? 'EIO', err));
        res.on('aborted', () => fail('response aborted', 'ECONNRESET'));
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(totalTimer);
          clearTimeout(connectTimer);
          const headers: Record<string, string | undefined> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            headers[name] = Array.isArray(value) ? value.join(', ') : value;
          }
          resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
        });
      });
      req.end(request.body);
    });
}
