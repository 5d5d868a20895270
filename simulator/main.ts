// `npm run simulator`: the simulator as its own process, for local runs and chaos runs that drive it
// through the /__sim/ admin API. Prints `{"url":...}` as one JSON line on stdout once it listens.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DEFAULT_CANCEL_DIGIT, DEFAULT_CREDENTIAL, DEFAULT_MERCHANT } from './defaults.ts';
import { startSimulator } from './simulator.ts';
import { MAX_LATENCY_MS } from './vendor-modes.ts';

const USAGE = `usage: npm run simulator -- [--port N] [--hawk-id ID --hawk-key KEY] [--merchant-id MID]
         [--error-style coindirect|bvnk] [--no-uniqueness] [--duplicate-code CODE]
         [--search-lag-ms N] [--normalize] [--latency-ms N]
         [--rate-limit RPS [--rate-burst N]] [--clock-skew-ms N]
         [--settle-after-ms N [--cancel-digit D]] [--help]

  --port N                 port on 127.0.0.1; 0 (default) picks a free one
  --hawk-id ID --hawk-key KEY
                           the accepted HAWK credential; default the simulator's test credential
  --merchant-id MID        the one known merchant
  --error-style STYLE      codes of 400s: coindirect (unique, invalidPayout; default) or bvnk (MER-PAY-*)
Payout lifecycle (default: a payout keeps its status until POST /__sim/payout-status changes it):
  --settle-after-ms N      make every new payout final N ms after its creation: COMPLETE, or CANCELLED
                           when its reference ends in the cancel digit
  --cancel-digit D         the last digit of the references cancelled instead of completed (default ${DEFAULT_CANCEL_DIGIT})
Vendor modes, each worse than Coindirect documents (changeable later with POST /__sim/vendor):
  --no-uniqueness          accept a second payout with a used reference
                           (alias: --allow-duplicate-references)
  --duplicate-code CODE    answer a duplicate reference with this errorList code, not the documented one
  --search-lag-ms N        keep a new payout out of the reference search for N ms (read by uuid sees it)
  --normalize              store bech32 addresses lower-cased and fiat amounts rounded (2 dp, half up)
  --latency-ms N           wait N ms before looking at every /api/ request
  --rate-limit RPS         refuse /api/ requests over RPS per second (decimals allowed) with 429 and
                           Retry-After; GET /__sim/stats counts them
  --rate-burst N           requests let through at once after a quiet spell (default: RPS)
  --clock-skew-ms N        run the HAWK check's clock N ms ahead (negative: behind); past 60 s a request
                           gets hawk's stale-timestamp 401 with the server's time in WWW-Authenticate
  --help                   print this and exit`;

const msSchema = z.coerce.number().int().min(0);

const flagsSchema = z
  .object({
    port: z.coerce.number().int().min(0).max(65_535).default(0),
    'hawk-id': z.string().min(1).optional(),
    'hawk-key': z.string().min(1).optional(),
    'merchant-id': z.string().min(1).default(DEFAULT_MERCHANT.merchantId),
    'error-style': z.enum(['coindirect', 'bvnk']).default('coindirect'),
    // Chaos runs turn Coindirect's reference uniqueness off, so only the worker's guards prevent a double payout.
    'no-uniqueness': z.boolean().default(false),
    'allow-duplicate-references': z.boolean().default(false),
    'duplicate-code': z.string().min(1).optional(),
    'search-lag-ms': msSchema.default(0),
    normalize: z.boolean().default(false),
    'latency-ms': msSchema.max(MAX_LATENCY_MS).default(0),
    'settle-after-ms': msSchema.max(MAX_LATENCY_MS).optional(),
    'rate-limit': z.coerce.number().positive().optional(),
    'rate-burst': z.coerce.number().min(1).optional(),
    'clock-skew-ms': z.coerce.number().int().default(0),
    'cancel-digit': z.coerce.number().int().min(0).max(9).default(DEFAULT_CANCEL_DIGIT),
  })
  .refine((f) => (f['hawk-id'] === undefined) === (f['hawk-key'] === undefined), {
    message: '--hawk-id and --hawk-key go together',
  })
  .refine((f) => f['rate-burst'] === undefined || f['rate-limit'] !== undefined, {
    message: '--rate-burst needs --rate-limit',
  });

function parseFlags(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string' },
      'hawk-id': { type: 'string' },
      'hawk-key': { type: 'string' },
      'merchant-id': { type: 'string' },
      'error-style': { type: 'string' },
      'no-uniqueness': { type: 'boolean' },
      'allow-duplicate-references': { type: 'boolean' },
      'duplicate-code': { type: 'string' },
      'search-lag-ms': { type: 'string' },
      normalize: { type: 'boolean' },
      'latency-ms': { type: 'string' },
      'settle-after-ms': { type: 'string' },
      'rate-limit': { type: 'string' },
      'rate-burst': { type: 'string' },
      'clock-skew-ms': { type: 'string' },
      'cancel-digit': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
}

async function main(argv: readonly string[]): Promise<void> {
  let values: ReturnType<typeof parseFlags>['values'];
  try {
    ({ values } = parseFlags(argv));
  } catch (error) {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (values.help === true) {
    console.log(USAGE);
    return;
  }
  const parsed = flagsSchema.safeParse(values);
  if (!parsed.success) {
    console.error(`${z.prettifyError(parsed.error)}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const flags = parsed.data;
  const id = flags['hawk-id'] ?? DEFAULT_CREDENTIAL.id;
  const simulator = await startSimulator({
    port: flags.port,
    credentials: [{ id, key: flags['hawk-key'] ?? DEFAULT_CREDENTIAL.key }],
    merchants: [{ ...DEFAULT_MERCHANT, merchantId: flags['merchant-id'] }],
    errorStyle: flags['error-style'],
    enforceUniqueReference: !(flags['no-uniqueness'] || flags['allow-duplicate-references']),
    ...(flags['duplicate-code'] === undefined ? {} : { duplicateReferenceCode: flags['duplicate-code'] }),
    searchLagMs: flags['search-lag-ms'],
    normalize: flags.normalize,
    latencyMs: flags['latency-ms'],
    clockSkewMs: flags['clock-skew-ms'],
    ...(flags['rate-limit'] === undefined
      ? {}
      : {
          rateLimit: {
            rps: flags['rate-limit'],
            ...(flags['rate-burst'] === undefined ? {} : { burst: flags['rate-burst'] }),
          },
        }),
    ...(flags['settle-after-ms'] === undefined
      ? {}
      : {
          autoProgress: { completeAfterMs: flags['settle-after-ms'], cancelDigit: flags['cancel-digit'] },
        }),
  });
  // The key is not printed: whoever started the process chose it or can read DEFAULT_CREDENTIAL.
  console.log(JSON.stringify({ url: simulator.url, hawkId: id, merchantId: flags['merchant-id'] }));
  const stop = (): void => {
    simulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error), `\n${USAGE}`);
  process.exit(1);
});
