// Serves a Lambda Function URL handler on 127.0.0.1, turning each HTTP request into the payload-format
// 2.0 event Lambda would deliver (text bodies as they came, anything else base64-encoded): `npm start`
// puts the webhook receiver behind it, and tests POST real webhooks at the real handler.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';

export type FunctionUrlHandler = (event: unknown) => Promise<APIGatewayProxyResultV2>;

export interface FunctionUrlServer {
  /** `http://127.0.0.1:PORT/`, the function URL (with its trailing slash, as Lambda prints it). */
  readonly url: string;
  close(): Promise<void>;
}

const TEXT_TYPES = /^(text\/|application\/(json|javascript|xml|x-www-form-urlencoded))/i;

export async function serveFunctionUrl(handler: FunctionUrlHandler): Promise<FunctionUrlServer> {
  const server = createServer((req, res) => {
    toEvent(req)
      .then(handler)
      .then((result) => {
        const answer = typeof result === 'string' ? { statusCode: 200, body: result } : result;
        res.writeHead(answer.statusCode ?? 200, answer.headers as Record<string, string> | undefined);
        res.end(answer.body ?? '');
      })
      .catch(() => {
        // Lambda answers 502 when the function fails.
        res.writeHead(502).end('{"message":"Internal Server Error"}');
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function toEvent(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const text = TEXT_TYPES.test(headers['content-type'] ?? '');
  return {
    version: '2.0',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    requestContext: { http: { method: req.method ?? 'GET', path: url.pathname, sourceIp: '127.0.0.1' } },
    ...(body.length === 0 ? {} : { body: text ? body.toString('utf8') : body.toString('base64') }),
    isBase64Encoded: body.length > 0 && !text,
  };
}
