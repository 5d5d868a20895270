// Enqueue throughput against moto: the producer's batched, concurrent sender (shared/producer, the
// engine of `npm run enqueue`) versus one SendMessage at a time, the same messages into fresh queues.
//
// moto's SendMessage costs grow with the queue's depth: every message sent recomputes the queue's
// attributes over all its messages (moto/sqs/models.py, Queue.attributes → messages), an emulator
// artifact real SQS does not have. So each run spreads its messages over fresh queues of
// `messagesPerQueue`, for both methods alike.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { PayoutMessage } from '#shared/payout/schema.ts';
import { sendPayouts } from '#shared/producer/send-payouts.ts';
import { BENCH_ADDRESS } from './lib/payouts.ts';
import { median } from './lib/stats.ts';

export interface EnqueueOptions {
  readonly sqs: SQSClient;
  readonly messages: number;
  /** Messages per fresh queue (see above). */
  readonly messagesPerQueue: number;
  readonly runs: number;
  /** SendMessageBatch calls in flight (the enqueue command's default is 8). */
  readonly concurrency: number;
}

export interface EnqueueResult {
  readonly messages: number;
  readonly messagesPerQueue: number;
  readonly runs: number;
  readonly concurrency: number;
  readonly batchedMs: readonly number[];
  readonly singleMs: readonly number[];
  readonly medianBatchedMs: number;
  readonly medianSingleMs: number;
  readonly batchedPerSecond: number;
  readonly singlePerSecond: number;
  /** Median one-at-a-time time ÷ median batched time. */
  readonly speedup: number;
}

function payouts(runId: string, count: number): PayoutMessage[] {
  return Array.from({ length: count }, (_, i) => ({
    reference: `${runId}-${i}`,
    amount: '40.10',
    currency: 'EUR',
    destination: { currency: 'ETH', address: BENCH_ADDRESS },
  }));
}

/** Creates `count` fresh queues, hands their URLs over, then checks each holds `perQueue` and deletes it. */
async function withQueues(
  sqs: SQSClient,
  name: string,
  count: number,
  perQueue: number,
  use: (urls: readonly string[]) => Promise<void>,
): Promise<void> {
  const urls: string[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-${i}` }));
      if (QueueUrl === undefined) throw new Error(`CreateQueue ${name}-${i} returned no URL`);
      urls.push(QueueUrl);
    }
    await use(urls);
    for (const url of urls) {
      const held = await queued(sqs, url);
      if (held !== perQueue) throw new Error(`${url} holds ${held} messages, expected ${perQueue}`);
    }
  } finally {
    for (const QueueUrl of urls) await sqs.send(new DeleteQueueCommand({ QueueUrl }));
  }
}

async function queued(sqs: SQSClient, queueUrl: string): Promise<number> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0);
}

/** Sends the same messages both ways per run (order alternating) and checks every one arrived. */
export async function measureEnqueue(options: EnqueueOptions): Promise<EnqueueResult> {
  const { sqs, messagesPerQueue: perQueue } = options;
  const queues = Math.ceil(options.messages / perQueue);
  const messages = queues * perQueue;
  const batchedMs: number[] = [];
  const singleMs: number[] = [];
  const batched = (runId: string): Promise<void> =>
    withQueues(sqs, `${runId}-batched`, queues, perQueue, async (urls) => {
      const payload = urls.map((_, q) => payouts(`${runId}-${q}`, perQueue));
      const t0 = performance.now();
      for (const [q, url] of urls.entries()) {
        const results = await sendPayouts(sqs, url, payload[q] ?? [], { concurrency: options.concurrency });
        const failed = results.filter((r) => !r.ok).length;
        if (failed > 0) throw new Error(`batched enqueue: ${failed} messages failed`);
      }
      batchedMs.push(performance.now() - t0);
    });
  const single = (runId: string): Promise<void> =>
    withQueues(sqs, `${runId}-single`, queues, perQueue, async (urls) => {
      const bodies = urls.map((_, q) => payouts(`${runId}-${q}`, perQueue).map((m) => JSON.stringify(m)));
      const t0 = performance.now();
      for (const [q, url] of urls.entries()) {
        for (const body of bodies[q] ?? []) {
          await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
        }
      }
      singleMs.push(performance.now() - t0);
    });
  // Warm-up: connections and the SDK's lazy parts; not measured.
  await batched(`bench-warm-${randomUUID().slice(0, 8)}`);
  batchedMs.length = 0;
  for (let run = 0; run < options.runs; run++) {
    const runId = `bench-enq-${randomUUID().slice(0, 8)}`;
    if (run % 2 === 0) {
      await batched(runId);
      await single(runId);
    } else {
      await single(runId);
      await batched(runId);
    }
  }
  const medianBatchedMs = median(batchedMs);
  const medianSingleMs = median(singleMs);
  return {
    messages,
    messagesPerQueue: perQueue,
    runs: options.runs,
    concurrency: options.concurrency,
    batchedMs,
    singleMs,
    medianBatchedMs,
    medianSingleMs,
    batchedPerSecond: messages / (medianBatchedMs / 1000),
    singlePerSecond: messages / (medianSingleMs / 1000),
    speedup: medianSingleMs / medianBatchedMs,
  };
}
