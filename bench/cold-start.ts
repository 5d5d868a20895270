// Cold start: the Lambda bundle's size and the time a fresh `node` takes to import it, for the worker and
// for the Powertools baseline, both bundled by scripts/build.ts's bundleLambda (the deployed settings).
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { bundleLambda, bytesByPackage } from '../scripts/build.ts';
import { PROJECT_ROOT } from './lib/paths.ts';
import { median } from './lib/stats.ts';

export const WORKER_ENTRY = 'functions/payout-worker/handler.ts';
export const BASELINE_ENTRY = 'bench/baselines/powertools-handler.ts';

/**
 * The cold-start guard any instrumentation must keep: the worker bundle at most this many times the size,
 * and its import at most this many times the time, of the minimal Powertools handler.
 */
export const COLD_START_GUARD = { bytes: 1.4, import: 1.1 } as const;

export interface ColdStartOptions {
  /** Import timings per bundle (and of the empty `node -e 0`), interleaved. */
  readonly runs: number;
  /** Packages listed per bundle, largest first. */
  readonly topPackages: number;
}

export interface BundleFigures {
  readonly entry: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly topPackages: ReadonlyArray<readonly [string, number]>;
  /** Wall time of `node -e "import(bundle)"`, one per run. */
  readonly processMs: readonly number[];
  /** Median process time minus the median empty `node -e 0`. */
  readonly importMs: number;
}

export interface ColdStartResult {
  readonly runs: number;
  readonly emptyNodeMs: readonly number[];
  readonly medianEmptyNodeMs: number;
  readonly worker: BundleFigures;
  readonly baseline: BundleFigures;
  /** Worker ÷ baseline. */
  readonly bytesRatio: number;
  readonly gzipRatio: number;
  readonly importRatio: number;
}

// Both handlers read their configuration at import (the baseline) or first call (the worker); the same
// values for both, and nothing inherited from the shell, so the measured processes differ only by bundle.
const IMPORT_ENV: Readonly<Record<string, string>> = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  COINDIRECT_BASE_URL: 'https://api.sandbox.coindirect.com',
  COINDIRECT_MERCHANT_ID: '9a57c17a-1eef-48ff-83d0-b5892c99f767',
  HAWK_SECRET_ID: 'coindirect-hawk',
  LEDGER_TABLE_NAME: 'payout-ledger',
  IDEMPOTENCY_TABLE_NAME: 'payout-idempotency',
  DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/payouts-dlq',
};

function timeProcess(args: readonly string[]): number {
  const t0 = performance.now();
  const run = spawnSync(process.execPath, args, { env: IMPORT_ENV, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${run.status}: ${run.stderr}`);
  return ms;
}

/** One bundle per entry, each imported `runs` times by a fresh `node`, interleaved with `node -e 0`. */
export async function measureBundles(
  entries: ReadonlyArray<{ readonly entry: string; readonly file?: string }>,
  options: ColdStartOptions,
): Promise<{
  readonly emptyNodeMs: readonly number[];
  readonly medianEmptyNodeMs: number;
  readonly bundles: BundleFigures[];
}> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'payout-bench-bundles-'));
  try {
    const bundles = await Promise.all(
      entries.map(({ entry, file }, i) =>
        bundleLambda(path.join(PROJECT_ROOT, file ?? entry), path.join(dir, String(i)), entry),
      ),
    );
    const importArgs = (file: string) => ['-e', 'import(process.argv[1])', pathToFileURL(file).href];
    const empty: number[] = [];
    const times: number[][] = bundles.map(() => []);
    // Interleaved, and the order rotated each run, so no bundle always follows the same one.
    const jobs = [
      () => empty.push(timeProcess(['-e', '0'])),
      ...bundles.map((bundle, i) => () => times[i]?.push(timeProcess(importArgs(bundle.file)))),
    ];
    for (const job of jobs) job(); // warm the OS file cache; not counted
    empty.length = 0;
    for (const t of times) t.length = 0;
    for (let run = 0; run < options.runs; run++) {
      for (let k = 0; k < jobs.length; k++) jobs[(run + k) % jobs.length]?.();
    }
    const medianEmptyNodeMs = median(empty);
    return {
      emptyNodeMs: empty,
      medianEmptyNodeMs,
      bundles: bundles.map((bundle, i) => ({
        entry: bundle.name,
        bytes: bundle.bytes,
        gzipBytes: bundle.gzipBytes,
        topPackages: bytesByPackage(bundle.metafile).slice(0, options.topPackages),
        processMs: times[i] ?? [],
        importMs: median(times[i] ?? []) - medianEmptyNodeMs,
      })),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function measureColdStart(options: ColdStartOptions): Promise<ColdStartResult> {
  const measured = await measureBundles([{ entry: WORKER_ENTRY }, { entry: BASELINE_ENTRY }], options);
  const [w, b] = measured.bundles;
  if (w === undefined || b === undefined) throw new Error('bundling failed');
  return {
    runs: options.runs,
    emptyNodeMs: measured.emptyNodeMs,
    medianEmptyNodeMs: measured.medianEmptyNodeMs,
    worker: w,
    baseline: b,
    bytesRatio: w.bytes / b.bytes,
    gzipRatio: w.gzipBytes / b.gzipBytes,
    importRatio: w.importMs / b.importMs,
  };
}
