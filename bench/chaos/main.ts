// `npm run chaos -- [--payouts N] [--seed N] [--workers N] [--kills N] [--timeout SECONDS] [vendor and AWS
// faults] [--json]`: a chaos run of the local pipeline; prints the counts and exits 1 when an invariant breaks.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { quietSdkNodeWarning } from '#tools/lib/sdk-node-warning.ts';
import { renderChaosReport } from './report.ts';
import { type ChaosOptions, DEFAULT_CHAOS_OPTIONS, runChaos } from './run-chaos.ts';

/** What `--vendor-worst` turns on; a flag given explicitly wins over it. */
const VENDOR_WORST = {
  searchLagMs: 3_000,
  uniqueReferences: false,
  normalize: true,
  dynamodbFaultShare: 0.05,
  secretsOutageSeconds: 10,
} as const;

const D = DEFAULT_CHAOS_OPTIONS;
const USAGE = `usage: npm run chaos -- [--payouts N] [--seed N] [--workers N] [--kills N] [--timeout SECONDS]
         [--search-lag-ms N] [--no-uniqueness | --uniqueness | --duplicate-code CODE] [--normalize]
         [--settle-seconds N] [--dynamodb-faults SHARE] [--secrets-outage-seconds N] [--vendor-worst]
         [--keep-logs] [--json]

  --payouts N        payouts to send (default ${D.payouts}); about 20 % are sent twice
  --seed N           fixes the workload: amounts, currencies, which are duplicated/invalid/conflicting,
                     kill timing, which DynamoDB requests fail (default ${D.seed})
  --workers N        worker processes at once (default ${D.workers})
  --kills N          workers SIGKILLed mid-batch and replaced (default ${D.kills})
  --timeout SECONDS  give up draining after this long (default ${D.drainTimeoutMs / 1000}); about 0.45 s per
                     payout with --vendor-worst on 2 cores: a 5,000-payout run drains in about 2,100 s,
                     so give it --timeout 3600

Coindirect (the simulator's vendor modes):
  --search-lag-ms N  a new payout stays out of the reference search for N ms (default ${D.searchLagMs})
  --no-uniqueness    Coindirect accepts a second payout with a used reference, so only the worker's
                     guards prevent a double payout (the default; the flag says so explicitly)
  --uniqueness       Coindirect refuses a used reference with its documented code (unique)
  --duplicate-code CODE
                     Coindirect refuses a used reference with CODE instead (implies --uniqueness)
  --normalize        Coindirect stores bech32 addresses lower-cased and fiat amounts rounded to 2 dp
  --settle-seconds N the workers' RESEND_SETTLE_SECONDS, 0–900 (default ${D.resendSettleSeconds}): a maybe-sent
                     payout is POSTed again only after a lookup made N s after the last attempt finds
                     nothing. It must exceed the search lag (N × 1000 > --search-lag-ms) for the run to
                     pass: otherwise a lookup can miss a payout that exists and the worker pays twice

AWS, through forwarders in front of moto:
  --dynamodb-faults SHARE
                     0–0.5 (default ${D.dynamodbFaultShare}): SHARE of the workers' DynamoDB requests are answered
                     ProvisionedThroughputExceededException (HTTP 400, not forwarded), and SHARE of their
                     conditional writes commit but their answer is dropped (connection destroyed)
  --secrets-outage-seconds N
                     Secrets Manager answers every worker request 503 ServiceUnavailable for N s,
                     starting just before the HAWK key rotation (default ${D.secretsOutageSeconds}: none)

  --vendor-worst     all of the above at once: --search-lag-ms ${VENDOR_WORST.searchLagMs} --no-uniqueness --normalize
                     --dynamodb-faults ${VENDOR_WORST.dynamodbFaultShare} --secrets-outage-seconds ${VENDOR_WORST.secretsOutageSeconds} (with --settle-seconds ${D.resendSettleSeconds});
                     a flag given as well wins over its part of it
  --keep-logs        keep the workers' logs even when every invariant holds
  --json             print the report as JSON

exit codes: 0 every invariant holds; 1 an invariant broke or the run failed; 2 wrong usage.`;

const count = (min: number) => z.coerce.number().int().min(min);
const flagsSchema = z
  .object({
    payouts: count(10).default(D.payouts),
    seed: count(0).default(D.seed),
    workers: count(1).max(16).default(D.workers),
    kills: count(1).max(20).default(D.kills),
    timeout: count(10).default(D.drainTimeoutMs / 1000),
    'search-lag-ms': count(0).max(600_000).optional(),
    'no-uniqueness': z.boolean().default(false),
    uniqueness: z.boolean().default(false),
    'duplicate-code': z.string().min(1).optional(),
    normalize: z.boolean().optional(),
    'settle-seconds': count(0).max(900).default(D.resendSettleSeconds),
    'dynamodb-faults': z.coerce.number().min(0).max(0.5).optional(),
    'secrets-outage-seconds': count(0).max(3_600).optional(),
    'vendor-worst': z.boolean().default(false),
    'keep-logs': z.boolean().default(false),
    json: z.boolean().default(false),
    help: z.boolean().default(false),
  })
  .refine((f) => !(f['no-uniqueness'] && (f.uniqueness || f['duplicate-code'] !== undefined)), {
    message: '--no-uniqueness contradicts --uniqueness and --duplicate-code',
  });

type Flags = z.infer<typeof flagsSchema>;

/** The run's options from the flags: defaults, then --vendor-worst, then each flag given. */
function optionsFromFlags(flags: Flags): Omit<ChaosOptions, 'log'> {
  const worst = flags['vendor-worst'] ? VENDOR_WORST : undefined;
  const uniqueReferences = flags.uniqueness || flags['duplicate-code'] !== undefined;
  return {
    ...D,
    payouts: flags.payouts,
    seed: flags.seed,
    workers: flags.workers,
    kills: flags.kills,
    drainTimeoutMs: flags.timeout * 1000,
    keepLogs: flags['keep-logs'],
    searchLagMs: flags['search-lag-ms'] ?? worst?.searchLagMs ?? D.searchLagMs,
    uniqueReferences,
    ...(flags['duplicate-code'] === undefined ? {} : { duplicateReferenceCode: flags['duplicate-code'] }),
    normalize: flags.normalize ?? worst?.normalize ?? D.normalize,
    resendSettleSeconds: flags['settle-seconds'],
    dynamodbFaultShare: flags['dynamodb-faults'] ?? worst?.dynamodbFaultShare ?? D.dynamodbFaultShare,
    secretsOutageSeconds:
      flags['secrets-outage-seconds'] ?? worst?.secretsOutageSeconds ?? D.secretsOutageSeconds,
  };
}

async function main(argv: readonly string[]): Promise<number> {
  let values: unknown;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        payouts: { type: 'string' },
        seed: { type: 'string' },
        workers: { type: 'string' },
        kills: { type: 'string' },
        timeout: { type: 'string' },
        'search-lag-ms': { type: 'string' },
        'no-uniqueness': { type: 'boolean' },
        uniqueness: { type: 'boolean' },
        'duplicate-code': { type: 'string' },
        normalize: { type: 'boolean' },
        'settle-seconds': { type: 'string' },
        'dynamodb-faults': { type: 'string' },
        'secrets-outage-seconds': { type: 'string' },
        'vendor-worst': { type: 'boolean' },
        'keep-logs': { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : error}\n${USAGE}`);
    return 2;
  }
  const parsed = flagsSchema.safeParse(values);
  if (!parsed.success) {
    console.error(`${z.prettifyError(parsed.error)}\n${USAGE}`);
    return 2;
  }
  const flags = parsed.data;
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  const started = Date.now();
  const report = await runChaos({
    ...optionsFromFlags(flags),
    log: (line) => console.error(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`),
  });
  console.log(flags.json ? JSON.stringify(report, null, 2) : renderChaosReport(report));
  return report.ok ? 0 : 1;
}

quietSdkNodeWarning();
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`chaos run failed: ${error instanceof Error ? (error.stack ?? error.message) : error}`);
    process.exit(1);
  },
);
