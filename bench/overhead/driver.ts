// Child process of the overhead benchmark (bundled by esbuild and run with plain `node`, like a Lambda
// bundle): one "container" of the real worker processes `payouts` fresh payouts in SQS batches against
// the simulator with zero latency, and reports its own CPU time, wall time and peak RSS over IPC.
import { performance } from 'node:perf_hooks';
import { payoutEvents } from '../lib/payouts.ts';
import { benchWorker } from '../lib/worker-rig.ts';

export interface DriverInput {
  readonly simulatorUrl: string;
  readonly payouts: number;
  /** Payouts processed first and not measured: connections opened, key cached, code JIT-compiled. */
  readonly warmup: number;
  readonly batchSize: number;
  readonly recordConcurrency: number;
  readonly runId: string;
}

export interface DriverOutput {
  readonly payouts: number;
  readonly failures: number;
  readonly cpuUserUs: number;
  readonly cpuSystemUs: number;
  readonly wallMs: number;
  /** Peak resident set size of the whole process, KiB. */
  readonly maxRssKiB: number;
}

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2] ?? '{}') as DriverInput;
  const worker = benchWorker({
    coindirectBaseUrl: input.simulatorUrl,
    recordConcurrency: input.recordConcurrency,
    instrumentation: 'powertools',
  });
  for (const event of payoutEvents(`${input.runId}-warm`, input.warmup, input.batchSize)) {
    await worker.handle(event);
  }
  // Built before the clock starts: producing SQS events is not the worker's cost.
  const events = payoutEvents(input.runId, input.payouts, input.batchSize);
  let failures = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const event of events) failures += (await worker.handle(event)).batchItemFailures.length;
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const output: DriverOutput = {
    payouts: input.payouts,
    failures,
    cpuUserUs: cpu.user,
    cpuSystemUs: cpu.system,
    wallMs,
    maxRssKiB: process.resourceUsage().maxRSS,
  };
  // Keep-alive sockets would hold the process open: leave as soon as the parent has the numbers.
  process.send?.(output, undefined, undefined, () => process.exit(0));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
