// `npm run payout-status -- REFERENCE`: the ledger record of a payout and, with --live, Coindirect's view.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import type { LookupOutcome } from '#shared/coindirect/classify.ts';
import { CoindirectClient } from '#shared/coindirect/client.ts';
import { createHttpTransport, type HttpTransport } from '#shared/coindirect/http-transport.ts';
import { SecretCredentials } from '#shared/credentials/secret-credentials.ts';
import { ControlFlag, type PauseState } from '#shared/ledger/control.ts';
import { Ledger } from '#shared/ledger/ledger.ts';
import type { LedgerRecord } from '#shared/ledger/record.ts';
import { AWS_FLAGS_USAGE, parseOperatorFlags } from '../lib/aws-flags.ts';
import { type CliIo, type Command, runCommand, validateFlags } from '../lib/cli.ts';
import { CliError, UsageError } from '../lib/errors.ts';
import { stackOutputsFromFlags } from '../lib/resolve-stack.ts';
import { type AwsOptions, readWorkerEnvironment, STACK_OUTPUT, type StackOutputs } from '../lib/stack.ts';
import { formatLedger, formatLive, formatPause, type LiveView, liveView } from './format.ts';

export const STATUS_USAGE = `usage: npm run payout-status -- REFERENCE (--env NAME | --table NAME) [options]

Prints the ledger record of one payout: state (CLAIMED, SUBMITTED, REJECTED, CONFLICT), Coindirect uuid,
reason, attempts, last error, content and metadata; first, when payouts are paused (npm run pause), who
paused them, when and why. With --live, also asks Coindirect for the payout's
current state (by uuid, or by reference when the ledger has none), signed with the key in the secret.

options:
  --env NAME              a deployed environment: table, secret and worker from stack CoindirectPayouts-NAME-Worker
  --stack NAME            with --env: the stack to read instead
  --table NAME            the ledger table (instead of the stack output LedgerTableName)
  --live                  also show the payout at Coindirect; needs:
    --secret-id ID          the HAWK secret (default: stack output HawkSecretArn)
    --coindirect-url URL    Coindirect's base URL (default: the deployed worker's COINDIRECT_BASE_URL)
    --merchant-id MID       for a lookup by reference when the ledger names no merchant
                            (default: the deployed worker's COINDIRECT_MERCHANT_ID)
  --json                  print {"pause": ..., "ledger": ..., "live": ...} as one JSON document
  --output json|text      --output json is --json; text is the default (alias: table)
  -h, --help              show this help

${AWS_FLAGS_USAGE}

exit codes: 0 the record was found (and, with --live, Coindirect answered); 1 no record, or Coindirect
could not be asked (the message says why); 2 wrong usage.

examples:
  npm run payout-status -- order-2026-000123 --env staging
  npm run payout-status -- order-2026-000123 --env staging --live`;

const flagsSchema = z.object({
  env: z.string().optional(),
  stack: z.string().min(1).optional(),
  table: z.string().min(3).optional(),
  live: z.boolean().default(false),
  'secret-id': z.string().min(1).optional(),
  'coindirect-url': z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  'merchant-id': z.string().min(6).max(50).optional(),
  json: z.boolean().default(false),
});
type Flags = z.infer<typeof flagsSchema>;

export interface StatusDeps {
  readonly aws?: AwsOptions;
  /** HTTP transport to Coindirect; default keep-alive with 3 s connect and 15 s total timeouts. */
  readonly transport?: HttpTransport;
}

export function payoutStatusCommand(deps: StatusDeps = {}): Command {
  return {
    usage: STATUS_USAGE,
    run: (argv, io) =>
      runCommand(io, STATUS_USAGE, async () => {
        const { values, positionals, aws } = parseOperatorFlags(argv, io, deps.aws, {
          env: { type: 'string' },
          stack: { type: 'string' },
          table: { type: 'string' },
          live: { type: 'boolean' },
          'secret-id': { type: 'string' },
          'coindirect-url': { type: 'string' },
          'merchant-id': { type: 'string' },
          json: { type: 'boolean' },
        });
        if (values.help) {
          io.stdout.write(`${STATUS_USAGE}\n`);
          return 0;
        }
        if (positionals.length !== 1) throw new UsageError('give exactly one payout REFERENCE');
        const reference = positionals[0] ?? '';
        const flags = validateFlags(flagsSchema, values);
        return status(reference, flags, aws, io, deps);
      }),
  };
}

async function status(
  reference: string,
  flags: Flags,
  aws: AwsOptions,
  io: CliIo,
  deps: StatusDeps,
): Promise<number> {
  const outputs = await stackOutputsFromFlags(aws, flags);
  const table = flags.table ?? outputs?.require(STACK_OUTPUT.tableName, '--table');
  if (table === undefined) throw new UsageError('say which ledger: --env NAME or --table NAME');

  const dynamodb = new DynamoDBClient(aws);
  let record: LedgerRecord | undefined;
  let pause: PauseState | { readonly error: string };
  try {
    record = await new Ledger({ client: dynamodb, tableName: table, leaseMs: 0 }).get(reference);
    pause = await new ControlFlag({ client: dynamodb, tableName: table })
      .read()
      .catch((error: unknown) => ({ error: error instanceof Error ? error.message : 'unreadable' }));
  } finally {
    dynamodb.destroy();
  }
  let live: LiveView | { readonly error: string } | undefined;
  if (flags.live) live = await lookUpLive(reference, record, flags, outputs, aws, deps);

  if (flags.json)
    io.stdout.write(
      `${JSON.stringify({ reference, pause, ledger: record ?? null, ...(live === undefined ? {} : { live }) })}\n`,
    );
  else {
    const pauseLine = formatPause(pause);
    if (pauseLine !== undefined) io.stdout.write(`${pauseLine}\n\n`);
    io.stdout.write(
      record === undefined
        ? `no ledger record for ${reference} in ${table}: the worker never received it, or rejected it before it could read a reference (see npm run redrive -- --list)\n`
        : `${formatLedger(record)}\n`,
    );
    if (live !== undefined)
      io.stdout.write(`${'error' in live ? `at Coindirect: ${live.error}` : formatLive(live)}\n`);
  }
  if (live !== undefined && 'error' in live) return 1;
  return record === undefined ? 1 : 0;
}

async function lookUpLive(
  reference: string,
  record: LedgerRecord | undefined,
  flags: Flags,
  outputs: StackOutputs | undefined,
  aws: AwsOptions,
  deps: StatusDeps,
): Promise<LiveView | { readonly error: string }> {
  const secretId = flags['secret-id'] ?? outputs?.require(STACK_OUTPUT.secretArn, '--secret-id');
  if (secretId === undefined)
    throw new UsageError('--live needs the HAWK secret: --env NAME or --secret-id ID');
  let baseUrl = flags['coindirect-url'];
  let merchantId = record?.merchantId ?? flags['merchant-id'];
  if (baseUrl === undefined || merchantId === undefined) {
    const functionName = outputs?.get(STACK_OUTPUT.functionName);
    if (functionName !== undefined) {
      const env = await readWorkerEnvironment(aws, functionName).catch(() => ({}) as Record<string, string>);
      baseUrl ??= env.COINDIRECT_BASE_URL;
      merchantId ??= env.COINDIRECT_MERCHANT_ID;
    }
  }
  if (baseUrl === undefined) {
    throw new CliError(
      "--live needs Coindirect's base URL: pass --coindirect-url, or use --env with permission to read the worker's configuration (lambda:GetFunctionConfiguration)",
    );
  }
  const secretsManager = new SecretsManagerClient(aws);
  try {
    const client = new CoindirectClient({
      baseUrl,
      credentials: new SecretCredentials({ client: secretsManager, secretId, versionStage: 'AWSCURRENT' }),
      transport: deps.transport ?? createHttpTransport({ connectTimeoutMs: 3_000, totalTimeoutMs: 15_000 }),
    });
    let outcome: LookupOutcome;
    if (record?.uuid !== undefined) outcome = await client.getPayout(record.uuid);
    else if (merchantId !== undefined) outcome = await client.findPayoutByReference(merchantId, reference);
    else
      return {
        error: 'the ledger has no uuid and no merchant for it: pass --merchant-id to look it up by reference',
      };
    return liveView(outcome, baseUrl);
  } catch (error) {
    return { error: error instanceof Error ? error.message : 'the lookup failed' };
  } finally {
    secretsManager.destroy();
  }
}
