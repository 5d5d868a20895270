// `npm run simulator`: the simulator as its own process, for local runs and chaos runs that drive it
// through the /__sim/ admin API. Prints `{"url":...}` as one JSON line on stdout once it listens.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DEFAULT_CREDENTIAL, DEFAULT_MERCHANT } from './defaults.ts';
import { startSimulator } from './simulator.ts';

const USAGE =
  'usage: npm run simulator -- [--port N] [--hawk-id ID --hawk-key KEY] [--merchant-id MID] ' +
  '[--error-style coindirect|bvnk] [--allow-duplicate-references]';

const flagsSchema = z
  .object({
    port: z.coerce.number().int().min(0).max(65_535).default(0),
    'hawk-id': z.string().min(1).optional(),
    'hawk-key': z.string().min(1).optional(),
    'merchant-id': z.string().min(1).default(DEFAULT_MERCHANT.merchantId),
    'error-style': z.enum(['coindirect', 'bvnk']).default('coindirect'),
    // Chaos runs turn Coindirect's reference uniqueness off, so only the worker's guards prevent a double payout.
    'allow-duplicate-references': z.boolean().default(false),
  })
  .refine((f) => (f['hawk-id'] === undefined) === (f['hawk-key'] === undefined), {
    message: '--hawk-id and --hawk-key go together',
  });

async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string' },
      'hawk-id': { type: 'string' },
      'hawk-key': { type: 'string' },
      'merchant-id': { type: 'string' },
      'error-style': { type: 'string' },
      'allow-duplicate-references': { type: 'boolean' },
    },
    strict: true,
  });
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
    enforceUniqueReference: !flags['allow-duplicate-references'],
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
