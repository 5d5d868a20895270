// `npm run chaos -- [--payouts N] [--seed N] [--workers N] [--kills N] [--timeout SECONDS] [--json]`:
// a chaos run of the local pipeline; prints the counts and exits 1 when an invariant breaks.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { renderChaosReport } from './report.ts';
import { DEFAULT_CHAOS_OPTIONS, runChaos } from './run-chaos.ts';

const USAGE = `usage: npm run chaos -- [--payouts N] [--seed N] [--workers N] [--kills N] [--timeout SECONDS] [--keep-logs] [--json]

  --payouts N        payouts to send (default ${DEFAULT_CHAOS_OPTIONS.payouts}); about 20 % are sent twice
  --seed N           fixes the workload: amounts, currencies, which are duplicated/invalid/conflicting,
                     kill timing (default ${DEFAULT_CHAOS_OPTIONS.seed})
  --workers N        worker processes at once (default ${DEFAULT_CHAOS_OPTIONS.workers})
  --kills N          workers SIGKILLed mid-batch and replaced (default ${DEFAULT_CHAOS_OPTIONS.kills})
  --timeout SECONDS  give up draining after this long (default ${DEFAULT_CHAOS_OPTIONS.drainTimeoutMs / 1000})
  --keep-logs        keep the workers' logs even when every invariant holds
  --json             print the report as JSON

exit codes: 0 every invariant holds; 1 an invariant broke or the run failed; 2 wrong usage.`;

const count = (min: number) => z.coerce.number().int().min(min);
const flagsSchema = z.object({
  payouts: count(10).default(DEFAULT_CHAOS_OPTIONS.payouts),
  seed: count(0).default(DEFAULT_CHAOS_OPTIONS.seed),
  workers: count(1).max(16).default(DEFAULT_CHAOS_OPTIONS.workers),
  kills: count(1).max(20).default(DEFAULT_CHAOS_OPTIONS.kills),
  timeout: count(10).default(DEFAULT_CHAOS_OPTIONS.drainTimeoutMs / 1000),
  'keep-logs': z.boolean().default(false),
  json: z.boolean().default(false),
  help: z.boolean().default(false),
});

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
    ...DEFAULT_CHAOS_OPTIONS,
    payouts: flags.payouts,
    seed: flags.seed,
    workers: flags.workers,
    kills: flags.kills,
    drainTimeoutMs: flags.timeout * 1000,
    keepLogs: flags['keep-logs'],
    log: (line) => console.error(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`),
  });
  console.log(flags.json ? JSON.stringify(report, null, 2) : renderChaosReport(report));
  return report.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`chaos run failed: ${error instanceof Error ? (error.stack ?? error.message) : error}`);
    process.exit(1);
  },
);
