import type { IncomingMessage, ServerResponse } from 'node:http';

/** A response decided but not yet written, so a fault can delay or discard it after the work was done. */
export interface SimResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export const MAX_BODY_BYTES = 64 * 1024;

export function json(status: number, value: unknown, headers: Record<string, string> = {}): SimResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(value),
  };
}

export function html(status: number, text: string): SimResponse {
  return { status, headers: { 'content-type': 'text/html; charset=utf-8' }, body: text };
}

export function noContent(): SimResponse {
  return { status: 204, headers: {}, body: '' };
}

export type BodyRead = { readonly ok: true; readonly text: string } | { readonly ok: false };

/** Reads the request body as UTF-8; `ok: false` once it passes `limit` bytes (the rest is not read). */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<BodyRead> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) return { ok: false };
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) return { ok: false };
    chunks.push(buffer);
  }
  return { ok: true, text: Buffer.concat(chunks).toString('utf8') };
}

export function send(res: ServerResponse, response: SimResponse, closeAfter = false): void {
  if (res.destroyed || res.writableEnded) return;
  const headers: Record<string, string | number> = {
    ...response.headers,
    'content-length': Buffer.byteLength(response.body),
  };
  // An unread body would be parsed as the next request on a kept-alive socket.
  if (closeAfter) headers.connection = 'close';
  res.writeHead(response.status, headers);
  res.end(response.body);
}

/** Parses JSON, answering `undefined` for text that is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
