import * as z from 'zod/mini';
import { MERCHANT_ID_LENGTH } from '#shared/payout/patterns.ts';
import { wholeNumberVar } from './env-vars.ts';

/**
 * One environment variable of the payout worker: what it means, how the worker parses it (the schema
 * says whether it is required, its default and its range), whether `npm start` takes it from the shell,
 * and how the stack writes a value into it.
 */
export interface WorkerSetting<Schema extends z.ZodMiniType, Value> {
  /** What it does (docs/operations.md, "The worker (environment variables)", says the same). */
  readonly doc: string;
  readonly schema: Schema;
  /** `npm start` passes it from the shell to the local worker (`LOCAL_WORKER_SETTINGS`, read by local/pipeline.ts). */
  readonly local: boolean;
  /** The variable's text for a value, as the stack sets it (infra/constructs/payout-worker-function.ts). */
  readonly write: (value: Value) => string;
}

/** A setting with a default, also kept as data (for docs and tools). */
interface DefaultedSetting<Schema extends z.ZodMiniType, Value, Default = Value>
  extends WorkerSetting<Schema, Value> {
  readonly default: Default;
}

/** A whole-number setting; infra/config.ts checks the `worker` block of cdk.json against its range. */
export interface WholeNumberSetting
  extends DefaultedSetting<ReturnType<typeof wholeNumberVar>, number>,
    Range {}

interface Range {
  readonly min: number;
  readonly max: number;
}

type Spec = { readonly doc: string; readonly local?: boolean };

const asText = (value: string): string => value;

function required<S extends z.ZodMiniType<string>>(spec: Spec & { schema: S }): WorkerSetting<S, string> {
  return { doc: spec.doc, schema: spec.schema, local: spec.local ?? false, write: asText };
}

function optional<S extends z.ZodMiniType<string>>(
  spec: Spec & { schema: S },
): WorkerSetting<z.ZodMiniOptional<S>, string> {
  return { doc: spec.doc, schema: z.optional(spec.schema), local: spec.local ?? false, write: asText };
}

type TextSchema = z.ZodMiniType<string, string>;

/** A text setting with a default; `write` turns what the stack has (a list, a map) into its text. */
function text<Value = string>(
  spec: Spec & { schema: TextSchema; default: string; write?: (value: Value) => string },
): DefaultedSetting<z.ZodMiniDefault<TextSchema>, Value, string> {
  return {
    doc: spec.doc,
    default: spec.default,
    schema: z._default(spec.schema, spec.default),
    local: spec.local ?? false,
    write: spec.write ?? (asText as (value: Value) => string),
  };
}

/** One of a few words, the first given when unset. */
function oneOf<const Values extends readonly [string, ...string[]]>(
  spec: Spec & { values: Values; default: Values[number]; error: string },
) {
  return {
    doc: spec.doc,
    default: spec.default,
    schema: z._default(z.enum(spec.values, spec.error), spec.default),
    local: spec.local ?? false,
    write: (value: Values[number]): string => value,
  };
}

/**
 * An optional positive decimal number (`20`, `2.5`); unset means the feature it tunes is off. The stack
 * writes a number.
 */
function optionalRate(spec: Spec): WorkerSetting<z.ZodMiniOptional<z.ZodMiniType<number, string>>, number> {
  return {
    doc: spec.doc,
    schema: z.optional(
      z.pipe(
        z
          .string()
          .check(
            z.regex(
              /^[0-9]{1,6}(\.[0-9]{1,6})?$/,
              'must be a number of requests per second like "20" or "2.5"',
            ),
          ),
        z.pipe(
          z.transform((s: string) => Number(s)),
          z.number().check(z.gt(0, 'must be greater than 0 (unset it to turn pacing off)')),
        ),
      ),
    ),
    local: spec.local ?? false,
    write: (value: number) => String(value),
  };
}

/** A whole number in [min, max], `default` when unset (errors: "must be at least N", …). */
function wholeNumber(spec: Spec & Range & { readonly default: number }): WholeNumberSetting {
  return {
    doc: spec.doc,
    default: spec.default,
    min: spec.min,
    max: spec.max,
    schema: wholeNumberVar(spec.default, spec.min, spec.max),
    local: spec.local ?? false,
    write: (value: number) => String(value),
  };
}

/**
 * Every setting of the payout worker, the one place for its name, default, range and meaning. It drives the
 * worker's parsing (functions/payout-worker/config.ts, which lists errors in this order), the environment
 * the stack sets (infra/constructs/payout-worker-function.ts, through {@link workerEnvironment}), the
 * ranges of the `worker` block in cdk.json (infra/config.ts), and what `npm start` passes from the shell
 * ({@link LOCAL_WORKER_SETTINGS}).
 */
export const WORKER_SETTINGS = {
  COINDIRECT_BASE_URL: required({
    doc: 'the Coindirect host; the host signed is the host called',
    schema: z.url({
      protocol: /^https?$/,
      error: 'must be an http(s) URL such as https://api.sandbox.coindirect.com',
    }),
  }),
  COINDIRECT_MERCHANT_ID: required({
    doc: 'the merchant whose wallet pays; default for messages without `merchantId`',
    schema: z
      .string()
      .check(
        z.minLength(
          MERCHANT_ID_LENGTH.min,
          `must be the ${MERCHANT_ID_LENGTH.min}–${MERCHANT_ID_LENGTH.max} character merchant ID`,
        ),
        z.maxLength(MERCHANT_ID_LENGTH.max),
      ),
  }),
  HAWK_SECRET_ID: required({
    doc: 'secret (name or ARN) holding {"hawkAuthId": "...", "hawkAuthKey": "..."}',
    schema: z.string().check(z.minLength(1, 'must name the Secrets Manager secret (name or ARN)')),
  }),
  LEDGER_TABLE_NAME: required({
    doc: 'the ledger table (partition key `reference`)',
    schema: z.string().check(z.minLength(3, 'must name the DynamoDB ledger table')),
  }),
  DLQ_URL: required({
    doc: 'the payout DLQ, for permanent failures',
    schema: z.url({ error: 'must be the dead-letter queue URL' }),
  }),
  ALLOWED_MERCHANT_IDS: text({
    doc: 'comma-separated extra MIDs messages may name',
    schema: z.string(),
    default: '',
    local: true,
    write: (merchantIds: readonly string[]) => merchantIds.join(','),
  }),
  PAYOUT_MAX_AMOUNTS: text({
    doc: 'JSON: price currency → largest amount; a currency not listed is refused',
    schema: z.string(),
    default: '{"EUR":"1000","USD":"1000","GBP":"1000"}',
    local: true,
    write: (maxAmounts: Readonly<Record<string, string>>) => JSON.stringify(maxAmounts),
  }),
  PAYOUT_DAILY_LIMITS: {
    ...optional({
      doc: 'JSON: price currency → the most paid out per UTC day; a currency not listed has no daily limit; unset: none',
      schema: z.string(),
      local: true,
    }),
    write: (dailyLimits: Readonly<Record<string, string>>) => JSON.stringify(dailyLimits),
  },
  ADDRESS_NETWORK: oneOf({
    doc: '`testnet` accepts testnet address forms (sandbox)',
    values: ['mainnet', 'testnet'],
    default: 'mainnet',
    error: 'must be "mainnet" or "testnet"',
    local: true,
  }),
  MAX_BODY_BYTES: wholeNumber({
    doc: 'larger bodies are refused unread',
    default: 16_384,
    min: 1_024,
    max: 262_144,
    local: true,
  }),
  RECORD_CONCURRENCY: wholeNumber({
    doc: 'records of a batch processed at once',
    default: 10,
    min: 1,
    max: 50,
    local: true,
  }),
  SECRET_CACHE_TTL_SECONDS: wholeNumber({
    doc: 'how long the HAWK key is cached; a 401 refetches sooner',
    default: 300,
    min: 0,
    max: 3_600,
  }),
  HTTP_CONNECT_TIMEOUT_MS: wholeNumber({
    doc: 'TCP + TLS connect timeout to Coindirect; part of the call HTTP_TIMEOUT_MS bounds',
    default: 3_000,
    min: 100,
    max: 30_000,
    local: true,
  }),
  HTTP_TIMEOUT_MS: wholeNumber({
    doc: "whole-request timeout to Coindirect (each call is also cut to the invocation's time left)",
    default: 15_000,
    min: 500,
    max: 120_000,
    local: true,
  }),
  LEASE_SECONDS: wholeNumber({
    doc: 'how long a claim on a reference lasts; at least 3 × HTTP_TIMEOUT_MS',
    default: 120,
    min: 10,
    max: 43_200,
    local: true,
  }),
  MAX_BACKOFF_SECONDS: wholeNumber({
    // The maximum is SQS's longest visibility timeout (12 h): one backoff wait is one visibility timeout.
    doc: 'largest per-message retry delay',
    default: 21_600,
    min: 60,
    max: 43_200,
    local: true,
  }),
  RESEND_SETTLE_SECONDS: wholeNumber({
    doc: 'a resend needs a lookup made at least this long after the last maybe-sent POST, finding nothing',
    default: 30,
    min: 0,
    max: 900,
    local: true,
  }),
  COINDIRECT_SIGN_QUERY: oneOf({
    doc: 'whether the query string is in the HAWK MAC',
    values: ['true', 'false'],
    default: 'true',
    error: 'must be "true" or "false"',
    local: true,
  }),
  POWERTOOLS_METRICS_NAMESPACE: optional({
    doc: 'CloudWatch namespace of the metrics (default `CoindirectPayouts`)',
    schema: z.string().check(z.minLength(1, 'must name the CloudWatch namespace, or be unset')),
  }),
  METRICS_NAMESPACE: optional({
    doc: 'old name of POWERTOOLS_METRICS_NAMESPACE, read when that is unset',
    schema: z.string().check(z.minLength(1, 'must name the CloudWatch namespace, or be unset')),
  }),
  COINDIRECT_MAX_RPS: optionalRate({
    doc: "the account's request rate to Coindirect, shared by all containers; unset: no pacing",
    local: true,
  }),
  WORKER_MAX_CONCURRENCY: wholeNumber({
    // The stack sets it from the event source's maximum concurrency; SQS allows at most 1,000.
    doc: 'how many containers share COINDIRECT_MAX_RPS: each paces its calls at COINDIRECT_MAX_RPS ÷ this',
    default: 1,
    min: 1,
    max: 1_000,
    local: true,
  }),
  EVENT_BUS_NAME: optional({
    doc: 'lifecycle event bus (name or ARN); unset: no events and no event markers',
    schema: z.string().check(z.minLength(1, 'must name the lifecycle event bus, or be unset')),
  }),
};

export type WorkerSettingName = keyof typeof WORKER_SETTINGS;

type Settings = typeof WORKER_SETTINGS;

/** The worker's environment schema: one field per setting, in table order. */
export const workerEnvSchema = z.object(
  Object.fromEntries(Object.entries(WORKER_SETTINGS).map(([name, setting]) => [name, setting.schema])) as {
    [Name in WorkerSettingName]: Settings[Name]['schema'];
  },
);

/** Values for the worker's variables, as the stack has them: numbers, lists, maps, text. */
export type WorkerSettingValues = {
  readonly [Name in WorkerSettingName]?: Parameters<Settings[Name]['write']>[0];
};

/**
 * The worker's environment for `values`, each written as the worker reads it back, in the order given.
 *
 * @example
 * workerEnvironment({ RECORD_CONCURRENCY: 10, ALLOWED_MERCHANT_IDS: ['a-merchant', 'b-merchant'] });
 * // { RECORD_CONCURRENCY: '10', ALLOWED_MERCHANT_IDS: 'a-merchant,b-merchant' }
 */
export function workerEnvironment(values: WorkerSettingValues): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const { write } = WORKER_SETTINGS[name as WorkerSettingName] as WorkerSetting<z.ZodMiniType, unknown>;
    env[name] = write(value);
  }
  return env;
}

/** The optional settings `npm start` takes from the shell, under the Lambda's names. */
export const LOCAL_WORKER_SETTINGS: readonly WorkerSettingName[] = (
  Object.keys(WORKER_SETTINGS) as WorkerSettingName[]
).filter((name) => WORKER_SETTINGS[name].local);
