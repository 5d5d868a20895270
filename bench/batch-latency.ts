// Batch latency: how close a batch's wall time comes to one Coindirect call when every call takes
// `latencyMs`. Only Coindirect latency counts: the ledger is in memory, the key is cached.
import { performance } from 'node:perf_hooks';
import { parsePayoutMessage } from '#shared/payout/schema.ts';
import type { SimulatorAdminClient } from '#simulator/admin-client.ts';
import { payoutBody, sqsEvent } from './lib/payouts.ts';
import { median } from './lib/stats.ts';
import { benchWorker } from './lib/worker-rig.ts';

export interface BatchCase {
  readonly batchSize: number;
  readonly recordConcurrency: number;
  /** Why this case is here, for the table. */
  readonly note: string;
}

export interface BatchLatencyOptions {
  /** A running simulator (its own process, so its CPU is not the worker's); its latency is set here. */
  readonly simulator: { readonly url: string; readonly admin: SimulatorAdminClient };
  /** Simulated latency of every Coindirect call. */
  readonly latencyMs: number;
  readonly runs: number;
  readonly cases: readonly BatchCase[];
}

export interface BatchLatencyRow extends BatchCase {
  readonly wallMs: readonly number[];
  readonly medianWallMs: number;
  /** Median batch wall time ÷ median one-call latency. */
  readonly ratio: number;
  /** The ratio perfect overlap would give: ⌈batch ÷ concurrency⌉ waves of one call each. */
  readonly ideal: number;
}

export interface BatchLatencyResult {
  readonly latencyMs: number;
  readonly runs: number;
  readonly oneCallMs: readonly number[];
  readonly medianOneCallMs: number;
  readonly rows: readonly BatchLatencyRow[];
}

/**
 * For each case, runs one batch of fresh payouts through the handler `runs` times, interleaved with
 * single create calls made by the same client (the denominator). The simulator's latency is reset to 0
 * afterwards.
 */
export async function measureBatchLatency(options: BatchLatencyOptions): Promise<BatchLatencyResult> {
  const { url, admin } = options.simulator;
  await admin.setLatency(options.latencyMs);
  try {
    const workers = new Map(
      [...new Set(options.cases.map((c) => c.recordConcurrency))].map((concurrency) => [
        concurrency,
        benchWorker({
          coindirectBaseUrl: url,
          recordConcurrency: concurrency,
          instrumentation: 'silent',
        }),
      ]),
    );
    const first = workers.values().next().value;
    if (first === undefined) throw new Error('no batch cases');
    const guardrails = first.deps.guardrails;
    // Warm-up: connections open, key cached, code paths compiled; not measured.
    for (const worker of workers.values()) {
      await worker.handle(sqsEvent([payoutBody('warm-up-0'), payoutBody('warm-up-1')], 'warm'));
    }

    const oneCallMs: number[] = [];
    const wall = options.cases.map((): number[] => []);
    for (let run = 0; run < options.runs; run++) {
      const parsed = parsePayoutMessage(payoutBody(`one-call-${run}`), guardrails);
      if (!parsed.ok) throw new Error('the one-call payout is invalid');
      const t0 = performance.now();
      const created = await first.coindirect.createPayout(parsed.payout);
      oneCallMs.push(performance.now() - t0);
      if (created.kind !== 'created') throw new Error(`one call was not created: ${created.kind}`);

      for (const [i, c] of options.cases.entries()) {
        const worker = workers.get(c.recordConcurrency);
        if (worker === undefined) throw new Error('no worker');
        const id = `lat-b${c.batchSize}-c${c.recordConcurrency}-r${run}`;
        const bodies = Array.from({ length: c.batchSize }, (_, k) => payoutBody(`${id}-${k}`));
        const t1 = performance.now();
        const response = await worker.handle(sqsEvent(bodies, id));
        wall[i]?.push(performance.now() - t1);
        if (response.batchItemFailures.length > 0) {
          throw new Error(`${response.batchItemFailures.length} of ${c.batchSize} payouts failed in ${id}`);
        }
      }
    }
    const medianOneCallMs = median(oneCallMs);
    return {
      latencyMs: options.latencyMs,
      runs: options.runs,
      oneCallMs,
      medianOneCallMs,
      rows: options.cases.map((c, i) => {
        const wallMs = wall[i] ?? [];
        const medianWallMs = median(wallMs);
        return {
          ...c,
          wallMs,
          medianWallMs,
          ratio: medianWallMs / medianOneCallMs,
          ideal: Math.ceil(c.batchSize / c.recordConcurrency),
        };
      }),
    };
  } finally {
    await admin.setLatency(0);
  }
}
