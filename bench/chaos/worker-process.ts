// One chaos worker: the real Lambda handler (functions/payout-worker/handler.ts, configured from the
// environment at its first invocation, exactly as on Lambda) fed by local/poller.ts's pollOnce in a loop,
// like one Lambda container behind the SQS event source. Started by run-chaos.ts with `node --import tsx`
// and an IPC channel; SIGTERM lets the current batch finish, SIGKILL is the crash under test.
//
// One local liberty, on the poller side (pollOnce's `retryDelaySeconds`, as `npm start` uses): the
// handler gives each failed record a retry backoff of 5 s and more (exponential, capped at
// MAX_BACKOFF_SECONDS, at least 60); the poller sets failed records' visibility to CHAOS_RETRY_SECONDS
// instead. Retries come back sooner and more often than in production, which makes duplicate deliveries
// and lease contention more likely, not less.
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { handler } from '#functions/payout-worker/handler.ts';
import { pollOnce } from '#local/poller.ts';

/** What a worker tells the chaos run over IPC. */
export type WorkerEvent =
  | { readonly type: 'ready'; readonly pid: number }
  | { readonly type: 'batch-start'; readonly at: number; readonly messageIds: readonly string[] }
  | { readonly type: 'batch-end'; readonly at: number; readonly failed: number }
  | { readonly type: 'invocation-error'; readonly message: string };

function env(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`chaos worker: ${name} is not set`);
  return value;
}

const send = (event: WorkerEvent): void => {
  process.send?.(event);
};

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

async function main(): Promise<void> {
  const queueUrl = env('CHAOS_QUEUE_URL');
  const queueArn = env('CHAOS_QUEUE_ARN');
  const timeoutMs = Number(env('CHAOS_FUNCTION_TIMEOUT_MS'));
  const retryDelaySeconds = Number(env('CHAOS_RETRY_SECONDS'));
  const sqs = new SQSClient({});
  let stopping = false;
  process.once('SIGTERM', () => {
    stopping = true;
  });
  // The chaos run is gone (it crashed or was killed): do not linger.
  process.once('disconnect', () => process.exit(1));

  const invoke = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    send({ type: 'batch-start', at: Date.now(), messageIds: event.Records.map((r) => r.messageId) });
    const response = await handler(event, context);
    send({ type: 'batch-end', at: Date.now(), failed: response.batchItemFailures.length });
    return response;
  };

  send({ type: 'ready', pid: process.pid });
  while (!stopping) {
    try {
      const result = await pollOnce({
        sqs,
        queueUrl,
        queueArn,
        handler: invoke,
        batchSize: 10,
        waitSeconds: 1,
        timeoutMs,
        retryDelaySeconds,
      });
      if (result.invocationError !== undefined) {
        send({ type: 'invocation-error', message: errorText(result.invocationError) });
      }
    } catch (error) {
      // An SQS call of the poller failed (receive, delete, visibility): as on Lambda, the messages
      // involved come back after their visibility timeout; keep polling.
      send({ type: 'invocation-error', message: `poller: ${errorText(error)}` });
    }
  }
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error('chaos worker failed:', errorText(error));
  process.exit(1);
});
