// An HTTP forwarder in front of an emulator on loopback, for what the emulator lacks:
// - `delayMs`: a round trip like a real AWS endpoint's, to show what a figure depends on;
// - `serial`: one request at a time. moto 5.2.1 checks a DynamoDB ConditionExpression and applies the
//   update without a lock, so two concurrent conditional writes to one item can both succeed (measured:
//   5 concurrent ledger claims on one new reference, two or more won in about half the tries). Real
//   DynamoDB applies conditional writes to an item one at a time; serialising restores that;
// - `dynamodbFaults`: the DynamoDB failures a chaos run needs and moto never produces — throttling
//   (HTTP 400 ProvisionedThroughputExceededException, not forwarded) and a conditional write that commits
//   but whose answer never arrives (forwarded, applied, then the client's connection is destroyed);
// - `setOutage`: a service outage — every request answered with a JSON error (by default HTTP 503
//   ServiceUnavailable, as AWS JSON 1.1 services send it) without being forwarded.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** An upstream request taking longer than this is answered 502, so one stuck call cannot stall the rest. */
const UPSTREAM_TIMEOUT_MS = 30_000;

/** What the forwarder did, by kind, since it started. */
export interface ForwardingCounts {
  /** Requests forwarded upstream (a dropped answer included). */
  readonly forwarded: number;
  /** Answered ProvisionedThroughputExceededException without being forwarded. */
  readonly throttled: number;
  /**
   * Conditional writes forwarded and applied upstream (answered 2xx) whose answer was dropped: the
   * client's connection was destroyed instead.
   */
  readonly droppedAfterCommit: number;
  /** Conditional writes picked for a drop that upstream refused (e.g. the condition failed): dropped too. */
  readonly droppedOther: number;
  /** Answered with the outage error without being forwarded. */
  readonly refusedInOutage: number;
}

export interface ForwardingProxy {
  readonly endpoint: string;
  counts(): ForwardingCounts;
  /** From now on answer every request with the outage error (true) or forward again (false). */
  setOutage(on: boolean): void;
  close(): Promise<void>;
}

/** DynamoDB failures injected by the forwarder, each a share (0..1) of the requests it can hit. */
export interface DynamoDbFaults {
  /** Share of all requests answered HTTP 400 ProvisionedThroughputExceededException, not forwarded. */
  readonly throttleShare?: number;
  /**
   * Share of conditional writes (UpdateItem/PutItem with a `ConditionExpression`) forwarded and applied,
   * whose answer is then dropped: the client's connection is destroyed instead.
   */
  readonly dropAfterCommitShare?: number;
  /** Random source in [0, 1); default `Math.random`. */
  readonly random?: () => number;
}

/** The answer during an outage. Default HTTP 503 with `{"__type":"ServiceUnavailable"}`. */
export interface OutageAnswer {
  readonly status: number;
  /** The AWS error code: the body's `__type` and the `x-amzn-ErrorType` header. */
  readonly errorType: string;
}

export interface ForwardingOptions {
  /** Hold each request this long before forwarding it. Default 0. */
  readonly delayMs?: number;
  /** Forward one request at a time, the next only once the previous answer is complete. Default false. */
  readonly serial?: boolean;
  /** DynamoDB faults (requests are told apart by their `X-Amz-Target` header). Default none. */
  readonly dynamodbFaults?: DynamoDbFaults;
  /** What `setOutage(true)` answers. Default 503 ServiceUnavailable. */
  readonly outage?: OutageAnswer;
}

const THROTTLE_TYPE = 'ProvisionedThroughputExceededException';
const CONDITIONAL_WRITES: ReadonlySet<string> = new Set(['UpdateItem', 'PutItem']);

/** The DynamoDB operation of a request (`X-Amz-Target: DynamoDB_20120810.UpdateItem`), or undefined. */
function dynamodbOperation(req: http.IncomingMessage): string | undefined {
  const target = req.headers['x-amz-target'];
  const value = Array.isArray(target) ? target[0] : target;
  return value?.split('.').at(-1);
}

/** Whether a request is an UpdateItem/PutItem whose JSON body carries a `ConditionExpression`. */
export function isConditionalWrite(req: http.IncomingMessage, body: Buffer): boolean {
  const operation = dynamodbOperation(req);
  if (operation === undefined || !CONDITIONAL_WRITES.has(operation)) return false;
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { ConditionExpression?: unknown };
    return typeof parsed.ConditionExpression === 'string' && parsed.ConditionExpression !== '';
  } catch {
    return false;
  }
}

/** DynamoDB's throttling answer (awsJson1_0): the code in the body's `__type` and in `x-amzn-ErrorType`. */
function throttled(res: http.ServerResponse): void {
  const body = JSON.stringify({
    __type: `com.amazonaws.dynamodb.v20120810#${THROTTLE_TYPE}`,
    message: 'The level of configured provisioned throughput for the table was exceeded (simulated)',
  });
  res.writeHead(400, {
    'Content-Type': 'application/x-amz-json-1.0',
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-ErrorType': THROTTLE_TYPE,
    'x-amzn-RequestId': `forwarder-throttle-${Date.now()}`,
  });
  res.end(body);
}

/** The outage answer (awsJson1_1, as Secrets Manager speaks): not forwarded. */
function outageError(res: http.ServerResponse, answer: OutageAnswer): void {
  const body = JSON.stringify({
    __type: answer.errorType,
    message: 'Service unavailable (simulated outage)',
  });
  res.writeHead(answer.status, {
    'Content-Type': 'application/x-amz-json-1.1',
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-ErrorType': answer.errorType,
    'x-amzn-RequestId': `forwarder-outage-${Date.now()}`,
  });
  res.end(body);
}

export async function startForwardingProxy(
  target: string,
  options: ForwardingOptions = {},
): Promise<ForwardingProxy> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const faults = options.dynamodbFaults ?? {};
  const random = faults.random ?? Math.random;
  const outageAnswer = options.outage ?? { status: 503, errorType: 'ServiceUnavailable' };
  const counts = { forwarded: 0, throttled: 0, droppedAfterCommit: 0, droppedOther: 0, refusedInOutage: 0 };
  let outage = false;
  let queue: Promise<void> = Promise.resolve();

  // The upstream answer is always read to its end, even when the client has gone (a killed worker) or
  // its answer is to be dropped: the next request must wait for this one to be finished upstream, and a
  // half-read answer would never end.
  const forward = (
    req: http.IncomingMessage,
    body: Buffer,
    res: http.ServerResponse,
    dropAnswer: boolean,
  ): Promise<void> =>
    new Promise<void>((resolve) => {
      counts.forwarded++;
      let upstreamStatus: number | undefined;
      const done = (status?: number): void => {
        if (dropAnswer) {
          if (upstreamStatus !== undefined && upstreamStatus < 300) counts.droppedAfterCommit++;
          else counts.droppedOther++;
          // Applied upstream; the client never hears of it.
          req.socket.destroy();
        } else {
          if (status !== undefined && !res.headersSent && !res.destroyed) res.writeHead(status);
          if (!res.destroyed) res.end();
        }
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
          upstreamStatus = answer.statusCode;
          if (!dropAnswer && !res.destroyed) res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.on('data', (chunk: Buffer) => {
            if (!dropAnswer && !res.destroyed) res.write(chunk);
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
      const body = Buffer.concat(chunks);
      if (outage) {
        counts.refusedInOutage++;
        outageError(res, outageAnswer);
        return;
      }
      if ((faults.throttleShare ?? 0) > 0 && random() < (faults.throttleShare ?? 0)) {
        counts.throttled++;
        throttled(res);
        return;
      }
      const drop =
        (faults.dropAfterCommitShare ?? 0) > 0 &&
        isConditionalWrite(req, body) &&
        random() < (faults.dropAfterCommitShare ?? 0);
      const go = async (): Promise<void> => {
        if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
        await forward(req, body, res, drop);
      };
      if (options.serial) queue = queue.then(go);
      else void go();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts: () => ({ ...counts }),
    setOutage: (on) => {
      outage = on;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      agent.destroy();
    },
  };
}
