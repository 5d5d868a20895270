// `npm run limits -- --env NAME`: each currency's reserved total of a UTC day against its daily limit.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { utcDay } from '#shared/ledger/daily-limits.ts';
import { Ledger } from '#shared/ledger/ledger.ts';
import { percentOf, subtractDecimal } from '#shared/payout/decimal.ts';
import { DECIMAL_PATTERN, PRICE_CURRENCY_PATTERN } from '#shared/payout/patterns.ts';
import { AWS_FLAGS_USAGE, parseOperatorFlags } from '../lib/aws-flags.ts';
import { type CliIo, type Command, runCommand, validateFlags } from '../lib/cli.ts';
import { CliError, UsageError } from '../lib/errors.ts';
import { stackOutputsFromFlags } from '../lib/resolve-stack.ts';
import { type AwsOptions, readWorkerEnvironment, STACK_OUTPUT } from '../lib/stack.ts';
import { formatTable } from '../lib/table.ts';

export const LIMITS_USAGE = `usage: npm run limits -- --env NAME [options]

Shows, per price currency, how much of a UTC day's limit (PAYOUT_DAILY_LIMITS, cdk.json "dailyLimits")
the worker has reserved: reserved total, limit, what remains and the share used. A payout's amount is
reserved right before it is sent and given back only when Coindirect refuses it outright; a payout that
does not fit waits in the queue for the next UTC day (alarm DailyLimitReached).

options:
  --env NAME            a deployed environment: ledger table and worker from stack CoindirectPayouts-NAME-Worker;
                        the limits are the worker's PAYOUT_DAILY_LIMITS
  --stack NAME          with --env: the stack to read instead
  --table NAME          the ledger table (instead of the stack output LedgerTableName)
  --date YYYY-MM-DD     the UTC day to show (default: today, UTC)
  --json                print {"date", "table", "limits": [...]} as one JSON document
  --output json|text    --output json is --json; text is the default (alias: table)
  -h, --help            show this help

${AWS_FLAGS_USAGE}

exit codes: 0 shown (also when no limit is configured); 1 an AWS error (the message says what to do);
2 wrong usage.

examples:
  npm run limits -- --env production
  npm run limits -- --env production --date 2026-11-29 --json`;

const flagsSchema = z.object({
  env: z.string({ error: 'is required: the limits are read from the deployed worker' }),
  stack: z.string().min(1).optional(),
  table: z.string().min(3).optional(),
  date: z.iso.date({ error: 'must be a UTC day such as 2026-11-30' }).optional(),
  json: z.boolean().default(false),
});
type Flags = z.infer<typeof flagsSchema>;

export interface LimitsDeps {
  readonly aws?: AwsOptions;
  /** Today's instant (the default day). Default `Date.now`. */
  readonly clock?: () => number;
}

/** One currency's line. */
export interface LimitLine {
  readonly currency: string;
  readonly reserved: string;
  readonly limit: string;
  /** What still fits that day ('0' when the total is at the limit). */
  readonly remaining: string;
  /** The share of the limit reserved, in %, cut to one decimal. */
  readonly percentUsed: string;
}

export function limitsCommand(deps: LimitsDeps = {}): Command {
  return {
    usage: LIMITS_USAGE,
    run: (argv, io) =>
      runCommand(io, LIMITS_USAGE, async () => {
        const { values, positionals, aws } = parseOperatorFlags(argv, io, deps.aws, {
          env: { type: 'string' },
          stack: { type: 'string' },
          table: { type: 'string' },
          date: { type: 'string' },
          json: { type: 'boolean' },
        });
        if (values.help) {
          io.stdout.write(`${LIMITS_USAGE}\n`);
          return 0;
        }
        const flags = validateFlags(flagsSchema, values);
        if (positionals.length > 0)
          throw new UsageError(`takes no arguments besides flags, got "${positionals[0]}"`);
        return show(flags, aws, io, deps);
      }),
  };
}

async function show(flags: Flags, aws: AwsOptions, io: CliIo, deps: LimitsDeps): Promise<number> {
  const day = flags.date ?? utcDay((deps.clock ?? Date.now)());
  const outputs = await stackOutputsFromFlags(aws, flags);
  const table = flags.table ?? outputs?.require(STACK_OUTPUT.tableName, '--table') ?? '';
  const functionName = outputs?.require(STACK_OUTPUT.functionName, '--env of a stack with the worker') ?? '';
  const limits = parseLimits(
    (await readWorkerEnvironment(aws, functionName)).PAYOUT_DAILY_LIMITS,
    functionName,
  );

  const dynamodb = new DynamoDBClient(aws);
  let lines: LimitLine[];
  try {
    const ledger = new Ledger({ client: dynamodb, tableName: table, leaseMs: 0 });
    lines = await Promise.all(
      Object.entries(limits)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(async ([currency, limit]) => {
          const { total } = await ledger.dailyTotal(currency, day);
          return {
            currency,
            reserved: total,
            limit,
            remaining: subtractDecimal(limit, total) ?? '0',
            percentUsed: percentOf(total, limit),
          };
        }),
    );
  } finally {
    dynamodb.destroy();
  }

  if (flags.json) {
    io.stdout.write(`${JSON.stringify({ date: day, table, limits: lines })}\n`);
  } else if (lines.length === 0) {
    io.stdout.write(
      `no daily limits: the worker ${functionName} has no PAYOUT_DAILY_LIMITS (cdk.json "dailyLimits")\n`,
    );
  } else {
    io.stdout.write(`daily limits on ${day} (UTC), ledger ${table}\n\n`);
    io.stdout.write(
      `${formatTable(
        ['currency', 'reserved', 'limit', 'remaining', 'used'],
        lines.map((l) => [l.currency, l.reserved, l.limit, l.remaining, `${l.percentUsed} %`]),
        { alignNumbers: true },
      )}\n`,
    );
  }
  return 0;
}

/** The worker's PAYOUT_DAILY_LIMITS; none when unset. */
function parseLimits(raw: string | undefined, functionName: string): Record<string, string> {
  if (raw === undefined || raw === '') return {};
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    json = undefined;
  }
  const parsed = z
    .record(z.string().regex(PRICE_CURRENCY_PATTERN), z.string().regex(DECIMAL_PATTERN))
    .safeParse(json);
  if (!parsed.success) {
    throw new CliError(
      `the worker ${functionName} has a PAYOUT_DAILY_LIMITS that is not a map of currency codes to decimal strings: fix cdk.json "dailyLimits" and redeploy`,
    );
  }
  return parsed.data;
}
