// How the worker spends an invocation's time. The worker uses these figures to decide what it may still
// start, and infra/config.ts uses the same figures to refuse a function timeout the worker cannot run with,
// so the two can never disagree.

/**
 * Limits of the worker's AWS clients (DynamoDB, SQS, Secrets Manager): each attempt is cut off after
 * `requestTimeoutMs`, and a call makes at most `maxAttempts` attempts. Without them one slow AWS call
 * could hold a record past the invocation's deadline.
 */
export const AWS_CLIENT_LIMITS = {
  connectionTimeoutMs: 1_000,
  requestTimeoutMs: 2_000,
  maxAttempts: 2,
} as const;

/** The longest one AWS call can take: every attempt, plus the SDK's pause between them. */
export const AWS_CALL_BUDGET_MS = AWS_CLIENT_LIMITS.maxAttempts * AWS_CLIENT_LIMITS.requestTimeoutMs + 500;

/** Kept back from every deadline: timer drift, logging, the handler's own return. */
export const SAFETY_MARGIN_MS = 1_000;

/**
 * The shortest lease, in HTTP timeouts, the worker starts with: a lookup, the POST and a lookup after it
 * must all fit inside one lease.
 */
export const MIN_LEASE_HTTP_TIMEOUTS = 3;

/** Under this, a Coindirect call is not worth starting: it would be cut off before any answer. */
export const MIN_CALL_TIME_MS = 250;

/** The settings the budget depends on. */
export interface BudgetSettings {
  /** `HTTP_TIMEOUT_MS`: the longest one Coindirect call may take. */
  readonly httpTimeoutMs: number;
}

/**
 * One record's full cycle: the claim, `sendAttempted`, the POST and the final write. A record is only
 * started when this much time is left (plus {@link BATCH_WRAP_UP_MS}).
 */
export function recordCycleMs(settings: BudgetSettings): number {
  return 3 * AWS_CALL_BUDGET_MS + settings.httpTimeoutMs + SAFETY_MARGIN_MS;
}

/** What the batch needs after its last record: the DLQ sends, then the visibility change (retried once). */
export const BATCH_WRAP_UP_MS = 2 * AWS_CALL_BUDGET_MS;

/** The first invocation of a container reads the HAWK secret before its first Coindirect call. */
export const COLD_START_MS = AWS_CALL_BUDGET_MS + 2_000;

/** Time the worker keeps in hand before it starts a record: the record's cycle and the batch's wrap-up. */
export function recordReserveMs(settings: BudgetSettings): number {
  return recordCycleMs(settings) + BATCH_WRAP_UP_MS;
}

/**
 * The shortest function timeout with which a cold container can still finish one record. Below it the
 * worker would leave every record unstarted (or be killed by Lambda mid-record).
 */
export function minFunctionTimeoutMs(settings: BudgetSettings): number {
  return COLD_START_MS + recordReserveMs(settings);
}

/** Time left before a send must start so that the POST gets its full timeout and its result is recorded. */
export function sendReserveMs(settings: BudgetSettings): number {
  return settings.httpTimeoutMs + AWS_CALL_BUDGET_MS + SAFETY_MARGIN_MS + BATCH_WRAP_UP_MS;
}

/**
 * Constructor options that apply {@link AWS_CLIENT_LIMITS} to an AWS SDK v3 client. Each attempt gets a
 * hard request timeout (`throwOnRequestTimeout`: without it, newer SDKs only warn), and a call makes at
 * most `maxAttempts` attempts.
 *
 * @example
 * const dynamodb = new DynamoDBClient(AWS_CLIENT_CONFIG);
 */
export const AWS_CLIENT_CONFIG = {
  maxAttempts: AWS_CLIENT_LIMITS.maxAttempts,
  requestHandler: {
    connectionTimeout: AWS_CLIENT_LIMITS.connectionTimeoutMs,
    requestTimeout: AWS_CLIENT_LIMITS.requestTimeoutMs,
    throwOnRequestTimeout: true,
  },
} as const;
