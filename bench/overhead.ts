// Per-payout overhead: CPU time per payout and payouts per second of one worker process, at two volumes,
// against the simulator with zero latency over loopback keep-alive. Each run is a fresh process.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import type { SimulatorAdminClient } from '#simulator/admin-client.ts';
import { PROJECT_ROOT } from './lib/paths.ts';
import { median } from './lib/stats.ts';
import type { DriverInput, DriverOutput } from './overhead/driver.ts';

export interface OverheadOptions {
  readonly simulator: { readonly url: string; readonly admin: SimulatorAdminClient };
  /** Volumes compared, smallest first; the growth ratio is last ÷ first. */
  readonly volumes: readonly number[];
  readonly runs: number;
  readonly warmup: number;
  readonly batchSize: number;
  readonly recordConcurrency: number;
}

export interface OverheadRow {
  readonly payouts: number;
  readonly runs: readonly DriverOutput[];
  readonly cpuUsPerPayout: number;
  readonly payoutsPerSecond: number;
  readonly maxRssMiB: number;
}

export interface OverheadResult {
  readonly warmup: number;
  readonly batchSize: number;
  readonly recordConcurrency: number;
  readonly rows: readonly OverheadRow[];
  /** CPU µs per payout at the largest volume ÷ at the smallest (1.0 = flat). */
  readonly cpuGrowth: number;
}

/** Bundles the driver like a Lambda (minified ESM, one file) so the child runs plain `node`. */
async function bundleDriver(outdir: string): Promise<string> {
  const outfile = path.join(outdir, 'overhead-driver.mjs');
  await build({
    entryPoints: [path.join(PROJECT_ROOT, 'bench/overhead/driver.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    logLevel: 'warning',
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
  });
  return outfile;
}

async function runDriver(file: string, input: DriverInput): Promise<DriverOutput> {
  // stdout (the worker's JSON logs and EMF metrics) goes to /dev/null; stderr is kept for failures.
  const child = fork(file, [JSON.stringify(input)], {
    execArgv: [],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4_096);
  });
  let output: DriverOutput | undefined;
  child.on('message', (message) => {
    output = message as DriverOutput;
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (output === undefined) throw new Error(`overhead driver exited with ${code} and no result: ${stderr}`);
  if (output.failures > 0) throw new Error(`${output.failures} payouts failed in the overhead run`);
  return output;
}

export async function measureOverhead(options: OverheadOptions): Promise<OverheadResult> {
  await options.simulator.admin.setLatency(0);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'payout-bench-'));
  try {
    const file = await bundleDriver(dir);
    const outputs = options.volumes.map((): DriverOutput[] => []);
    // Interleaved (1k, 10k, 1k, 10k, …) so drift on the machine hits every volume alike.
    for (let run = 0; run < options.runs; run++) {
      for (const [i, payouts] of options.volumes.entries()) {
        outputs[i]?.push(
          await runDriver(file, {
            simulatorUrl: options.simulator.url,
            payouts,
            warmup: options.warmup,
            batchSize: options.batchSize,
            recordConcurrency: options.recordConcurrency,
            runId: `ovh-${payouts}-r${run}-${Date.now()}`,
          }),
        );
      }
    }
    const rows = options.volumes.map((payouts, i): OverheadRow => {
      const runs = outputs[i] ?? [];
      return {
        payouts,
        runs,
        cpuUsPerPayout: median(runs.map((r) => (r.cpuUserUs + r.cpuSystemUs) / r.payouts)),
        payoutsPerSecond: median(runs.map((r) => r.payouts / (r.wallMs / 1000))),
        maxRssMiB: median(runs.map((r) => r.maxRssKiB / 1024)),
      };
    });
    const first = rows[0];
    const last = rows[rows.length - 1];
    return {
      warmup: options.warmup,
      batchSize: options.batchSize,
      recordConcurrency: options.recordConcurrency,
      rows,
      cpuGrowth: first && last ? last.cpuUsPerPayout / first.cpuUsPerPayout : Number.NaN,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
