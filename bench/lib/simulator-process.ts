// The Coindirect simulator as its own process (`simulator/main.ts`), driven through its
// /__sim/ admin API: it gets a CPU of its own, and a chaos run controls it the way an operator would.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { type SimulatorAdminClient, simulatorAdmin } from '#simulator/admin-client.ts';
import { PROJECT_ROOT } from './paths.ts';

const WATCHDOG = `
const { spawn } = require('node:child_process');
const [command, ...args] = process.argv.slice(1);
const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
const stop = () => child.kill('SIGTERM');
process.stdin.on('end', stop).on('error', stop).resume();
process.on('SIGTERM', stop).on('SIGINT', stop);
child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGTERM' ? 0 : 1)));
`;

export interface SimulatorProcess {
  readonly url: string;
  readonly pid: number;
  readonly admin: SimulatorAdminClient;
  /** SIGTERM, then SIGKILL after 5 s. */
  stop(): Promise<void>;
}

/** The vendor modes of `SimulatorOptions` as flags of main.ts; the admin client changes them later. */
export interface SimulatorProcessOptions {
  /** Turn Coindirect's reference uniqueness off (`--no-uniqueness`). */
  readonly allowDuplicateReferences?: boolean;
  /** Refuse a duplicate reference with this code (`--duplicate-code`). */
  readonly duplicateReferenceCode?: string;
  /** Keep new payouts out of the reference search this long (`--search-lag-ms`). */
  readonly searchLagMs?: number;
  /** Store bech32 addresses lower-cased and fiat amounts rounded (`--normalize`). */
  readonly normalize?: boolean;
  /** Delay every /api/ request (`--latency-ms`). */
  readonly latencyMs?: number;
  /** Refuse requests over this rate with 429 + Retry-After (`--rate-limit`, `--rate-burst`). */
  readonly rateLimit?: { readonly rps: number; readonly burst?: number };
  /** Wait this long for the process to print its URL. Default 30 s. */
  readonly readyTimeoutMs?: number;
}

/** Starts `tsx simulator/main.ts --port 0` and resolves once it printed its URL. */
export async function startSimulatorProcess(
  options: SimulatorProcessOptions = {},
): Promise<SimulatorProcess> {
  const args = [
    '--import',
    'tsx',
    'simulator/main.ts',
    '--port',
    '0',
    ...(options.allowDuplicateReferences ? ['--no-uniqueness'] : []),
    ...(options.duplicateReferenceCode === undefined
      ? []
      : ['--duplicate-code', options.duplicateReferenceCode]),
    ...(options.searchLagMs === undefined ? [] : ['--search-lag-ms', String(options.searchLagMs)]),
    ...(options.normalize ? ['--normalize'] : []),
    ...(options.latencyMs === undefined ? [] : ['--latency-ms', String(options.latencyMs)]),
    ...(options.rateLimit === undefined ? [] : ['--rate-limit', String(options.rateLimit.rps)]),
    ...(options.rateLimit?.burst === undefined ? [] : ['--rate-burst', String(options.rateLimit.burst)]),
  ];
  // Under a small watchdog that ends the simulator when this process goes away, however it goes (a test
  // runner's timeout included): it kills the simulator when its stdin, a pipe from here, closes.
  const child = spawn(process.execPath, ['-e', WATCHDOG, '--', process.execPath, ...args], {
    cwd: PROJECT_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  // Kept for error messages; the simulator warns about listener counts under load, which is harmless.
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4_096);
  });
  const pid = child.pid;
  if (pid === undefined || child.stdout === null) throw new Error('could not spawn the simulator');
  const lines = createInterface({ input: child.stdout });
  const timeout = options.readyTimeoutMs ?? 30_000;
  const first = await Promise.race([
    once(lines, 'line').then(([line]) => String(line)),
    once(child, 'exit').then(([code]) => new Error(`the simulator exited with ${code}: ${stderr}`)),
    sleep(timeout, undefined, { ref: false }).then(
      () => new Error(`the simulator printed no URL within ${timeout} ms: ${stderr}`),
    ),
  ]);
  lines.close();
  child.stdout.resume();
  if (first instanceof Error) {
    child.kill('SIGKILL');
    throw first;
  }
  const { url } = JSON.parse(first) as { url: string };
  return { url, pid, admin: simulatorAdmin(url), stop: () => stopChild(child) };
}

/** SIGTERM a child we started, then SIGKILL if it is still there after `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
