// The chaos run's worker processes: started, watched over IPC, killed with SIGKILL mid-batch, replaced.
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { openSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PROJECT_ROOT } from '../lib/paths.ts';
import { stopChild } from '../lib/simulator-process.ts';
import type { WorkerEvent } from './worker-process.ts';

interface Worker {
  readonly id: number;
  readonly child: ChildProcess;
  readonly log: string;
  /** The batch it is in, from batch-start until batch-end. */
  batch: { readonly at: number; readonly messageIds: readonly string[] } | undefined;
  batches: number;
  exited: boolean;
}

/** A worker killed with SIGKILL while it held a batch. */
export interface Kill {
  readonly workerId: number;
  readonly pid: number;
  readonly at: number;
  /** Time from the batch-start report to the kill. */
  readonly msIntoBatch: number;
  readonly messageIds: readonly string[];
  readonly replacementId: number;
}

export interface WorkerPoolOptions {
  readonly env: Readonly<Record<string, string>>;
  /** Where each worker's stdout/stderr (the handler's JSON logs) is written. */
  readonly logDir: string;
  readonly random: () => number;
}

export class WorkerPool {
  readonly #options: WorkerPoolOptions;
  readonly #workers: Worker[] = [];
  readonly #waiters = new Set<() => void>();
  readonly invocationErrors: string[] = [];
  /** Workers that exited without being told to (a crash other than ours). */
  readonly unexpectedExits: string[] = [];
  /** Records acknowledged (not returned as failures) across all workers: the run's progress. */
  acknowledged = 0;
  #stopping = false;

  constructor(options: WorkerPoolOptions) {
    this.#options = options;
  }

  get started(): number {
    return this.#workers.length;
  }

  /** Starts one worker and resolves once it has loaded the handler and begun polling. */
  async spawn(): Promise<number> {
    const id = this.#workers.length + 1;
    const log = path.join(this.#options.logDir, `worker-${id}.log`);
    const fd = openSync(log, 'a');
    const child = fork(path.join(PROJECT_ROOT, 'bench/chaos/worker-process.ts'), [], {
      cwd: PROJECT_ROOT,
      execArgv: ['--import', 'tsx'],
      env: { PATH: process.env.PATH ?? '', ...this.#options.env },
      stdio: ['ignore', fd, fd, 'ipc'],
    });
    const worker: Worker = { id, child, log, batch: undefined, batches: 0, exited: false };
    this.#workers.push(worker);
    const ready = new Promise<void>((resolve, reject) => {
      child.once('exit', (code, signal) =>
        reject(new Error(`worker ${id} exited (${signal ?? code}) before it was ready; see ${log}`)),
      );
      child.on('message', (message) => {
        const event = message as WorkerEvent;
        if (event.type === 'ready') resolve();
        this.#onEvent(worker, event);
      });
    });
    child.on('exit', (code, signal) => {
      worker.exited = true;
      worker.batch = undefined;
      if (!this.#stopping && signal !== 'SIGKILL') {
        this.unexpectedExits.push(`worker ${id} exited with ${signal ?? code}; see ${log}`);
      }
    });
    await ready;
    return id;
  }

  #onEvent(worker: Worker, event: WorkerEvent): void {
    if (event.type === 'batch-start') worker.batch = { at: event.at, messageIds: event.messageIds };
    if (event.type === 'batch-end') {
      this.acknowledged += (worker.batch?.messageIds.length ?? 0) - event.failed;
      worker.batch = undefined;
      worker.batches += 1;
    }
    if (event.type === 'invocation-error')
      this.invocationErrors.push(`worker ${worker.id}: ${event.message}`);
    for (const wake of this.#waiters) wake();
  }

  async #nextEvent(timeoutMs: number): Promise<boolean> {
    let wake: () => void = () => undefined;
    const woken = new Promise<boolean>((resolve) => {
      wake = () => resolve(true);
      this.#waiters.add(wake);
    });
    const result = await Promise.race([woken, sleep(timeoutMs, false, { ref: false })]);
    this.#waiters.delete(wake);
    return result;
  }

  /**
   * Waits for a worker inside a batch of at least `minRecords` and SIGKILLs it as soon as `ready` says the
   * moment has come (asked every 20 ms while that batch lasts; `ready` is how the caller knows the worker
   * is mid-work, e.g. it holds leases). If the batch ends first, waits for another. Starts a replacement.
   */
  async killMidBatch(
    ready: (messageIds: readonly string[]) => Promise<boolean>,
    minRecords: number,
    timeoutMs: number,
  ): Promise<Kill> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const busy = this.#workers.filter(
        (w) => !w.exited && w.batch !== undefined && w.batch.messageIds.length >= minRecords,
      );
      const target = busy[Math.floor(this.#options.random() * busy.length)];
      const batch = target?.batch;
      if (target === undefined || batch === undefined) {
        await this.#nextEvent(Math.max(1, deadline - Date.now()));
        continue;
      }
      let go = false;
      while (!go && target.batch === batch && !target.exited && Date.now() < deadline) {
        go = await ready(batch.messageIds);
        if (!go) await sleep(20);
      }
      if (!go || target.batch !== batch || target.exited) continue; // the batch ended first: try another
      const pid = target.child.pid ?? -1;
      const exited = once(target.child, 'exit');
      const at = Date.now();
      target.child.kill('SIGKILL');
      await exited;
      // The replacement starts in the background, like a new Lambda container; a failure to start is reported.
      const replacementId = this.#workers.length + 1;
      this.spawn().catch((error: unknown) => {
        this.unexpectedExits.push(error instanceof Error ? error.message : String(error));
      });
      return {
        workerId: target.id,
        pid,
        at,
        msIntoBatch: at - batch.at,
        messageIds: batch.messageIds,
        replacementId,
      };
    }
    throw new Error(`no worker held a batch of ${minRecords}+ records to kill within ${timeoutMs} ms`);
  }

  /** SIGTERM every live worker (each finishes its batch), SIGKILL after `graceMs`. */
  async stopAll(graceMs = 15_000): Promise<void> {
    this.#stopping = true;
    await Promise.all(this.#workers.filter((w) => !w.exited).map((w) => stopChild(w.child, graceMs)));
  }

  summary(): Array<{ id: number; pid: number; batches: number; log: string }> {
    return this.#workers.map((w) => ({ id: w.id, pid: w.child.pid ?? -1, batches: w.batches, log: w.log }));
  }
}
