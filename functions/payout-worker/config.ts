import * as z from 'zod/mini';
import { ConfigError, envProblems } from '#shared/config/config-error.ts';
import { metricsNamespaceFrom } from '#shared/config/powertools-env.ts';
import { workerEnvSchema } from '#shared/config/worker-settings.ts';
import { fractionDigits, minorUnits, PRICE_CURRENCY_MINOR_UNITS } from '#shared/payout/currencies.ts';
import { compareDecimal, isPositive } from '#shared/payout/decimal.ts';
import { DECIMAL_PATTERN, PRICE_CURRENCY_PATTERN } from '#shared/payout/patterns.ts';
import { MIN_LEASE_HTTP_TIMEOUTS } from '#shared/processing/time-budget.ts';

/** Thrown at cold start when the environment is wrong; the message lists every bad variable. */
export { ConfigError };

const decimalString = z.string().check(z.regex(DECIMAL_PATTERN, 'must be a decimal string like "5000"'));

/**
 * The worker's settings, parsed once per container. Names, defaults, ranges and meanings of the variables
 * behind them: `WORKER_SETTINGS` (shared/config/worker-settings.ts).
 */
export interface WorkerConfig {
  readonly coindirectBaseUrl: string;
  readonly merchantId: string;
  readonly hawkSecretId: string;
  readonly ledgerTableName: string;
  readonly dlqUrl: string;
  readonly allowedMerchantIds: readonly string[];
  readonly maxAmounts: Readonly<Record<string, string>>;
  /** Price currency → the most reserved per UTC day (`PAYOUT_DAILY_LIMITS`); empty: no daily limits. */
  readonly dailyLimits: Readonly<Record<string, string>>;
  readonly addressNetwork: 'mainnet' | 'testnet';
  readonly maxBodyBytes: number;
  readonly recordConcurrency: number;
  readonly secretCacheTtlMs: number;
  readonly httpConnectTimeoutMs: number;
  readonly httpTimeoutMs: number;
  readonly leaseMs: number;
  readonly maxBackoffSeconds: number;
  /** A maybe-sent reference is POSTed again only after a lookup made this long after the last attempt. */
  readonly resendSettleMs: number;
  readonly signQuery: boolean;
  /** `POWERTOOLS_METRICS_NAMESPACE`, else its old name `METRICS_NAMESPACE`, else `CoindirectPayouts`. */
  readonly metricsNamespace: string;
  /** The lifecycle event bus (name or ARN); unset: no lifecycle events. */
  readonly eventBusName?: string;
  /** `COINDIRECT_MAX_RPS`: the account's request rate to Coindirect; unset: no pacing. */
  readonly coindirectMaxRps?: number;
  /** `WORKER_MAX_CONCURRENCY`: the containers that share `coindirectMaxRps`. */
  readonly workerMaxConcurrency: number;
}

/**
 * Reads the worker's configuration from environment variables. Throws {@link ConfigError} naming every
 * variable that is missing or wrong, with what was expected.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): WorkerConfig {
  const parsed = workerEnvSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError('payout-worker', envProblems(parsed.error.issues, env));
  const problems: string[] = [];
  const e = parsed.data;
  const maxAmounts = parseMaxAmounts(e.PAYOUT_MAX_AMOUNTS, problems);
  const dailyLimits =
    e.PAYOUT_DAILY_LIMITS === undefined ? {} : parseDailyLimits(e.PAYOUT_DAILY_LIMITS, maxAmounts, problems);
  const allowedMerchantIds = e.ALLOWED_MERCHANT_IDS.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (e.LEASE_SECONDS * 1000 < MIN_LEASE_HTTP_TIMEOUTS * e.HTTP_TIMEOUT_MS) {
    problems.push(
      `LEASE_SECONDS: must cover three Coindirect calls (${MIN_LEASE_HTTP_TIMEOUTS} × HTTP_TIMEOUT_MS = ${(MIN_LEASE_HTTP_TIMEOUTS * e.HTTP_TIMEOUT_MS) / 1000} s), got ${e.LEASE_SECONDS}`,
    );
  }
  if (problems.length > 0) throw new ConfigError('payout-worker', problems);
  return {
    coindirectBaseUrl: e.COINDIRECT_BASE_URL,
    merchantId: e.COINDIRECT_MERCHANT_ID,
    hawkSecretId: e.HAWK_SECRET_ID,
    ledgerTableName: e.LEDGER_TABLE_NAME,
    dlqUrl: e.DLQ_URL,
    allowedMerchantIds,
    maxAmounts,
    dailyLimits,
    addressNetwork: e.ADDRESS_NETWORK,
    maxBodyBytes: e.MAX_BODY_BYTES,
    recordConcurrency: e.RECORD_CONCURRENCY,
    secretCacheTtlMs: e.SECRET_CACHE_TTL_SECONDS * 1000,
    httpConnectTimeoutMs: e.HTTP_CONNECT_TIMEOUT_MS,
    httpTimeoutMs: e.HTTP_TIMEOUT_MS,
    leaseMs: e.LEASE_SECONDS * 1000,
    maxBackoffSeconds: e.MAX_BACKOFF_SECONDS,
    resendSettleMs: e.RESEND_SETTLE_SECONDS * 1000,
    signQuery: e.COINDIRECT_SIGN_QUERY === 'true',
    metricsNamespace: metricsNamespaceFrom({
      POWERTOOLS_METRICS_NAMESPACE: e.POWERTOOLS_METRICS_NAMESPACE,
      METRICS_NAMESPACE: e.METRICS_NAMESPACE,
    }),
    ...(e.EVENT_BUS_NAME === undefined ? {} : { eventBusName: e.EVENT_BUS_NAME }),
    ...(e.COINDIRECT_MAX_RPS === undefined ? {} : { coindirectMaxRps: e.COINDIRECT_MAX_RPS }),
    workerMaxConcurrency: e.WORKER_MAX_CONCURRENCY,
  };
}

function parseMaxAmounts(raw: string, problems: string[]): Record<string, string> {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    problems.push('PAYOUT_MAX_AMOUNTS: must be JSON such as {"EUR":"5000","USD":"5000"}');
    return {};
  }
  const parsed = z.record(z.string().check(z.regex(PRICE_CURRENCY_PATTERN)), decimalString).safeParse(json);
  if (!parsed.success) {
    problems.push('PAYOUT_MAX_AMOUNTS: must map currency codes to decimal strings, e.g. {"EUR":"5000"}');
    return {};
  }
  const unknown = Object.keys(parsed.data).filter((currency) => minorUnits(currency) === undefined);
  if (unknown.length > 0) {
    // Without its minor unit, every payout in the currency would be refused: say so at cold start instead.
    problems.push(
      `PAYOUT_MAX_AMOUNTS: ${unknown.join(', ')} has no known minor unit; supported: ${Object.keys(PRICE_CURRENCY_MINOR_UNITS).join(', ')}`,
    );
  }
  return { ...parsed.data };
}

/**
 * `PAYOUT_DAILY_LIMITS`: each limit a positive decimal in a known currency, with no more decimals than the
 * currency has, and not below the currency's largest single payout (which could then never be paid).
 */
function parseDailyLimits(
  raw: string,
  maxAmounts: Readonly<Record<string, string>>,
  problems: string[],
): Record<string, string> {
  const example = 'e.g. {"EUR":"50000","USD":"50000"}';
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    problems.push(`PAYOUT_DAILY_LIMITS: must be JSON such as {"EUR":"50000"}, or unset for no daily limits`);
    return {};
  }
  const parsed = z.record(z.string().check(z.regex(PRICE_CURRENCY_PATTERN)), decimalString).safeParse(json);
  if (!parsed.success) {
    problems.push(`PAYOUT_DAILY_LIMITS: must map currency codes to decimal strings, ${example}`);
    return {};
  }
  for (const [currency, limit] of Object.entries(parsed.data)) {
    const decimals = minorUnits(currency);
    const max = Object.hasOwn(maxAmounts, currency) ? maxAmounts[currency] : undefined;
    if (decimals === undefined) {
      problems.push(
        `PAYOUT_DAILY_LIMITS: ${currency} has no known minor unit; supported: ${Object.keys(PRICE_CURRENCY_MINOR_UNITS).join(', ')}`,
      );
    } else if (!isPositive(limit)) {
      problems.push(`PAYOUT_DAILY_LIMITS: ${currency} must be greater than 0, got ${limit}`);
    } else if (fractionDigits(limit) > decimals) {
      problems.push(`PAYOUT_DAILY_LIMITS: ${currency} has ${decimals} decimals, got ${limit}`);
    } else if (max !== undefined && compareDecimal(limit, max) < 0) {
      problems.push(
        `PAYOUT_DAILY_LIMITS: ${currency} ${limit} is below PAYOUT_MAX_AMOUNTS ${currency} ${max}: a payout between the two could never be paid`,
      );
    }
  }
  return { ...parsed.data };
}
