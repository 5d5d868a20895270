// The worker's side of the kill switch (`npm run pause`): the `#control` flag of the ledger table
// (shared/ledger/control.ts), read at most every few seconds per container, checked before a record is
// claimed and again right before its POST.
import { describeError } from '#shared/describe-error.ts';
import type { PauseState } from '#shared/ledger/control.ts';
import type { LedgerPort, LoggerPort, MetricsPort } from './ports.ts';
import { METRIC } from './ports.ts';

/** Whether payouts are paused now (as of at most the cache's age ago). Throws when that cannot be known. */
export interface PauseSwitchPort {
  state(): Promise<PauseState>;
}

/** How long a container trusts the flag it read: a pause reaches every container within this. */
export const PAUSE_CACHE_MS = 5_000;

/**
 * Caches the flag for `maxAgeMs` per container, so a batch of records costs one read, not one per record.
 * Concurrent records share the read in flight. A failed read is not cached: the next check asks again.
 */
export class CachedPauseSwitch implements PauseSwitchPort {
  readonly #read: () => Promise<PauseState>;
  readonly #maxAgeMs: number;
  readonly #clock: () => number;
  #cached: { readonly state: PauseState; readonly readAt: number } | undefined;
  #inFlight: Promise<PauseState> | undefined;

  constructor(read: () => Promise<PauseState>, options: { maxAgeMs?: number; clock?: () => number } = {}) {
    this.#read = read;
    this.#maxAgeMs = options.maxAgeMs ?? PAUSE_CACHE_MS;
    this.#clock = options.clock ?? Date.now;
  }

  async state(): Promise<PauseState> {
    const cached = this.#cached;
    if (cached !== undefined && this.#clock() - cached.readAt < this.#maxAgeMs) return cached.state;
    this.#inFlight ??= this.#refresh().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  async #refresh(): Promise<PauseState> {
    // The age counts from before the read: a slow read never stretches the 5 s a pause may take to apply.
    const readAt = this.#clock();
    const state = await this.#read();
    this.#cached = { state, readAt };
    return state;
  }
}

/** The retry a paused record gets: back to the queue, nothing sent, no attempt counted. */
export interface PausedRetry {
  readonly kind: 'retry';
  readonly reference: string;
  readonly cause: 'paused' | 'unavailable';
  readonly reason: string;
}

export interface PauseCheckDeps {
  readonly pauseSwitch?: PauseSwitchPort;
  readonly metrics: MetricsPort;
  readonly logger: LoggerPort;
}

/**
 * The retry for `reference` when payouts are paused, or undefined to go on. A flag that cannot be read
 * stops the record too (fail safe): an operator who paused must be able to count on nothing leaving, and
 * a record that waits costs a retry, while one sent during a pause may be the very payout the pause was
 * for. The record comes back with the `unavailable` backoff and the check runs again.
 */
export async function pausedRetry(deps: PauseCheckDeps, reference: string): Promise<PausedRetry | undefined> {
  if (deps.pauseSwitch === undefined) return undefined;
  let state: PauseState;
  try {
    state = await deps.pauseSwitch.state();
  } catch (error) {
    deps.logger.error('could not read the pause flag; not sending', {
      reference,
      error: describeError(error),
    });
    return {
      kind: 'retry',
      reference,
      cause: 'unavailable',
      reason: 'not sent: the pause flag could not be read',
    };
  }
  if (!state.paused) return undefined;
  deps.metrics.count(METRIC.paused);
  const who = [
    state.by === undefined ? '' : ` by ${state.by}`,
    state.at === undefined ? '' : ` at ${state.at}`,
  ];
  return {
    kind: 'retry',
    reference,
    cause: 'paused',
    reason: `not sent: payouts are paused${who.join('')} (${state.reason ?? 'no reason given'})`,
  };
}

/**
 * A paused record that was claimed already gives its claim back with the attempt undone, so the ledger
 * shows it as if this delivery had never reached it (apart from `lastError`, which says why it waits).
 */
export async function releasePaused(
  ledger: LedgerPort,
  lease: { readonly reference: string; readonly owner: string },
  retry: PausedRetry,
): Promise<PausedRetry> {
  await ledger.release({ ...lease, lastError: retry.reason, undoAttempt: true });
  return retry;
}
