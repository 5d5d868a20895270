// The simulated vendor's request rate limit: one token bucket across every /api/ request, as an API
// gateway in front of Coindirect would keep. Over the limit a request is refused with 429 and
// `Retry-After` before anything else looks at it. Coindirect documents no limit (docs/coindirect.md,
// "Rate limits"), so this is a stand-in with whatever rate a test or the bench sets.
import type { RateLimit } from './types.ts';

export type RateVerdict = { readonly ok: true } | { readonly ok: false; readonly retryAfterSec: number };

export class RateLimiter {
  readonly #clock: () => number;
  #tokens = 0;
  #at = 0;
  #limit: RateLimit | null = null;
  #allowed = 0;
  #refused = 0;

  constructor(clock: () => number) {
    this.#clock = clock;
  }

  /** Sets the limit in force (null: none); a new limit starts with a full bucket. */
  set(limit: RateLimit | null): void {
    const same = limit !== null && this.#limit?.rps === limit.rps && this.#limit.burst === limit.burst;
    if (same) return;
    this.#limit = limit;
    this.#tokens = limit?.burst ?? 0;
    this.#at = this.#clock();
  }

  /** Takes a token for one request, or says how long until one is there (whole seconds, at least 1). */
  take(): RateVerdict {
    const limit = this.#limit;
    if (limit === null) {
      this.#allowed++;
      return { ok: true };
    }
    const now = this.#clock();
    this.#tokens = Math.min(limit.burst, this.#tokens + ((now - this.#at) * limit.rps) / 1000);
    this.#at = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      this.#allowed++;
      return { ok: true };
    }
    this.#refused++;
    return { ok: false, retryAfterSec: Math.max(1, Math.ceil((1 - this.#tokens) / limit.rps)) };
  }

  /** Requests let through and refused for rate since the start (or the last reset). */
  counts(): { readonly allowed: number; readonly refusedForRate: number } {
    return { allowed: this.#allowed, refusedForRate: this.#refused };
  }

  reset(limit: RateLimit | null): void {
    this.#allowed = 0;
    this.#refused = 0;
    this.#limit = null;
    this.set(limit);
  }
}
