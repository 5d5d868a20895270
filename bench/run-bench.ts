// Runs the benchmark sections side by side in one process and collects their figures and targets.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { awsTestEnv, startMoto } from '#local/moto.ts';
import { type BatchCase, type BatchLatencyResult, measureBatchLatency } from './batch-latency.ts';
import { type BurstResult, measureBurst } from './burst.ts';
import { COLD_START_GUARD, type ColdStartResult, measureColdStart } from './cold-start.ts';
import { type EnqueueResult, measureEnqueue } from './enqueue.ts';
import { startForwardingProxy } from './lib/forwarding-proxy.ts';
import { type MachineInfo, machineInfo } from './lib/machine.ts';
import { PROJECT_ROOT } from './lib/paths.ts';
import { startSimulatorProcess } from './lib/simulator-process.ts';
import { checkTarget, type TargetCheck } from './lib/stats.ts';
import { measureOverhead, type OverheadResult } from './overhead.ts';

export const SECTIONS = ['latency', 'overhead', 'cold-start', 'enqueue', 'burst'] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchOptions {
  readonly sections: readonly Section[];
  readonly latency: {
    readonly latencyMs: number;
    readonly runs: number;
    readonly cases: readonly BatchCase[];
  };
  readonly overhead: {
    readonly volumes: readonly number[];
    readonly runs: number;
    readonly warmup: number;
    readonly batchSize: number;
    readonly recordConcurrency: number;
  };
  readonly coldStart: { readonly runs: number; readonly topPackages: number };
  readonly enqueue: {
    readonly messages: number;
    readonly messagesPerQueue: number;
    readonly runs: number;
    readonly concurrency: number;
    /** Also measure through a forwarder adding this much per request (a real SQS round trip); 0 = skip. */
    readonly roundTripMs: number;
  };
  readonly burst: {
    readonly payouts: number;
    /** The simulator's rate limit, requests per second, and its bucket size. */
    readonly rps: number;
    readonly rateBurst: number;
    readonly containers: number;
    readonly batchSize: number;
    readonly recordConcurrency: number;
    readonly timeoutMs: number;
  };
  /** Use this moto instead of starting one (the integration tests' shared server). */
  readonly motoEndpoint?: string;
  /** Progress lines (stderr in the CLI). */
  readonly log?: (line: string) => void;
}

/** RECORD_CONCURRENCY values the deployed environments use (cdk.json), for a batch-latency row each. */
export function deployedRecordConcurrency(): Array<{ value: number; environments: string[] }> {
  try {
    const cdk = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
      context?: { environments?: Record<string, { worker?: { recordConcurrency?: unknown } }> };
    };
    const byValue = new Map<number, string[]>();
    for (const [name, env] of Object.entries(cdk.context?.environments ?? {})) {
      const value = env.worker?.recordConcurrency;
      if (typeof value === 'number') byValue.set(value, [...(byValue.get(value) ?? []), name]);
    }
    return [...byValue].map(([value, environments]) => ({ value, environments }));
  } catch {
    return [];
  }
}

export function defaultBenchOptions(): BenchOptions {
  const deployed = deployedRecordConcurrency()
    .filter((d) => d.value !== 10)
    .map((d) => ({
      batchSize: 10,
      recordConcurrency: d.value,
      note: `cdk.json: ${d.environments.join(', ')}`,
    }));
  return {
    sections: SECTIONS,
    latency: {
      latencyMs: 200,
      runs: 5,
      cases: [
        { batchSize: 1, recordConcurrency: 10, note: 'worker default' },
        { batchSize: 10, recordConcurrency: 10, note: 'worker default' },
        ...deployed,
        { batchSize: 100, recordConcurrency: 10, note: 'worker default' },
        { batchSize: 100, recordConcurrency: 50, note: 'RECORD_CONCURRENCY maximum' },
      ],
    },
    overhead: { volumes: [1_000, 10_000], runs: 5, warmup: 5_000, batchSize: 10, recordConcurrency: 10 },
    coldStart: { runs: 15, topPackages: 8 },
    enqueue: { messages: 500, messagesPerQueue: 50, runs: 3, concurrency: 8, roundTripMs: 10 },
    // 2,000 payouts at 50 requests/s: an ideal drain of 40 s; production's 5 containers share the rate.
    burst: {
      payouts: 2_000,
      rps: 50,
      rateBurst: 50,
      containers: 5,
      batchSize: 10,
      recordConcurrency: 10,
      timeoutMs: 20 * 60_000,
    },
  };
}

export interface BenchResults {
  readonly command: string;
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly machine: MachineInfo;
  readonly latency?: BatchLatencyResult;
  readonly overhead?: OverheadResult;
  readonly coldStart?: ColdStartResult;
  readonly enqueue?: {
    readonly moto: EnqueueResult;
    readonly withRoundTrip?: EnqueueResult & { roundTripMs: number };
  };
  readonly burst?: BurstResult;
  readonly targets: readonly TargetCheck[];
}

/** The targets, checked against what was measured. */
export function targetsOf(results: Omit<BenchResults, 'targets'>): TargetCheck[] {
  const targets: TargetCheck[] = [];
  const ten = results.latency?.rows.find((r) => r.batchSize === 10 && r.recordConcurrency === 10);
  if (ten)
    targets.push(checkTarget('batch of 10: wall ÷ one call (RECORD_CONCURRENCY 10)', 'max', 1.3, ten.ratio));
  if (results.overhead) {
    targets.push(
      checkTarget('CPU per payout, 10,000 ÷ 1,000 (~flat)', 'max', 1.25, results.overhead.cpuGrowth),
    );
  }
  if (results.coldStart) {
    const c = results.coldStart;
    targets.push(checkTarget('bundle minified: worker ÷ baseline', 'max', 0.8, c.bytesRatio));
    targets.push(checkTarget('bundle gzip: worker ÷ baseline', 'max', 0.8, c.gzipRatio));
    targets.push(checkTarget('import time: worker ÷ baseline', 'max', 0.8, c.importRatio));
    // The cold-start guard any added instrumentation must keep (docs/decisions.md, "Tracing").
    targets.push(
      checkTarget('cold-start guard: bundle ÷ baseline', 'max', COLD_START_GUARD.bytes, c.bytesRatio),
    );
    targets.push(
      checkTarget('cold-start guard: import ÷ baseline', 'max', COLD_START_GUARD.import, c.importRatio),
    );
  }
  if (results.enqueue) {
    targets.push(checkTarget('enqueue on moto: batched speed-up', 'min', 8, results.enqueue.moto.speedup));
  }
  const paced = results.burst?.rows.find((r) => r.pacing === 'on');
  if (paced) {
    targets.push(checkTarget('burst, pacing on: drain ÷ ideal', 'max', 1.2, paced.ratio));
    targets.push(checkTarget('burst, pacing on: % of requests refused', 'max', 1, paced.refusedPercent));
  }
  return targets;
}

export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  // Taken before any measuring: the load average then is other work on the machine.
  const machine = machineInfo();
  const has = (s: Section) => options.sections.includes(s);
  const partial: { -readonly [K in keyof BenchResults]?: BenchResults[K] } = {};

  if (has('latency') || has('overhead')) {
    const simulator = await startSimulatorProcess({ allowDuplicateReferences: true });
    try {
      if (has('latency')) {
        log(`batch latency: ${options.latency.cases.length} cases × ${options.latency.runs} runs…`);
        partial.latency = await measureBatchLatency({ simulator, ...options.latency });
      }
      if (has('overhead')) {
        log(
          `per-payout overhead: ${options.overhead.volumes.join(' and ')} payouts × ${options.overhead.runs} runs…`,
        );
        partial.overhead = await measureOverhead({ simulator, ...options.overhead });
      }
    } finally {
      await simulator.stop();
    }
  }
  if (has('cold-start')) {
    log(`cold start: bundling both handlers, ${options.coldStart.runs} import runs each…`);
    partial.coldStart = await measureColdStart(options.coldStart);
  }
  if (has('enqueue')) {
    const moto = options.motoEndpoint === undefined ? await startMoto() : undefined;
    const endpoint = options.motoEndpoint ?? moto?.endpoint ?? '';
    const sqs = new SQSClient(awsTestEnv(endpoint));
    try {
      log(`enqueue: ${options.enqueue.messages} messages × ${options.enqueue.runs} runs against moto…`);
      const direct = await measureEnqueue({ sqs, ...options.enqueue });
      let withRoundTrip: (EnqueueResult & { roundTripMs: number }) | undefined;
      if (options.enqueue.roundTripMs > 0) {
        log(`enqueue: again with ${options.enqueue.roundTripMs} ms added per request…`);
        const proxy = await startForwardingProxy(endpoint, { delayMs: options.enqueue.roundTripMs });
        const slow = new SQSClient(awsTestEnv(proxy.endpoint));
        try {
          withRoundTrip = {
            ...(await measureEnqueue({ sqs: slow, ...options.enqueue })),
            roundTripMs: options.enqueue.roundTripMs,
          };
        } finally {
          slow.destroy();
          await proxy.close();
        }
      }
      partial.enqueue = { moto: direct, ...(withRoundTrip === undefined ? {} : { withRoundTrip }) };
    } finally {
      sqs.destroy();
      await moto?.stop();
    }
  }
  if (has('burst')) {
    const b = options.burst;
    const simulator = await startSimulatorProcess({ rateLimit: { rps: b.rps, burst: b.rateBurst } });
    try {
      partial.burst = await measureBurst({ simulator, ...b, log });
    } finally {
      await simulator.stop();
    }
  }
  const results = {
    command: 'npm run bench',
    startedAt: new Date(started).toISOString(),
    durationSeconds: Math.round((Date.now() - started) / 100) / 10,
    machine,
    ...partial,
  };
  return { ...results, targets: targetsOf(results) };
}
