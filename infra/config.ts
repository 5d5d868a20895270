import { z } from 'zod';
import { type WholeNumberSetting, WORKER_SETTINGS } from '#shared/config/worker-settings.ts';
import { fractionDigits, minorUnits, PRICE_CURRENCY_MINOR_UNITS } from '#shared/payout/currencies.ts';
import { compareDecimal } from '#shared/payout/decimal.ts';
import { DECIMAL_PATTERN, MERCHANT_ID_PATTERN, PRICE_CURRENCY_PATTERN } from '#shared/payout/patterns.ts';
import { MAX_VISIBILITY_SECONDS } from '#shared/processing/backoff.ts';
import {
  BATCH_WRAP_UP_MS,
  COLD_START_MS,
  MIN_LEASE_HTTP_TIMEOUTS,
  minFunctionTimeoutMs,
  recordCycleMs,
} from '#shared/processing/time-budget.ts';
import { InfraConfigError } from './errors.ts';

/** Context key chosen on the command line: `npx cdk synth -c env=staging`. */
export const ENV_CONTEXT_KEY = 'env';
/** Context key in `cdk.json` holding one config block per environment. */
export const ENVIRONMENTS_CONTEXT_KEY = 'environments';

/** Coindirect API hosts and the address network each one pays out on. */
export const COINDIRECT_BASE_URLS = {
  'https://api.sandbox.coindirect.com': 'testnet',
  'https://api.coindirect.com': 'mainnet',
} as const;

/**
 * Availability zones a VPC spans when the stack is environment-agnostic (no `region` in the config):
 * CDK then uses `Fn::GetAZs` placeholders and can only offer two.
 */
export const AGNOSTIC_AZ_COUNT = 2;

/** Without `worker.leaseSeconds`, a ledger lease lasts the function timeout plus this, so it outlives any invocation. */
export const DEFAULT_LEASE_MARGIN_SECONDS = 30;

/**
 * Receives a payout needs at the least: the first attempt, the receive after a resend-settle wait that looks
 * the reference up, and the resend.
 */
const MIN_RECEIVE_COUNT = 3;

/** Receives a payout over today's daily limit spends waiting for the next UTC day: 24 h in waits of 12 h. */
export const DAILY_LIMIT_WAIT_RECEIVES = Math.ceil(86_400 / MAX_VISIBILITY_SECONDS);

/** The retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const baseUrls = Object.keys(COINDIRECT_BASE_URLS) as [keyof typeof COINDIRECT_BASE_URLS];

const awsAccount = z.string().regex(/^\d{12}$/, { error: 'expected a 12-digit AWS account ID' });
const awsRegion = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'expected an AWS region name such as "eu-west-1"' });
const availabilityZone = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, {
  error: 'expected an availability zone name such as "eu-west-1a"',
});
const eipAllocationId = z.string().regex(/^eipalloc-([0-9a-f]{8}|[0-9a-f]{17})$/, {
  error: 'expected an Elastic IP allocation ID such as "eipalloc-0123456789abcdef0"',
});
// The payout schema's merchant rule; it also keeps out commas, the separator in ALLOWED_MERCHANT_IDS.
const merchantId = z.string().regex(MERCHANT_ID_PATTERN, {
  error: 'expected a Coindirect merchant ID (MID): 6 to 50 of A-Z a-z 0-9 . _ : -',
});
// The payout schema's price-currency rule.
const currencyCode = z.string().regex(PRICE_CURRENCY_PATTERN, {
  error: 'expected an upper-case price currency code such as "EUR" (2 to 10 of A-Z 0-9)',
});
const positiveDecimal = z
  .string({ error: 'expected a decimal string such as "5000" or "250.50"' })
  // The worker's own PAYOUT_MAX_AMOUNTS rule: up to 18 integer digits and 8 decimals.
  .regex(DECIMAL_PATTERN, { error: 'expected a decimal string such as "5000" or "250.50"' })
  .refine((value) => /[1-9]/.test(value), { error: 'expected an amount greater than 0' });
const int = (min: number, max: number) => z.int().min(min).max(max);
/** A `worker` field the stack passes on as a worker setting: that setting's range, as the worker checks it. */
const workerSetting = ({ min, max }: WholeNumberSetting) => int(min, max);
const {
  HTTP_CONNECT_TIMEOUT_MS,
  HTTP_TIMEOUT_MS,
  LEASE_SECONDS,
  MAX_BACKOFF_SECONDS,
  RESEND_SETTLE_SECONDS,
} = WORKER_SETTINGS;

const environmentConfigSchema = z
  .strictObject({
    /** Deploy target; optional for synth (an env-agnostic stack deploys to the CLI's account). */
    account: awsAccount.optional(),
    /** Deploy region; when set, `availabilityZones` must name that region's zones. */
    region: awsRegion.optional(),
    /** Fixed zone names, so synth never looks them up (a lookup needs AWS credentials). */
    availabilityZones: z.array(availabilityZone).min(2).max(3).optional(),
    coindirect: z.strictObject({
      baseUrl: z.enum(baseUrls),
      /** The default merchant (MID) payouts are paid from. */
      merchantId,
      /** Merchants a message may name in `merchantId`; must include the default. */
      allowedMerchantIds: z.array(merchantId).min(1),
      /** Which network destination addresses are validated for: the sandbox pays out on testnets. */
      addressNetwork: z.enum(['mainnet', 'testnet']),
    }),
    egress: z.strictObject({
      /** 1 (one shared NAT gateway, cheaper) or one per availability zone (survives an AZ outage). */
      natGateways: int(1, 3),
      /**
       * Existing Elastic IP allocations to adopt, one per NAT gateway (IPs already whitelisted on a Coindirect
       * key). Omit it to have the EgressIps stack allocate them; the worker stack then reads them from it.
       */
      eipAllocationIds: z.array(eipAllocationId).min(1).max(3).optional(),
    }),
    /** Per price currency, the largest amount one payout may have. */
    payoutMaxAmounts: z.record(currencyCode, positiveDecimal),
    /** `PAYOUT_DAILY_LIMITS`: per price currency, the most paid out per UTC day; omit for no daily limits. */
    dailyLimits: z.record(currencyCode, positiveDecimal).optional(),
    worker: z.strictObject({
      timeoutSeconds: int(10, 900),
      memorySizeMb: int(128, 10240),
      /** Records per invocation; above 10 SQS requires a batching window. */
      batchSize: int(1, 10000),
      maxBatchingWindowSeconds: int(0, 300),
      /** Most concurrent invocations the SQS event source starts (SQS allows 2 to 1000). */
      maxConcurrency: int(2, 1000),
      // The fields below are worker settings: meaning, range and default in shared/config/worker-settings.ts.
      /** `RECORD_CONCURRENCY`: records of one batch processed at the same time inside an invocation. */
      recordConcurrency: workerSetting(WORKER_SETTINGS.RECORD_CONCURRENCY),
      /** `HTTP_TIMEOUT_MS`. */
      httpTimeoutMs: workerSetting(HTTP_TIMEOUT_MS).default(HTTP_TIMEOUT_MS.default),
      /** `HTTP_CONNECT_TIMEOUT_MS`. */
      httpConnectTimeoutMs: workerSetting(HTTP_CONNECT_TIMEOUT_MS).default(HTTP_CONNECT_TIMEOUT_MS.default),
      /** `LEASE_SECONDS`. Default here: `timeoutSeconds` + {@link DEFAULT_LEASE_MARGIN_SECONDS}. */
      leaseSeconds: workerSetting(LEASE_SECONDS).optional(),
      /** `MAX_BACKOFF_SECONDS`; its maximum is SQS's longest visibility timeout. */
      maxBackoffSeconds: z
        .int()
        .min(MAX_BACKOFF_SECONDS.min)
        .max(MAX_BACKOFF_SECONDS.max, {
          error: `expected at most ${MAX_BACKOFF_SECONDS.max} (12 h): a backoff wait is an SQS visibility timeout, and SQS allows no longer one`,
        })
        .default(MAX_BACKOFF_SECONDS.default),
      /** `RESEND_SETTLE_SECONDS`. */
      resendSettleSeconds: workerSetting(RESEND_SETTLE_SECONDS).default(RESEND_SETTLE_SECONDS.default),
      /**
       * `COINDIRECT_MAX_RPS`: the account's request rate to Coindirect, shared by up to `maxConcurrency`
       * containers (each paces at this ÷ `maxConcurrency`). Omit for no pacing.
       */
      coindirectMaxRps: z
        .number({ error: 'expected a number of requests per second such as 20 or 2.5' })
        .positive({ error: 'expected more than 0 requests per second (omit the field for no pacing)' })
        .max(100_000)
        .optional(),
    }),
    queue: z.strictObject({
      /** Receives before SQS moves a message to the DLQ. */
      maxReceiveCount: int(1, 1000),
      retentionDays: int(1, 14),
    }),
    /** Omit to create an empty secret in the stack; give `importName` to use an existing one. */
    hawkSecret: z.strictObject({ importName: z.string().min(1).max(512) }).optional(),
    /** The Coindirect webhook receiver; every field optional. */
    webhook: z
      .strictObject({
        /**
         * The webhook URL exactly as registered in Coindirect's merchant settings, when it is not the
         * stack's WebhookUrl output (a custom domain, path or query in front of the function). The
         * signature covers the registered URL's path and query, so a mismatch fails every webhook.
         */
        registeredUrl: z
          .url({ protocol: /^https$/, error: 'expected the https URL registered at Coindirect' })
          .optional(),
        /** Use this existing secret (by name) for the merchant webhook secret instead of creating one. */
        secretImportName: z.string().min(1).max(512).optional(),
        /**
         * Concurrent executions reserved for (and capping) the receiver, bounding a flood's cost. Always
         * set: a flood of signed replays must not take the account's concurrency from the worker.
         */
        reservedConcurrency: int(1, 1000).default(5),
      })
      .prefault({}),
    /** Status updates, lifecycle events and the stuck-payout sweep. */
    lifecycle: z
      .strictObject({
        /** A SUBMITTED payout not final this many minutes after submission is stuck (re-read, then alarm). */
        stuckAfterMinutes: int(5, 43_200).default(60),
        /** How often the sweep runs, in minutes. */
        sweepIntervalMinutes: int(5, 1_440).default(60),
        /** Receives of a status message before SQS moves it to the status DLQ. */
        statusMaxReceiveCount: int(2, 100).default(10),
      })
      .prefault({}),
    alarms: z.strictObject({
      email: z.email({ error: 'expected an email address' }),
      /** Alarm when the oldest payout message has waited this long (seconds since it was sent). */
      oldestMessageAgeSeconds: int(60, 1_209_600),
    }),
    logRetentionDays: z.literal(LOG_RETENTION_DAYS),
    /** Production: deletion protection and RETAIN on the ledger, queues, secret and logs. */
    retainData: z.boolean(),
  })
  .superRefine((env, ctx) => {
    const problem: Problem = (path, message, input) =>
      ctx.addIssue({
        code: 'custom',
        path,
        message,
        input,
        // Zod drops `input` from the issue; kept here so a defaulted field can say what it defaulted to.
        ...(input === undefined ? {} : { params: { value: input } }),
      });

    if (env.region === undefined && env.availabilityZones !== undefined) {
      problem(['availabilityZones'], 'requires "region" to be set too', env.availabilityZones);
    }
    if (env.region !== undefined && env.availabilityZones === undefined) {
      problem(
        ['availabilityZones'],
        `is required when "region" is set: list 2 or 3 zones of ${env.region}, e.g. ["${env.region}a", "${env.region}b"] (otherwise CDK looks them up at synth, which needs AWS credentials)`,
      );
    }
    env.availabilityZones?.forEach((zone, index) => {
      if (env.region !== undefined && !zone.startsWith(env.region)) {
        problem(['availabilityZones', index], `expected a zone of region ${env.region}`, zone);
      }
    });
    if (env.availabilityZones && new Set(env.availabilityZones).size !== env.availabilityZones.length) {
      problem(['availabilityZones'], 'expected distinct zones', env.availabilityZones);
    }

    const azCount = env.availabilityZones?.length ?? AGNOSTIC_AZ_COUNT;
    const { natGateways, eipAllocationIds } = env.egress;
    if (natGateways !== 1 && natGateways !== azCount) {
      problem(
        ['egress', 'natGateways'],
        `expected 1 (one shared NAT gateway) or ${azCount} (one per availability zone)`,
        natGateways,
      );
    }
    if (eipAllocationIds !== undefined && eipAllocationIds.length !== natGateways) {
      problem(
        ['egress', 'eipAllocationIds'],
        `expected exactly ${natGateways} allocation ID(s), one per NAT gateway (egress.natGateways), or none: leave it out to have the EgressIps stack allocate them`,
        eipAllocationIds,
      );
    }
    if (eipAllocationIds !== undefined && new Set(eipAllocationIds).size !== eipAllocationIds.length) {
      problem(['egress', 'eipAllocationIds'], 'expected distinct allocation IDs', eipAllocationIds);
    }

    const { baseUrl, addressNetwork, merchantId: defaultMerchant, allowedMerchantIds } = env.coindirect;
    const network = COINDIRECT_BASE_URLS[baseUrl];
    if (addressNetwork !== network) {
      problem(['coindirect', 'addressNetwork'], `expected "${network}" for ${baseUrl}`, addressNetwork);
    }
    if (!allowedMerchantIds.includes(defaultMerchant)) {
      problem(
        ['coindirect', 'allowedMerchantIds'],
        `expected to include the default merchantId "${defaultMerchant}"`,
        allowedMerchantIds,
      );
    }

    if (Object.keys(env.payoutMaxAmounts).length === 0) {
      problem(['payoutMaxAmounts'], 'expected at least one currency, e.g. {"EUR": "5000"}', {});
    }
    for (const currency of Object.keys(env.payoutMaxAmounts)) {
      if (minorUnits(currency) === undefined) {
        problem(
          ['payoutMaxAmounts', currency],
          `expected a price currency with a known minor unit (shared/payout/currencies.ts): ${Object.keys(PRICE_CURRENCY_MINOR_UNITS).join(', ')}`,
          currency,
        );
      }
    }
    checkDailyLimits(env, problem);
    checkWorkerBudget(env, problem);
    checkRedrive(env, problem);
    if (env.worker.batchSize > 10 && env.worker.maxBatchingWindowSeconds < 1) {
      problem(
        ['worker', 'maxBatchingWindowSeconds'],
        'expected at least 1 when worker.batchSize is above 10 (an SQS event source rule)',
        env.worker.maxBatchingWindowSeconds,
      );
    }
  });

/**
 * Each daily limit in a currency with a known minor unit and no more decimals than it has, and not below
 * the currency's largest payout (which could then never be paid). A payout over today's limit waits for
 * the next UTC day in waits of up to 12 h (shared/processing/backoff.ts), so it spends at most
 * {@link DAILY_LIMIT_WAIT_RECEIVES} receives per day waited; checkRedrive holds retention to those waits.
 */
function checkDailyLimits(
  env: Pick<z.output<typeof environmentConfigSchema>, 'dailyLimits' | 'payoutMaxAmounts' | 'queue'>,
  problem: Problem,
): void {
  const limits = env.dailyLimits ?? {};
  for (const [currency, limit] of Object.entries(limits)) {
    // A limit that is not a positive decimal has its own problem already (zod runs this check anyway).
    if (!DECIMAL_PATTERN.test(limit) || !/[1-9]/.test(limit)) continue;
    const decimals = minorUnits(currency);
    const max = Object.hasOwn(env.payoutMaxAmounts, currency) ? env.payoutMaxAmounts[currency] : undefined;
    if (decimals === undefined) {
      problem(
        ['dailyLimits', currency],
        `expected a price currency with a known minor unit (shared/payout/currencies.ts): ${Object.keys(PRICE_CURRENCY_MINOR_UNITS).join(', ')}`,
        currency,
      );
    } else if (fractionDigits(limit) > decimals) {
      problem(
        ['dailyLimits', currency],
        `expected at most ${decimals} decimals (${currency}'s minor unit)`,
        limit,
      );
    } else if (max !== undefined && compareDecimal(limit, max) < 0) {
      problem(
        ['dailyLimits', currency],
        `expected at least payoutMaxAmounts.${currency} (${max}): a payout between the two would never fit a day`,
        limit,
      );
    }
  }
  const needed = MIN_RECEIVE_COUNT + DAILY_LIMIT_WAIT_RECEIVES;
  if (Object.keys(limits).length > 0 && env.queue.maxReceiveCount < needed) {
    problem(
      ['queue', 'maxReceiveCount'],
      `expected at least ${needed} with dailyLimits: a payout over today's limit may wait ${DAILY_LIMIT_WAIT_RECEIVES} receives (waits of up to ${MAX_VISIBILITY_SECONDS} s) for the next UTC day, then need the ${MIN_RECEIVE_COUNT} receives any payout may need; fewer would let SQS dead-letter it for the limit alone`,
      env.queue.maxReceiveCount,
    );
  }
}

/** The checked block with `worker.leaseSeconds` resolved (its default depends on the timeout). */
const resolvedEnvironmentSchema = environmentConfigSchema.transform((env) => ({
  ...env,
  worker: { ...env.worker, leaseSeconds: leaseSecondsOf(env.worker) },
}));

/** What the checks read: the parsed block, defaults applied except the lease's (it depends on the timeout). */
type ParsedSections = Pick<z.output<typeof environmentConfigSchema>, 'worker' | 'queue'>;
type Problem = (path: (string | number)[], message: string, input?: unknown) => void;

/** `worker.leaseSeconds`, or its default: the function timeout plus {@link DEFAULT_LEASE_MARGIN_SECONDS}. */
function leaseSecondsOf(worker: {
  readonly timeoutSeconds: number;
  readonly leaseSeconds?: number | undefined;
}) {
  return worker.leaseSeconds ?? worker.timeoutSeconds + DEFAULT_LEASE_MARGIN_SECONDS;
}

const seconds = (ms: number) => `${ms / 1000} s`;

/**
 * The worker's time budget (shared/processing/time-budget.ts) against the function timeout, the batch and
 * the lease: a config the worker cannot run with would fail every cold start, or leave records unstarted
 * until they reach the DLQ with no reason.
 */
function checkWorkerBudget(env: ParsedSections, problem: Problem): void {
  const { timeoutSeconds, batchSize, recordConcurrency, httpTimeoutMs, httpConnectTimeoutMs } = env.worker;
  const timeoutMs = timeoutSeconds * 1000;
  const budget = { httpTimeoutMs };
  const cycleMs = recordCycleMs(budget);
  const cycle = `one record's claim → POST → record cycle (${seconds(cycleMs)} with worker.httpTimeoutMs ${httpTimeoutMs})`;

  const minTimeoutMs = minFunctionTimeoutMs(budget);
  if (timeoutMs < minTimeoutMs) {
    problem(
      ['worker', 'timeoutSeconds'],
      `expected at least ${Math.ceil(minTimeoutMs / 1000)}: a cold start (${seconds(COLD_START_MS)}) plus ${cycle} plus the batch wrap-up (${seconds(BATCH_WRAP_UP_MS)}) need ${seconds(minTimeoutMs)}; a shorter timeout fails every cold start or leaves every record unstarted, and messages reach the DLQ with no reason`,
      timeoutSeconds,
    );
  } else {
    // Records run `recordConcurrency` at a time, and each round may take a full cycle: the worker starts a
    // record only while a cycle plus the wrap-up is left.
    const rounds = Math.ceil(batchSize / recordConcurrency);
    const batchMs = COLD_START_MS + rounds * cycleMs + BATCH_WRAP_UP_MS;
    if (batchMs > timeoutMs) {
      const fittingRounds = Math.floor((timeoutMs - COLD_START_MS - BATCH_WRAP_UP_MS) / cycleMs);
      problem(
        ['worker', 'batchSize'],
        `expected at most ${fittingRounds * recordConcurrency} with worker.recordConcurrency ${recordConcurrency} and worker.timeoutSeconds ${timeoutSeconds}: a full batch takes ${rounds} round(s) of ${cycle} plus a cold start (${seconds(COLD_START_MS)}) and the batch wrap-up (${seconds(BATCH_WRAP_UP_MS)}), ${seconds(batchMs)} in all, so records of every full batch are left unstarted and burn receives`,
        batchSize,
      );
    }
  }
  if (recordConcurrency > batchSize) {
    problem(
      ['worker', 'recordConcurrency'],
      `expected at most worker.batchSize (${batchSize}): a batch never holds more records than that, so more concurrency is pointless`,
      recordConcurrency,
    );
  }

  const leaseSeconds = leaseSecondsOf(env.worker);
  if (leaseSeconds < timeoutSeconds) {
    problem(
      ['worker', 'leaseSeconds'],
      `expected at least worker.timeoutSeconds (${timeoutSeconds}): a lease must outlive the invocation that holds it, or another delivery of the same payout can claim it mid-send`,
      leaseSeconds,
    );
  }
  const leaseFloorMs = Math.max(MIN_LEASE_HTTP_TIMEOUTS * httpTimeoutMs, cycleMs);
  if (leaseSeconds * 1000 < leaseFloorMs) {
    problem(
      ['worker', 'leaseSeconds'],
      `expected at least ${Math.ceil(leaseFloorMs / 1000)}: a lease must cover ${cycle}, and the worker refuses to start with less than ${MIN_LEASE_HTTP_TIMEOUTS} × worker.httpTimeoutMs (${seconds(MIN_LEASE_HTTP_TIMEOUTS * httpTimeoutMs)})`,
      leaseSeconds,
    );
  }

  if (httpConnectTimeoutMs >= httpTimeoutMs) {
    problem(
      ['worker', 'httpConnectTimeoutMs'],
      `expected less than worker.httpTimeoutMs (${httpTimeoutMs}): connecting is part of the call that timeout bounds, so a connect timeout that long never takes effect`,
      httpConnectTimeoutMs,
    );
  }
}

/** Backoff, settle wait, receive count and retention: every message reaches the DLQ or Coindirect, none is lost. */
function checkRedrive(
  env: ParsedSections & Pick<z.output<typeof environmentConfigSchema>, 'dailyLimits'>,
  problem: Problem,
): void {
  const { maxBackoffSeconds, resendSettleSeconds } = env.worker;
  // With daily limits, a payout over today's limit waits up to 12 h per receive, whatever the backoff cap.
  const limited = Object.keys(env.dailyLimits ?? {}).length > 0;
  const longestWait = limited ? Math.max(maxBackoffSeconds, MAX_VISIBILITY_SECONDS) : maxBackoffSeconds;
  const { maxReceiveCount, retentionDays } = env.queue;

  if (maxBackoffSeconds < resendSettleSeconds) {
    problem(
      ['worker', 'maxBackoffSeconds'],
      `expected at least worker.resendSettleSeconds (${resendSettleSeconds}): a settle wait must fit in one backoff, or the message burns receives waiting for it`,
      maxBackoffSeconds,
    );
  }
  if (maxReceiveCount < MIN_RECEIVE_COUNT) {
    problem(
      ['queue', 'maxReceiveCount'],
      `expected at least ${MIN_RECEIVE_COUNT}: the first attempt, the receive after a resend-settle wait that looks the reference up, and the resend; fewer sends a payout that may have reached Coindirect to the DLQ before it is resolved`,
      maxReceiveCount,
    );
  }
  // SQS moves a message to the DLQ on the receive after its last one, so it waits up to maxReceiveCount
  // backoffs first; that must end before retention deletes it, or it vanishes instead (invariant: nothing
  // is lost).
  const retentionSeconds = retentionDays * 86_400;
  const maxReceives = Math.ceil(retentionSeconds / longestWait) - 1;
  if (maxReceiveCount > maxReceives) {
    const waitLimit = limited
      ? `a wait for the next day's limit (dailyLimits) can last ${longestWait} s`
      : `each backoff wait can last worker.maxBackoffSeconds (${maxBackoffSeconds} s)`;
    problem(
      ['queue', 'maxReceiveCount'],
      `expected at most ${maxReceives} with queue.retentionDays ${retentionDays}: ${waitLimit}, so ${maxReceiveCount} receives could take ${maxReceiveCount} × ${longestWait} s = ${maxReceiveCount * longestWait} s, not less than the retention (${retentionSeconds} s), and SQS would delete the message before moving it to the DLQ`,
      maxReceiveCount,
    );
  }
}

/** One environment's validated deployment config (a block of `cdk.json` context `environments`). */
export type EnvironmentConfig = z.output<typeof resolvedEnvironmentSchema>;

/** The environment chosen with `-c env=<name>` and its validated config. */
export interface SelectedEnvironment {
  readonly name: string;
  readonly config: EnvironmentConfig;
}

/**
 * Picks the environment named by the `env` context value and validates its block from the
 * `environments` context value; only that block is validated, so a half-edited neighbour does not
 * block a deploy.
 *
 * @throws InfraConfigError saying how to choose an environment, or listing each invalid field with
 *   what was expected and what was received.
 * @example
 * const { name, config } = selectEnvironment({
 *   env: app.node.tryGetContext('env'),
 *   environments: app.node.tryGetContext('environments'),
 * });
 */
export function selectEnvironment(context: {
  readonly env: unknown;
  readonly environments: unknown;
}): SelectedEnvironment {
  const { env, environments } = context;
  if (typeof environments !== 'object' || environments === null || Array.isArray(environments)) {
    throw new InfraConfigError(
      `cdk.json has no "context.${ENVIRONMENTS_CONTEXT_KEY}" object (received ${preview(environments)}); ` +
        'add one config block per environment, e.g. "staging" and "production".',
    );
  }
  const names = Object.keys(environments);
  const choose = `Choose one with -c ${ENV_CONTEXT_KEY}=<name>, where <name> is one of: ${names.join(', ')} (from cdk.json "context.${ENVIRONMENTS_CONTEXT_KEY}"). Example: npx cdk synth -c ${ENV_CONTEXT_KEY}=${names[0] ?? 'staging'}`;
  if (env === undefined || env === '') {
    throw new InfraConfigError(`No environment chosen. ${choose}`);
  }
  if (typeof env !== 'string' || !Object.hasOwn(environments, env)) {
    throw new InfraConfigError(`Unknown environment ${preview(env)}. ${choose}`);
  }

  const block: unknown = (environments as Record<string, unknown>)[env];
  const result = resolvedEnvironmentSchema.safeParse(block);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => formatIssue(issue, block));
    throw new InfraConfigError(
      `Invalid config for environment "${env}" in cdk.json "context.${ENVIRONMENTS_CONTEXT_KEY}.${env}":\n` +
        problems.map((line) => `  - ${line}`).join('\n'),
      { environment: env, problems },
    );
  }
  return { name: env, config: result.data };
}

function formatIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const path = formatPath(issue.path);
  const received = valueAt(input, issue.path);
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeysAt(issue.path);
    return `${path || '(top level)'}: unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}${allowed ? `; allowed fields: ${allowed}` : ''}`;
  }
  if (issue.code === 'invalid_type' && received === undefined) {
    return `${path}: is required (expected ${issue.expected})`;
  }
  if (issue.code === 'invalid_key') {
    const key = issue.path.at(-1);
    const inner = issue.issues.map((nested) => nested.message).join('; ');
    return `${formatPath(issue.path.slice(0, -1))}: key ${preview(key)}: ${inner}`;
  }
  if (received === undefined && issue.code === 'custom' && issue.params?.value !== undefined) {
    // A cross-check on a field left out: name the default it was checked with.
    return `${path}: ${issue.message}; received nothing, so the default ${preview(issue.params.value)}`;
  }
  return `${path}: ${issue.message}; received ${preview(received)}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function allowedKeysAt(path: readonly PropertyKey[]): string | undefined {
  let schema: z.core.$ZodType = environmentConfigSchema;
  for (const key of path) {
    const shape = shapeOf(schema);
    const next = shape?.[String(key)];
    if (!next) return undefined;
    schema = unwrapOptional(next);
  }
  const shape = shapeOf(schema);
  return shape ? Object.keys(shape).join(', ') : undefined;
}

function shapeOf(schema: z.core.$ZodType): Record<string, z.core.$ZodType> | undefined {
  return schema instanceof z.ZodObject ? (schema.shape as Record<string, z.core.$ZodType>) : undefined;
}

function unwrapOptional(schema: z.core.$ZodType): z.core.$ZodType {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodPrefault) {
    return schema.unwrap() as z.core.$ZodType;
  }
  return schema;
}

function preview(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}
