// Keeps one container's Coindirect calls under its share of the account's request rate, so a burst of
// payouts is paced here instead of by the vendor's 429s (docs/operations.md, "Pacing").
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Hands out request slots. Every HTTP request to Coindirect takes one; a 429 with `Retry-After` pauses
 * them all. One per container: the account-wide rate is shared between containers by dividing it.
 */
export interface Pacer {
  /**
   * Waits for a slot. Resolves true once the request may go, or false at once, without waiting and
   * without using a slot, when none comes within `maxWaitMs` (undefined: wait as long as it takes).
   */
  acquire(maxWaitMs?: number): Promise<boolean>;
  /** How long a request asking now would wait for its slot (0: none), pauses included. */
  delayMs(): number;
  /** Holds every request back for `ms` from now (a 429's `Retry-After`); a longer pause already set stays. */
  pauseFor(ms: number): void;
}

export interface TokenBucketOptions {
  /** Requests per second this pacer allows; any positive number. */
  readonly ratePerSecond: number;
  /** Requests that may go at once after a quiet spell. Default 1: requests are spread evenly. */
  readonly burst?: number;
  /** Epoch ms. Default `Date.now`. */
  readonly clock?: () => number;
  /** Waits `ms`. Default a timer; tests pass one that moves their clock. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * A token bucket kept as the time its next token is due (the "generic cell rate" form): each request
 * books the earliest slot the rate, the burst and any pause allow, and waits for it. Bookings are made in
 * call order, so waiting requests go first come, first served, and a request that would wait too long is
 * refused before it books anything.
 *
 * @example
 * const pacer = new TokenBucketPacer({ ratePerSecond: 20 / 5 });
 * if (await pacer.acquire(timeLeftMs)) await send();
 */
export class TokenBucketPacer implements Pacer {
  readonly #intervalMs: number;
  /** How far ahead of the rate a burst may run. */
  readonly #toleranceMs: number;
  readonly #clock: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  /** When the bucket would next be empty of bookings: the "theoretical arrival time". */
  #due = Number.NEGATIVE_INFINITY;
  #pausedUntil = Number.NEGATIVE_INFINITY;

  constructor(options: TokenBucketOptions) {
    const { ratePerSecond } = options;
    const burst = options.burst ?? 1;
    if (!(ratePerSecond > 0 && Number.isFinite(ratePerSecond))) {
      throw new RangeError(
        `pacer rate must be a positive number of requests per second, got ${ratePerSecond}`,
      );
    }
    if (!(burst >= 1 && Number.isFinite(burst)))
      throw new RangeError(`pacer burst must be >= 1, got ${burst}`);
    this.#intervalMs = 1000 / ratePerSecond;
    this.#toleranceMs = (burst - 1) * this.#intervalMs;
    this.#clock = options.clock ?? Date.now;
    this.#sleep = options.sleep ?? ((ms) => sleep(ms));
  }

  /** The earliest moment a request asking at `now` may go. */
  #slot(now: number): number {
    return Math.max(now, this.#due - this.#toleranceMs, this.#pausedUntil);
  }

  delayMs(): number {
    const now = this.#clock();
    return this.#slot(now) - now;
  }

  async acquire(maxWaitMs?: number): Promise<boolean> {
    const now = this.#clock();
    const slot = this.#slot(now);
    if (maxWaitMs !== undefined && slot - now > maxWaitMs) return false;
    this.#due = Math.max(this.#due, slot) + this.#intervalMs;
    if (slot > now) await this.#sleep(slot - now);
    // A 429 may have paused everything while this request waited: it waits out the pause as well, but
    // only as long as its caller allows (the slot it booked is spent either way).
    const after = this.#clock();
    if (this.#pausedUntil > after) {
      const waited = after - now;
      if (maxWaitMs !== undefined && this.#pausedUntil - after > maxWaitMs - waited) return false;
      await this.#sleep(this.#pausedUntil - after);
    }
    return true;
  }

  pauseFor(ms: number): void {
    if (!(ms > 0)) return;
    const until = this.#clock() + ms;
    if (until <= this.#pausedUntil) return;
    this.#pausedUntil = until;
    // Requests booked after the pause start from its end, one interval apart, not in a crowd.
    this.#due = Math.max(this.#due, until);
  }
}

/** Pacing as configured: `maxRps` for the whole account, shared by `containers`. */
export interface PacingSettings {
  /** `COINDIRECT_MAX_RPS`; undefined: no pacing. */
  readonly maxRps?: number;
  /** `WORKER_MAX_CONCURRENCY`: how many containers share `maxRps`. */
  readonly containers: number;
}

/**
 * One container's pacer for `settings`, or undefined when pacing is off. The rate is the account's
 * `maxRps` divided by the containers that may run at once; the burst is a single request, so that all
 * containers together never run ahead of the account's rate by more than one request each.
 */
export function containerPacer(
  settings: PacingSettings,
  clock: () => number = Date.now,
): TokenBucketPacer | undefined {
  if (settings.maxRps === undefined) return undefined;
  return new TokenBucketPacer({ ratePerSecond: settings.maxRps / Math.max(1, settings.containers), clock });
}
