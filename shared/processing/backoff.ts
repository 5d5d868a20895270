/** Why a message goes back to the queue; each cause has its own pace. */
export type RetryCause =
  | 'busy'
  | 'throttled'
  | 'ambiguous'
  | 'unavailable'
  | 'credentials'
  | 'configuration'
  | 'insufficientFunds'
  /** Nothing was sent: the invocation's deadline was too near. Back soon, in a fresh invocation. */
  | 'outOfTime'
  /** Nothing was sent: no request slot (shared/coindirect/pacer.ts) came before the deadline. */
  | 'paced'
  /** Payouts are paused (`npm run pause`): nothing was sent and no attempt counted. Back in a minute. */
  | 'paused'
  /**
   * Nothing was sent: the payout does not fit today's limit of its currency. Its wait is the time to the
   * next UTC day (`atLeastSeconds`), spread by up to {@link DAILY_LIMIT_SPREAD_SECONDS}, at most 12 h.
   */
  | 'dailyLimit';

const BASE_SECONDS: Readonly<Record<RetryCause, number>> = {
  busy: 1,
  throttled: 5,
  ambiguous: 10,
  unavailable: 10,
  credentials: 60,
  configuration: 60,
  insufficientFunds: 300,
  outOfTime: 1,
  paced: 1,
  paused: 60,
  dailyLimit: 0,
};

/** Payouts waiting for the next UTC day come back spread over its first 5 minutes, not all at midnight. */
export const DAILY_LIMIT_SPREAD_SECONDS = 300;

/** SQS's largest visibility timeout. */
export const MAX_VISIBILITY_SECONDS = 43_200;

export interface BackoffInput {
  readonly cause: RetryCause;
  /** `ApproximateReceiveCount` of this delivery: 1 on the first. */
  readonly receiveCount: number;
  /** A floor from the server (`Retry-After`) or from a lease still held elsewhere. */
  readonly atLeastSeconds?: number;
  /** Upper bound. Default 21,600 s (6 h). */
  readonly maxSeconds?: number;
  /** Returns [0, 1); spreads retries of a burst apart (±20 %). Default `Math.random`. */
  readonly random?: () => number;
}

/**
 * The visibility timeout for a message that failed transiently: exponential in the receive count, with a
 * base per cause (a throttle retries in seconds, missing funds in minutes), jitter, and server floors
 * honoured. Growth in SQS rather than a sleep in the Lambda: a waiting payout costs nothing.
 */
export function backoffSeconds(input: BackoffInput): number {
  const max = Math.min(input.maxSeconds ?? 21_600, MAX_VISIBILITY_SECONDS);
  const attempt = Math.min(Math.max(1, input.receiveCount), 20);
  const random = input.random ?? Math.random;
  if (input.cause === 'dailyLimit') {
    // Not a failure's retry, so not held to `maxSeconds`: waits of up to SQS's 12 h reach the next UTC day
    // within 2 receives from any time of day (infra/config.ts checks maxReceiveCount and retention for it).
    const wait = Math.ceil((input.atLeastSeconds ?? 0) + DAILY_LIMIT_SPREAD_SECONDS * random());
    return Math.min(MAX_VISIBILITY_SECONDS, Math.max(1, wait));
  }
  const jitter = 0.8 + 0.4 * random();
  const exponential = BASE_SECONDS[input.cause] * 2 ** (attempt - 1) * jitter;
  return Math.min(max, Math.ceil(Math.max(exponential, input.atLeastSeconds ?? 0)));
}
