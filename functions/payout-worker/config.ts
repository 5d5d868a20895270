import * as z from 'zod/mini';
import { wholeNumberVar } from '#shared/config/env-vars.ts';

/** Thrown at cold start when the environment is wrong; the message lists every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const decimalString = z
  .string()
  .check(z.regex(/^(0|[1-9][0-9]{0,17})(\.[0-9]{1,8})?$/, 'must be a decimal string like "5000"'));

const envSchema = z.object({
  COINDIRECT_BASE_URL: z.url({
    protocol: /^https?$/,
    error: 'must be an http(s) URL such as https://api.sandbox.coindirect.com',
  }),
  COINDIRECT_MERCHANT_ID: z
    .string()
    .check(z.minLength(6, 'must be the 6–50 character merchant ID'), z.maxLength(50)),
  HAWK_SECRET_ID: z.string().check(z.minLength(1, 'must name the Secrets Manager secret (name or ARN)')),
  LEDGER_TABLE_NAME: z.string().check(z.minLength(3, 'must name the DynamoDB ledger table')),
  DLQ_URL: z.url({ error: 'must be the dead-letter queue URL' }),
  ALLOWED_MERCHANT_IDS: z._default(z.string(), ''),
  PAYOUT_MAX_AMOUNTS: z._default(z.string(), '{"EUR":"1000","USD":"1000","GBP":"1000"}'),
  ADDRESS_NETWORK: z._default(z.enum(['mainnet', 'testnet'], 'must be "mainnet" or "testnet"'), 'mainnet'),
  MAX_BODY_BYTES: wholeNumberVar(16_384, 1_024, 262_144),
  RECORD_CONCURRENCY: wholeNumberVar(10, 1, 50),
  SECRET_CACHE_TTL_SECONDS: wholeNumberVar(300, 0, 3_600),
  HTTP_CONNECT_TIMEOUT_MS: wholeNumberVar(3_000, 100, 30_000),
  HTTP_TIMEOUT_MS: wholeNumberVar(15_000, 500, 120_000),
  LEASE_SECONDS: wholeNumberVar(120, 10, 43_200),
  MAX_BACKOFF_SECONDS: wholeNumberVar(21_600, 60, 43_200),
  COINDIRECT_SIGN_QUERY: z._default(z.enum(['true', 'false'], 'must be "true" or "false"'), 'true'),
  METRICS_NAMESPACE: z._default(z.string().check(z.minLength(1)), 'CoindirectPayouts'),
  EVENT_BUS_NAME: z.optional(
    z.string().check(z.minLength(1, 'must name the lifecycle event bus, or be unset')),
  ),
});

/** The worker's settings, parsed once per container. */
export interface WorkerConfig {
  readonly coindirectBaseUrl: string;
  readonly merchantId: string;
  readonly hawkSecretId: string;
  readonly ledgerTableName: string;
  readonly dlqUrl: string;
  readonly allowedMerchantIds: readonly string[];
  readonly maxAmounts: Readonly<Record<string, string>>;
  readonly addressNetwork: 'mainnet' | 'testnet';
  readonly maxBodyBytes: number;
  readonly recordConcurrency: number;
  readonly secretCacheTtlMs: number;
  readonly httpConnectTimeoutMs: number;
  readonly httpTimeoutMs: number;
  readonly leaseMs: number;
  readonly maxBackoffSeconds: number;
  readonly signQuery: boolean;
  readonly metricsNamespace: string;
  /** The lifecycle event bus (name or ARN); unset: no lifecycle events. */
  readonly eventBusName?: string;
}

/**
 * Reads the worker's configuration from environment variables. Throws {@link ConfigError} naming every
 * variable that is missing or wrong, with what was expected.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): WorkerConfig {
  const parsed = envSchema.safeParse(env);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? '(env)');
      problems.push(
        `${name}: ${env[name] === undefined && issue.code === 'invalid_type' ? 'is required' : issue.message}`,
      );
    }
    throw configError(problems);
  }
  const e = parsed.data;
  const maxAmounts = parseMaxAmounts(e.PAYOUT_MAX_AMOUNTS, problems);
  const allowedMerchantIds = e.ALLOWED_MERCHANT_IDS.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (e.LEASE_SECONDS * 1000 < 3 * e.HTTP_TIMEOUT_MS) {
    problems.push(
      `LEASE_SECONDS: must cover three Coindirect calls (3 × HTTP_TIMEOUT_MS = ${(3 * e.HTTP_TIMEOUT_MS) / 1000} s), got ${e.LEASE_SECONDS}`,
    );
  }
  if (problems.length > 0) throw configError(problems);
  return {
    coindirectBaseUrl: e.COINDIRECT_BASE_URL,
    merchantId: e.COINDIRECT_MERCHANT_ID,
    hawkSecretId: e.HAWK_SECRET_ID,
    ledgerTableName: e.LEDGER_TABLE_NAME,
    dlqUrl: e.DLQ_URL,
    allowedMerchantIds,
    maxAmounts,
    addressNetwork: e.ADDRESS_NETWORK,
    maxBodyBytes: e.MAX_BODY_BYTES,
    recordConcurrency: e.RECORD_CONCURRENCY,
    secretCacheTtlMs: e.SECRET_CACHE_TTL_SECONDS * 1000,
    httpConnectTimeoutMs: e.HTTP_CONNECT_TIMEOUT_MS,
    httpTimeoutMs: e.HTTP_TIMEOUT_MS,
    leaseMs: e.LEASE_SECONDS * 1000,
    maxBackoffSeconds: e.MAX_BACKOFF_SECONDS,
    signQuery: e.COINDIRECT_SIGN_QUERY === 'true',
    metricsNamespace: e.METRICS_NAMESPACE,
    ...(e.EVENT_BUS_NAME === undefined ? {} : { eventBusName: e.EVENT_BUS_NAME }),
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
  const parsed = z.record(z.string().check(z.regex(/^[A-Z0-9]{2,10}$/)), decimalString).safeParse(json);
  if (!parsed.success) {
    problems.push('PAYOUT_MAX_AMOUNTS: must map currency codes to decimal strings, e.g. {"EUR":"5000"}');
    return {};
  }
  return { ...parsed.data };
}

function configError(problems: readonly string[]): ConfigError {
  return new ConfigError(
    `payout-worker configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
  );
}
