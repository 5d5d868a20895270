/**
 * Daily-limit counters: per price currency and UTC calendar day, the total of the payouts the worker has
 * reserved before their POST (docs/architecture.md, "Daily limits"). A counter is an item of the ledger
 * table under `#limit#<CURRENCY>#<YYYY-MM-DD>`: no payout reference can take that key (references never
 * contain `#`, shared/payout/schema.ts), and the item has no `state` and no `openSince`, so nothing that
 * reads payouts (recordFromItem, the sweep's open index, payout-status) takes it for one. The total is a
 * canonical decimal string, changed only with exact arithmetic (shared/payout/decimal.ts).
 */

/** The first characters of every counter's key. */
export const DAILY_LIMIT_KEY_PREFIX = '#limit#';

/** What a payout holds against a day's limit; recorded on its ledger item as `limitReservation`. */
export interface LimitReservation {
  readonly currency: string;
  /** The UTC day, `YYYY-MM-DD`. */
  readonly day: string;
  /** The amount reserved, canonical. */
  readonly amount: string;
}

/** Reserves `amount` of `currency` on `day` for the payout `reference`, held by the lease `owner`. */
export interface ReserveDailyRequest {
  readonly reference: string;
  readonly owner: string;
  readonly currency: string;
  readonly amount: string;
  /** The day's limit for the currency; the total never goes above it. */
  readonly limit: string;
  readonly day: string;
}

export type ReserveDailyResult =
  /** Counted now: the day's total is `total` with this payout in it. */
  | { readonly kind: 'reserved'; readonly reservation: LimitReservation; readonly total: string }
  /** An earlier delivery of the payout already reserved it (maybe on another day): nothing counted again. */
  | { readonly kind: 'alreadyReserved'; readonly reservation: LimitReservation }
  /** The payout does not fit: the day's total is `total` without it. */
  | { readonly kind: 'overLimit'; readonly total: string }
  /** The caller's lease is gone: another delivery handles the payout; nothing is counted. */
  | { readonly kind: 'leaseLost' }
  /** Other containers kept changing the counter through every try: nothing is counted, try again soon. */
  | { readonly kind: 'contended' };

/** A counter as read: the day's reserved total of one currency ('0' when nothing was reserved). */
export interface DailyTotal {
  readonly currency: string;
  readonly day: string;
  readonly total: string;
}

/** Conditional writes of one counter before a reservation or release gives up (the counter is hot). */
export const MAX_COUNTER_WRITES = 20;

/** The ledger key of the counter of `currency` on `day`, e.g. `#limit#EUR#2026-11-30`. */
export function dailyLimitKey(currency: string, day: string): string {
  return `${DAILY_LIMIT_KEY_PREFIX}${currency}#${day}`;
}

/** The UTC calendar day of an instant, `YYYY-MM-DD`. */
export function utcDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** Milliseconds from `epochMs` to the next UTC midnight (a whole day at midnight itself). */
export function msUntilNextUtcDay(epochMs: number): number {
  const day = 86_400_000;
  return day - (((epochMs % day) + day) % day);
}

/** A short random pause between two tries of a contended counter write, growing with the try. */
export function counterRetryDelayMs(tryNumber: number, random: () => number = Math.random): number {
  return Math.ceil(random() * 10 * Math.min(tryNumber, 5));
}
