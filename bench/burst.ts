// Burst: a payroll-sized burst drained by several containers against a vendor that refuses requests over
// its rate, with the worker's pacing off and on. Drain time is compared with the ideal (one create per
// payout ÷ the vendor's rate); refusals are counted by the simulator. The queue is an in-memory stand-in
// for SQS with what matters here: batches of 10, receive counts, and the worker's per-message backoff.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SQSEvent } from 'aws-lambda';
import { InMemoryLedger } from '#shared/ledger/in-memory-ledger.ts';
import type { VisibilityChange, VisibilityPort } from '#shared/queue/sqs-ports.ts';
import type { SimulatorAdminClient } from '#simulator/admin-client.ts';
import { payoutBody, sqsRecord } from './lib/payouts.ts';
import { benchWorker } from './lib/worker-rig.ts';

export interface BurstOptions {
  /** A running simulator started with a rate limit of `rps` (its own process). */
  readonly simulator: { readonly url: string; readonly admin: SimulatorAdminClient };
  readonly payouts: number;
  /** The vendor's rate, requests per second: the simulator's limit and `COINDIRECT_MAX_RPS`. */
  readonly rps: number;
  /** Containers draining at once: `WORKER_MAX_CONCURRENCY`, as the event source's maximum concurrency. */
  readonly containers: number;
  readonly batchSize: number;
  readonly recordConcurrency: number;
  /** Give up on a run after this long. */
  readonly timeoutMs: number;
  readonly log?: (line: string) => void;
}

export interface BurstRow {
  readonly pacing: 'off' | 'on';
  readonly payouts: number;
  readonly drainMs: number;
  /** Requests Coindirect accepted / refused for rate. */
  readonly accepted: number;
  readonly refused: number;
  /** payouts ÷ rps: one create per payout at the vendor's rate, the shortest drain it allows. */
  readonly idealMs: number;
  readonly ratio: number;
  readonly refusedPercent: number;
  /** The highest receive count any message reached (SQS moves a message to the DLQ past maxReceiveCount). */
  readonly maxReceiveCount: number;
  /** Payouts the simulator did not create exactly once: missing or twice (must be 0). */
  readonly notExactlyOnce: number;
}

export interface BurstResult {
  readonly rps: number;
  readonly burst: number;
  readonly containers: number;
  readonly batchSize: number;
  readonly recordConcurrency: number;
  readonly rows: readonly BurstRow[];
}

interface Queued {
  readonly id: string;
  readonly body: string;
  receiveCount: number;
  visibleAt: number;
  receipt: string;
}

/** An SQS queue in memory: visibility timeouts, receive counts, and `ChangeMessageVisibility` by receipt. */
class MemoryQueue implements VisibilityPort {
  readonly #messages = new Map<string, Queued>();
  readonly #byReceipt = new Map<string, Queued>();
  maxReceiveCount = 0;

  constructor(bodies: readonly string[]) {
    for (const [i, body] of bodies.entries()) {
      const id = `m-${i}`;
      this.#messages.set(id, { id, body, receiveCount: 0, visibleAt: 0, receipt: '' });
    }
  }

  get size(): number {
    return this.#messages.size;
  }

  receive(max: number, visibilityMs: number): Queued[] {
    const now = performance.now();
    const out: Queued[] = [];
    for (const message of this.#messages.values()) {
      if (out.length === max) break;
      if (message.visibleAt > now) continue;
      this.#byReceipt.delete(message.receipt);
      message.receiveCount++;
      this.maxReceiveCount = Math.max(this.maxReceiveCount, message.receiveCount);
      message.visibleAt = now + visibilityMs;
      message.receipt = randomUUID();
      this.#byReceipt.set(message.receipt, message);
      out.push(message);
    }
    return out;
  }

  delete(message: Queued): void {
    this.#messages.delete(message.id);
    this.#byReceipt.delete(message.receipt);
  }

  async change(changes: readonly VisibilityChange[]): Promise<{ failed: number }> {
    let failed = 0;
    for (const change of changes) {
      const message = this.#byReceipt.get(change.receiptHandle);
      if (message === undefined) failed++;
      else message.visibleAt = performance.now() + change.seconds * 1000;
    }
    return { failed };
  }
}

function eventOf(messages: readonly Queued[]): SQSEvent {
  return { Records: messages.map(sqsRecord) };
}

/** One burst drained with pacing off or on, from a reset simulator. */
async function drainBurst(options: BurstOptions, pacing: 'off' | 'on'): Promise<BurstRow> {
  const { admin, url } = options.simulator;
  await admin.reset();
  const runId = `burst-${pacing}-${randomUUID().slice(0, 6)}`;
  const queue = new MemoryQueue(
    Array.from({ length: options.payouts }, (_, i) => payoutBody(`${runId}-${String(i).padStart(5, '0')}`)),
  );
  const ledger = new InMemoryLedger();
  const env =
    pacing === 'on'
      ? { COINDIRECT_MAX_RPS: String(options.rps), WORKER_MAX_CONCURRENCY: String(options.containers) }
      : {};
  const workers = Array.from({ length: options.containers }, () =>
    benchWorker({
      coindirectBaseUrl: url,
      recordConcurrency: options.recordConcurrency,
      instrumentation: 'silent',
      env,
      ledger,
      visibility: queue,
    }),
  );
  const started = performance.now();
  const deadline = started + options.timeoutMs;
  let lastDeleteAt = started;
  let nextReport = started + 10_000;
  // One poll loop per container, as Lambda's event source runs up to `maxConcurrency` of them.
  const poll = async (worker: (typeof workers)[number]): Promise<void> => {
    while (queue.size > 0) {
      if (performance.now() > deadline) throw new Error(`burst with pacing ${pacing}: not drained in time`);
      const batch = queue.receive(options.batchSize, 60_000);
      if (batch.length === 0) {
        await sleep(20);
        continue;
      }
      const response = await worker.handle(eventOf(batch));
      const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
      for (const message of batch) {
        if (!failed.has(message.id)) {
          queue.delete(message);
          lastDeleteAt = performance.now();
        }
      }
      if (performance.now() > nextReport) {
        options.log?.(`  pacing ${pacing}: ${queue.size} of ${options.payouts} left`);
        nextReport += 10_000;
      }
    }
  };
  await Promise.all(workers.map(poll));
  const drainMs = lastDeleteAt - started;
  const { allowed, refusedForRate } = await admin.apiCounts();
  const payouts = await admin.payouts();
  const perReference = new Map<string, number>();
  for (const p of payouts) perReference.set(p.reference, (perReference.get(p.reference) ?? 0) + 1);
  // A refused create costs more than its retry: the next attempt must look the payout up before it may
  // send again, so the ideal stays one create per payout and the extra requests show in the ratio.
  const idealMs = (options.payouts / options.rps) * 1000;
  return {
    pacing,
    payouts: options.payouts,
    drainMs,
    accepted: allowed,
    refused: refusedForRate,
    idealMs,
    ratio: drainMs / idealMs,
    refusedPercent: (100 * refusedForRate) / Math.max(1, allowed + refusedForRate),
    maxReceiveCount: queue.maxReceiveCount,
    notExactlyOnce:
      [...perReference.values()].filter((n) => n > 1).length + (options.payouts - perReference.size),
  };
}

/**
 * Drains `payouts` fresh payouts with pacing off, then on, against the same rate-limited simulator. A
 * run that leaves a payout missing or created twice counts in `notExactlyOnce` (it must read 0).
 */
export async function measureBurst(options: BurstOptions): Promise<BurstResult> {
  const modes = await options.simulator.admin.vendorModes();
  if (modes.rateLimit === null) throw new Error('the burst bench needs a simulator with a rate limit');
  const rows: BurstRow[] = [];
  for (const pacing of ['off', 'on'] as const) {
    options.log?.(`burst: ${options.payouts} payouts, ${options.containers} containers, pacing ${pacing}…`);
    rows.push(await drainBurst(options, pacing));
  }
  return {
    rps: modes.rateLimit.rps,
    burst: modes.rateLimit.burst,
    containers: options.containers,
    batchSize: options.batchSize,
    recordConcurrency: options.recordConcurrency,
    rows,
  };
}
