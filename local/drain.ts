// Drives the real handler through pollOnce the way Lambda's event source would, until the queue is
// empty (every message acknowledged or moved to the DLQ by SQS), a timeout, or a stop signal.
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type PollResult, pollOnce, type SqsHandler } from './poller.ts';

export interface DrainOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly handler: SqsHandler;
  /** Invocations at once, as the event source's maxConcurrency. Default 2. */
  readonly pollers?: number;
  /** Records per invocation. Default 10. */
  readonly batchSize?: number;
  /** Function timeout given to each invocation. Default 60 s. */
  readonly timeoutMs?: number;
  /** See {@link PollerOptions.retryDelaySeconds}. Default 1 s. */
  readonly retryDelaySeconds?: number;
  /** `empty`: stop once the queue holds nothing; `signal`: keep polling until `signal` aborts. */
  readonly until: 'empty' | 'signal';
  readonly signal?: AbortSignal;
  /** Give up after this long (only with `until: 'empty'`). Default 5 minutes. */
  readonly deadlineMs?: number;
  readonly onPoll?: (result: PollResult) => void;
  /**
   * Asked before each poll: while it says true, nothing is received, as when `npm run pause` disables
   * the event source mapping on AWS (records stay in the queue instead of using up their receives).
   */
  readonly paused?: () => Promise<boolean>;
  /** Called about twice a second with the messages still in the queue (visible, in flight or delayed). */
  readonly onTick?: (inQueue: number) => void;
  readonly clock?: () => number;
}

export type DrainEnd = 'empty' | 'deadline' | 'stopped';

/** Polls until the queue is empty, the deadline passes or the signal aborts; see {@link DrainOptions}. */
export async function drainQueue(options: DrainOptions): Promise<DrainEnd> {
  const clock = options.clock ?? Date.now;
  const deadline = clock() + (options.deadlineMs ?? 300_000);
  let end: DrainEnd | undefined;
  const stopped = (): boolean => {
    if (end === undefined && options.signal?.aborted === true) end = 'stopped';
    return end !== undefined;
  };

  const poller = async (): Promise<void> => {
    while (!stopped()) {
      if (options.paused !== undefined && (await options.paused())) {
        await sleep(1_000, options.signal);
        continue;
      }
      const result = await pollOnce({
        sqs: options.sqs,
        queueUrl: options.queueUrl,
        queueArn: options.queueArn,
        handler: options.handler,
        batchSize: options.batchSize ?? 10,
        timeoutMs: options.timeoutMs ?? 60_000,
        waitSeconds: 1,
        retryDelaySeconds: options.retryDelaySeconds ?? 1,
      });
      options.onPoll?.(result);
    }
  };

  const monitor = async (): Promise<void> => {
    while (!stopped()) {
      await sleep(500, options.signal);
      if (stopped()) return;
      const inQueue = await messagesInQueue(options.sqs, options.queueUrl);
      options.onTick?.(inQueue);
      if (options.until === 'empty' && inQueue === 0) end = 'empty';
      else if (options.until === 'empty' && clock() > deadline) end = 'deadline';
    }
  };

  await Promise.all([monitor(), ...Array.from({ length: options.pollers ?? 2 }, poller)]);
  return end ?? 'stopped';
}

/** Visible + in flight + delayed: zero means every message was acknowledged or dead-lettered. */
export async function messagesInQueue(sqs: SQSClient, queueUrl: string): Promise<number> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  const a = out.Attributes ?? {};
  return (
    Number(a.ApproximateNumberOfMessages ?? 0) +
    Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) +
    Number(a.ApproximateNumberOfMessagesDelayed ?? 0)
  );
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
