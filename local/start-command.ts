// `npm start`: the options of the local run.
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DEFAULT_CANCEL_DIGIT } from '#simulator/defaults.ts';
import { type CliIo, type Command, parseFlags, runCommand, validateFlags } from '#tools/lib/cli.ts';
import { UsageError } from '#tools/lib/errors.ts';
import { PAYOUT_FILE_FORMATS, type PayoutFileFormat } from '#tools/lib/payout-file.ts';
import { type CoindirectTarget, runLocal } from './local-run.ts';
import { LOCAL_LIFECYCLE } from './pipeline.ts';

/** The samples `npm start` runs when no `--payouts` file is given. */
export const SAMPLE_PAYOUTS = fileURLToPath(new URL('../examples/payouts.csv', import.meta.url));

export const START_USAGE = `usage: npm start [-- options]

Runs the whole life of a payout on this machine: moto server (SQS, DynamoDB, Secrets Manager,
EventBridge) with the resources of the worker stack's synthesized template, the Coindirect simulator,
and every function of the stack from its real handler: the worker and the status function behind pollers
that behave like Lambda's SQS event source, the webhook receiver behind a local Function URL, the sweep
on a short schedule. It enqueues the sample payouts (examples/payouts.csv: a mix of currencies and a few
deliberately bad rows), waits until each is final in the worker and COMPLETE or CANCELLED at Coindirect,
prints what became of each with its lifecycle events, and stops everything it started.

options:
  --payouts FILE            payouts to run instead of the samples (CSV, JSON array or NDJSON of payout v1)
  --format csv|json|ndjson  format of FILE (default: from its extension, else its first character)
  --coindirect-url URL      send to this Coindirect-compatible endpoint instead of the simulator, e.g.
                            https://api.sandbox.coindirect.com (from an IP whitelisted on the key)
    --hawk-id ID            its HAWK key id  (or env HAWK_AUTH_ID; the env keeps it out of shell history)
    --hawk-key KEY          its HAWK key     (or env HAWK_AUTH_KEY)
    --merchant-id MID       the merchant to pay from
  --address-network mainnet|testnet   which address forms the worker accepts (sandbox: testnet)
  --settle-after-ms N       the simulator makes each payout final N ms after its creation (default ${LOCAL_LIFECYCLE.settleAfterMs})
  --cancel-digit D          payouts whose reference ends in digit D end CANCELLED, the others COMPLETE
                            (default ${DEFAULT_CANCEL_DIGIT}: sample-btc-0003 and sample-ltc-0003)
  --json                    print the results as one JSON document on stdout (progress stays on stderr)
  --keep-running            after the results, keep the pipeline up for producer development: prints
                            the queue URL, AWS endpoint, webhook URL and event capture queue, processes
                            what arrives and shows each lifecycle event, Ctrl-C stops
  --timeout SECONDS         give up waiting for final states after this long (default 300)
  --verbose                 print the functions' JSON log on stderr
  -h, --help                show this help

exit codes: 0 every payout reached a final state (SUBMITTED, REJECTED, CONFLICT or dead-lettered) and
every submitted payout a final Coindirect status (COMPLETE or CANCELLED); 1 some did not (they are named),
or moto/the run failed (the message says what to do); 2 wrong usage; 130 interrupted.`;

const flagsSchema = z.object({
  payouts: z.string().min(1).default(SAMPLE_PAYOUTS),
  format: z.enum(PAYOUT_FILE_FORMATS as [PayoutFileFormat, ...PayoutFileFormat[]]).optional(),
  'coindirect-url': z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  'hawk-id': z.string().min(1).optional(),
  'hawk-key': z.string().min(1).optional(),
  'merchant-id': z.string().min(6, 'must be the 6–50 character merchant ID').max(50).optional(),
  'address-network': z.enum(['mainnet', 'testnet']).optional(),
  'settle-after-ms': z.coerce.number().int('must be whole milliseconds').min(0).max(600_000).optional(),
  'cancel-digit': z.coerce.number().int('must be a digit 0–9').min(0).max(9).optional(),
  json: z.boolean().default(false),
  'keep-running': z.boolean().default(false),
  timeout: z.coerce.number().int('must be whole seconds').min(5).max(86_400).default(300),
  verbose: z.boolean().default(false),
});
type StartFlags = z.infer<typeof flagsSchema>;

export function startCommand(signal: AbortSignal): Command {
  return {
    usage: START_USAGE,
    run: (argv, io) =>
      runCommand(io, START_USAGE, async () => {
        const { values, positionals } = parseFlags(argv, {
          payouts: { type: 'string' },
          format: { type: 'string' },
          'coindirect-url': { type: 'string' },
          'hawk-id': { type: 'string' },
          'hawk-key': { type: 'string' },
          'merchant-id': { type: 'string' },
          'address-network': { type: 'string' },
          'settle-after-ms': { type: 'string' },
          'cancel-digit': { type: 'string' },
          json: { type: 'boolean' },
          'keep-running': { type: 'boolean' },
          timeout: { type: 'string' },
          verbose: { type: 'boolean' },
        });
        if (values.help) {
          io.stdout.write(`${START_USAGE}\n`);
          return 0;
        }
        if (positionals.length > 0)
          throw new UsageError(`unexpected argument ${positionals[0]}; use --payouts FILE`);
        const flags = validateFlags(flagsSchema, values);
        const coindirect = coindirectTarget(flags, io);
        if (
          coindirect.kind === 'remote' &&
          (flags['settle-after-ms'] !== undefined || flags['cancel-digit'] !== undefined)
        ) {
          throw new UsageError(
            '--settle-after-ms and --cancel-digit drive the simulator, not --coindirect-url',
          );
        }
        return runLocal(
          {
            payoutsFile: flags.payouts,
            ...(flags.format === undefined ? {} : { format: flags.format }),
            coindirect,
            ...(flags['address-network'] === undefined ? {} : { addressNetwork: flags['address-network'] }),
            keepRunning: flags['keep-running'],
            json: flags.json,
            verbose: flags.verbose,
            timeoutMs: flags.timeout * 1000,
            retryDelaySeconds: 1,
            ...(coindirect.kind === 'simulator'
              ? {
                  settleAfterMs: flags['settle-after-ms'] ?? LOCAL_LIFECYCLE.settleAfterMs,
                  cancelDigit: flags['cancel-digit'] ?? DEFAULT_CANCEL_DIGIT,
                }
              : {}),
          },
          io,
          signal,
        );
      }),
  };
}

/** The simulator, unless `--coindirect-url` names another endpoint (then its key and merchant are required). */
export function coindirectTarget(flags: StartFlags, io: Pick<CliIo, 'env'>): CoindirectTarget {
  const url = flags['coindirect-url'];
  const hawkAuthId = flags['hawk-id'] ?? io.env.HAWK_AUTH_ID;
  const hawkAuthKey = flags['hawk-key'] ?? io.env.HAWK_AUTH_KEY;
  if (url === undefined) {
    if (
      flags['hawk-id'] !== undefined ||
      flags['hawk-key'] !== undefined ||
      flags['merchant-id'] !== undefined
    ) {
      throw new UsageError('--hawk-id, --hawk-key and --merchant-id only go with --coindirect-url');
    }
    return { kind: 'simulator' };
  }
  if (new URL(url).hostname === 'api.coindirect.com') {
    throw new UsageError(
      'npm start does not send to production (api.coindirect.com); use the sandbox, or the deployed worker',
    );
  }
  const missing = [
    hawkAuthId === undefined || hawkAuthId === '' ? '--hawk-id (or HAWK_AUTH_ID)' : undefined,
    hawkAuthKey === undefined || hawkAuthKey === '' ? '--hawk-key (or HAWK_AUTH_KEY)' : undefined,
    flags['merchant-id'] === undefined ? '--merchant-id' : undefined,
  ].filter((m) => m !== undefined);
  if (
    missing.length > 0 ||
    hawkAuthId === undefined ||
    hawkAuthKey === undefined ||
    flags['merchant-id'] === undefined
  ) {
    throw new UsageError(`--coindirect-url also needs ${missing.join(', ')}`);
  }
  return {
    kind: 'remote',
    url: url.replace(/\/+$/, ''),
    hawkAuthId,
    hawkAuthKey,
    merchantId: flags['merchant-id'],
  };
}
