// An HTTP forwarder in front of an emulator on loopback, for two things the emulator lacks:
// - `delayMs`: a round trip like a real AWS endpoint's, to show what a figure depends on;
// - `serial`: one request at a time. moto 5.2.1 checks a DynamoDB ConditionExpression and applies the
//   update without a lock, so two concurrent conditional writes to one item can both succeed (measured:
//   5 concurrent ledger claims on one new reference, two or more won in about half the tries). Real
//   DynamoDB applies conditional writes to an item one at a time; serialising restores that.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** An upstream request taking longer than this is answered 502, so one stuck call cannot stall the rest. */
const UPSTREAM_TIMEOUT_MS = 30_000;

export interface ForwardingProxy {
  readonly endpoint: string;
  close(): Promise<void>;
}

export interface ForwardingOptions {
  /** Hold each request this long before forwarding it. Default 0. */
  readonly delayMs?: number;
  /** Forward one request at a time, the next only once the previous answer is complete. Default false. */
  readonly serial?: boolean;
}

export async function startForwardingProxy(
  target: string,
  options: ForwardingOptions = {},
): Promise<ForwardingProxy> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  let queue: Promise<void> = Promise.resolve();

  // The upstream answer is always read to its end, even when the client has gone (a killed worker): the
  // next request must wait for this one to be finished upstream, and a half-read answer would never end.
  const forward = (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): Promise<void> =>
    new Promise<void>((resolve) => {
      const done = (status?: number): void => {
        if (status !== undefined && !res.headersSent && !res.destroyed) res.writeHead(status);
        if (!res.destroyed) res.end();
        resolve();
      };
      const request = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
          agent,
          timeout: UPSTREAM_TIMEOUT_MS,
        },
        (answer) => {
          if (!res.destroyed) res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.on('data', (chunk: Buffer) => {
            if (!res.destroyed) res.write(chunk);
          });
          answer.on('end', () => done());
          answer.on('error', () => done());
        },
      );
      request.on('timeout', () => request.destroy(new Error('upstream timeout')));
      request.on('error', () => done(502));
      request.end(body);
    });

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const go = async (): Promise<void> => {
        if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
        await forward(req, Buffer.concat(chunks), res);
      };
      if (options.serial) queue = queue.then(go);
      else void go();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      agent.destroy();
    },
  };
}
