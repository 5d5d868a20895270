import * as z from 'zod/mini';
import { ConfigError, envProblems } from '#shared/config/config-error.ts';
import { wholeNumberVar } from '#shared/config/env-vars.ts';

/** Thrown at cold start when the environment is wrong; the message lists every bad variable. */
export class StatusConfigError extends ConfigError {
  override readonly name: string = 'StatusConfigError';
}

const envSchema = z.object({
  COINDIRECT_BASE_URL: z.url({
    protocol: /^https?$/,
    error: 'must be an http(s) URL such as https://api.sandbox.coindirect.com',
  }),
  HAWK_SECRET_ID: z.string().check(z.minLength(1, 'must name the Secrets Manager secret (name or ARN)')),
  LEDGER_TABLE_NAME: z.string().check(z.minLength(3, 'must name the DynamoDB ledger table')),
  EVENT_BUS_NAME: z.string().check(z.minLength(1, 'must name the lifecycle event bus')),
  COINDIRECT_SIGN_QUERY: z._default(z.enum(['true', 'false'], 'must be "true" or "false"'), 'true'),
  SECRET_CACHE_TTL_SECONDS: wholeNumberVar(300, 0, 3_600),
  HTTP_CONNECT_TIMEOUT_MS: wholeNumberVar(3_000, 100, 30_000),
  HTTP_TIMEOUT_MS: wholeNumberVar(10_000, 500, 120_000),
  STUCK_AFTER_MINUTES: wholeNumberVar(60, 1, 43_200),
  EVENT_GRACE_SECONDS: wholeNumberVar(120, 0, 3_600),
  UNCONFIRMED_RETRIES: wholeNumberVar(3, 1, 20),
});

/** Settings of the status function and the sweep, parsed once per container. */
export interface StatusConfig {
  readonly coindirectBaseUrl: string;
  readonly hawkSecretId: string;
  readonly ledgerTableName: string;
  readonly eventBusName: string;
  readonly signQuery: boolean;
  readonly secretCacheTtlMs: number;
  readonly httpConnectTimeoutMs: number;
  readonly httpTimeoutMs: number;
  /** A SUBMITTED payout not final this long after submission is stuck. */
  readonly stuckAfterMs: number;
  /** Event markers younger than this are left to the writer publishing them. */
  readonly eventGraceMs: number;
  /**
   * Receives of a status message whose webhook Coindirect's read does not confirm yet (the read shows an
   * earlier status, or no payout): it is retried until then, then acknowledged (the sweep covers the rest).
   */
  readonly unconfirmedRetries: number;
}

/** Reads the configuration from environment variables; throws naming every bad variable. */
export function loadStatusConfig(env: Readonly<Record<string, string | undefined>>): StatusConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new StatusConfigError('payout-status', envProblems(parsed.error.issues, env));
  const e = parsed.data;
  return {
    coindirectBaseUrl: e.COINDIRECT_BASE_URL,
    hawkSecretId: e.HAWK_SECRET_ID,
    ledgerTableName: e.LEDGER_TABLE_NAME,
    eventBusName: e.EVENT_BUS_NAME,
    signQuery: e.COINDIRECT_SIGN_QUERY === 'true',
    secretCacheTtlMs: e.SECRET_CACHE_TTL_SECONDS * 1000,
    httpConnectTimeoutMs: e.HTTP_CONNECT_TIMEOUT_MS,
    httpTimeoutMs: e.HTTP_TIMEOUT_MS,
    stuckAfterMs: e.STUCK_AFTER_MINUTES * 60_000,
    eventGraceMs: e.EVENT_GRACE_SECONDS * 1000,
    unconfirmedRetries: e.UNCONFIRMED_RETRIES,
  };
}
