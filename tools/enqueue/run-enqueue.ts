// `npm run enqueue -- FILE`: validate a payout file with payout v1, then send it to the payout queue.
import { readFile } from 'node:fs/promises';
import { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { type SendResult, sendPayouts } from '#shared/producer/send-payouts.ts';
import { AWS_FLAGS_USAGE, parseOperatorFlags } from '../lib/aws-flags.ts';
import { type CliIo, type Command, runCommand, validateFlags } from '../lib/cli.ts';
import { CliError, UsageError } from '../lib/errors.ts';
import {
  type GuardrailSource,
  parseBodyBytes,
  parseMaxAmounts,
  parseNetwork,
  resolveGuardrails,
  settingsFromWorkerEnv,
  splitList,
} from '../lib/guardrails.ts';
import {
  detectFormat,
  PAYOUT_FILE_FORMATS,
  type PayoutFileFormat,
  parsePayoutFile,
} from '../lib/payout-file.ts';
import { bar, progressLine } from '../lib/progress.ts';
import { stackNameFromFlags } from '../lib/resolve-stack.ts';
import { type AwsOptions, readStackOutputs, readWorkerEnvironment, STACK_OUTPUT } from '../lib/stack.ts';
import { count } from '../lib/table.ts';
import { type ValidRow, validateRows } from '../lib/validate-rows.ts';
import { type EnqueueReport, printReport, type SendFailure } from './report.ts';

export const ENQUEUE_USAGE = `usage: npm run enqueue -- FILE (--queue-url URL | --env NAME) [options]

Validates every payout in FILE (CSV with a header row, JSON array, or NDJSON of payout v1 messages)
and, when all are valid, sends them to the payout queue with SendMessageBatch (10 per call).

target (one of; not needed with --dry-run):
  --queue-url URL            the payout queue URL
  --env NAME                 a deployed environment: queue URL from the stack output PayoutQueueUrl
  --stack NAME               with --env: the stack to read (default CoindirectPayouts-<env>-Worker)

options:
  --dry-run                  validate and report only; send nothing
  --skip-invalid             send the valid rows even when some rows are invalid (those are listed)
  --concurrency N            SendMessageBatch calls in flight, 1-32 (default 8)
  --format csv|json|ndjson   default: from the file extension, else from the first character
  --json                     print the report as one JSON document on stdout
  --output json|text         --output json is --json; text is the default (alias: table)
  -h, --help                 show this help

${AWS_FLAGS_USAGE}

guardrails the rows are checked with (first found wins, per value):
  1. flags: --max-amounts '{"EUR":"5000"}'  --merchant-id MID  --allowed-merchant-ids A,B
            --address-network mainnet|testnet  --max-body-bytes N
  2. with --env: the deployed worker's own settings (its Lambda environment)
  3. environment variables with the worker's names: PAYOUT_MAX_AMOUNTS, COINDIRECT_MERCHANT_ID,
     ALLOWED_MERCHANT_IDS, ADDRESS_NETWORK, MAX_BODY_BYTES
  4. permissive: no amount cap, any merchant, mainnet address checks, 16384-byte bodies

exit codes: 0 every row sent (with --dry-run: every row valid); 1 invalid rows, a send failure or an
AWS error (the message says what to do); 2 wrong usage.

examples:
  npm run enqueue -- examples/payouts.csv --dry-run
  npm run enqueue -- payouts.ndjson --env staging
  npm run enqueue -- payouts.json --queue-url "$PAYOUT_QUEUE_URL" --skip-invalid`;

const flagsSchema = z.object({
  'queue-url': z
    .url('must be a queue URL such as https://sqs.eu-west-1.amazonaws.com/123456789012/name')
    .optional(),
  env: z.string().optional(),
  stack: z.string().min(1).optional(),
  'dry-run': z.boolean().default(false),
  'skip-invalid': z.boolean().default(false),
  concurrency: z.coerce.number().int('must be a whole number').min(1).max(32).default(8),
  format: z.enum(PAYOUT_FILE_FORMATS as [PayoutFileFormat, ...PayoutFileFormat[]]).optional(),
  json: z.boolean().default(false),
  'max-amounts': z.string().optional(),
  'merchant-id': z.string().min(1).optional(),
  'allowed-merchant-ids': z.string().optional(),
  'address-network': z.string().optional(),
  'max-body-bytes': z.string().optional(),
});
type Flags = z.infer<typeof flagsSchema>;

export interface EnqueueDeps {
  /** AWS SDK client settings; default the SDK's own (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL). */
  readonly aws?: AwsOptions;
  readonly clock?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export function enqueueCommand(deps: EnqueueDeps = {}): Command {
  return {
    usage: ENQUEUE_USAGE,
    run: (argv, io) =>
      runCommand(io, ENQUEUE_USAGE, async () => {
        const { values, positionals, aws } = parseOperatorFlags(argv, io, deps.aws, {
          'queue-url': { type: 'string' },
          env: { type: 'string' },
          stack: { type: 'string' },
          'dry-run': { type: 'boolean' },
          'skip-invalid': { type: 'boolean' },
          concurrency: { type: 'string' },
          format: { type: 'string' },
          json: { type: 'boolean' },
          'max-amounts': { type: 'string' },
          'merchant-id': { type: 'string' },
          'allowed-merchant-ids': { type: 'string' },
          'address-network': { type: 'string' },
          'max-body-bytes': { type: 'string' },
        });
        if (values.help) {
          io.stdout.write(`${ENQUEUE_USAGE}\n`);
          return 0;
        }
        const flags = validateFlags(flagsSchema, values);
        if (positionals.length !== 1) throw new UsageError('give exactly one payout FILE');
        return enqueue(positionals[0] ?? '', flags, io, { ...deps, aws });
      }),
  };
}

async function enqueue(path: string, flags: Flags, io: CliIo, deps: EnqueueDeps): Promise<number> {
  const clock = deps.clock ?? Date.now;
  const aws = deps.aws ?? {};
  if (flags['queue-url'] !== undefined && flags.env !== undefined) {
    throw new UsageError('give --queue-url or --env, not both');
  }
  if (flags['queue-url'] === undefined && flags.env === undefined && !flags['dry-run']) {
    throw new UsageError(
      'say where to send: --queue-url URL or --env NAME (or validate only with --dry-run)',
    );
  }
  // Every argument is checked before the file is read or AWS is asked anything.
  const fromFlags = settingsFromFlags(flags);
  const stackName = stackNameFromFlags(flags);
  const text = await readPayoutFile(path);
  const format = flags.format ?? detectFormat(path, text);
  const file = parsePayoutFile(text, format);

  const sources: GuardrailSource[] = [{ name: 'flags', settings: fromFlags }];
  let queueUrl = flags['queue-url'] ?? null;
  if (stackName !== undefined) {
    const outputs = await readStackOutputs(aws, stackName);
    queueUrl = outputs.require(STACK_OUTPUT.queueUrl, '--queue-url');
    const functionName = outputs.get(STACK_OUTPUT.functionName);
    if (functionName !== undefined) {
      try {
        const workerEnv = await readWorkerEnvironment(aws, functionName);
        sources.push({
          name: `the deployed worker ${functionName}`,
          settings: settingsFromWorkerEnv(workerEnv, functionName),
        });
      } catch (error) {
        io.stderr.write(
          `warning: could not read the worker's settings (${error instanceof Error ? error.name : 'error'}); ` +
            'checking with the next guardrail source (lambda:GetFunctionConfiguration lets this work)\n',
        );
      }
    }
  }
  sources.push({
    name: 'environment variables',
    settings: settingsFromWorkerEnv(io.env, 'environment variable'),
  });
  const { guardrails, description } = resolveGuardrails(
    sources,
    file.rows.map((r) => r.value),
  );
  const validation = validateRows(file.rows, guardrails);
  const invalid = [...file.issues, ...validation.issues].sort((a, b) => a.line - b.line);
  // A broken file or CSV header is not a row: nothing can be sent, --skip-invalid or not.
  const unreadableRows = new Set(file.issues.filter((i) => i.field === '(row)').map((i) => i.line));
  const fileUnreadable = file.issues.some((i) => i.field !== '(row)');
  const invalidRows = new Set([...unreadableRows, ...validation.issues.map((i) => i.line)]).size;
  const started = clock();

  const base = {
    file: path,
    format,
    rows: file.rows.length + unreadableRows.size,
    valid: validation.valid.length,
    invalid,
    invalidRows,
    fileUnreadable,
    guardrails: description,
    queueUrl,
    dryRun: flags['dry-run'],
  };
  const hold = flags['dry-run'] || fileUnreadable || (invalid.length > 0 && !flags['skip-invalid']);
  if (hold || queueUrl === null) {
    const report: EnqueueReport = { ...base, sent: 0, failed: [], seconds: 0 };
    printReport(report, flags.json, io);
    return invalid.length > 0 ? 1 : 0;
  }

  const results = await send(queueUrl, validation.valid, flags, io, deps);
  const failed = results.flatMap((result): SendFailure[] => {
    if (result.ok) return [];
    const row = validation.valid[result.index];
    return [
      { line: row?.line ?? 0, reference: row?.reference ?? '', code: result.code, reason: result.reason },
    ];
  });
  const report: EnqueueReport = {
    ...base,
    sent: results.filter((r) => r.ok).length,
    failed,
    seconds: (clock() - started) / 1000,
  };
  printReport(report, flags.json, io);
  return failed.length > 0 ? 1 : 0;
}

async function readPayoutFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new CliError(
      `cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : String(code ?? 'read error')}. Give the path of a .csv, .json or .ndjson file.`,
    );
  }
}

function settingsFromFlags(flags: Flags) {
  return {
    ...(flags['max-amounts'] === undefined
      ? {}
      : { maxAmounts: parseMaxAmounts(flags['max-amounts'], '--max-amounts') }),
    ...(flags['merchant-id'] === undefined ? {} : { defaultMerchantId: flags['merchant-id'] }),
    ...(flags['allowed-merchant-ids'] === undefined
      ? {}
      : { allowedMerchantIds: splitList(flags['allowed-merchant-ids']) }),
    ...(flags['address-network'] === undefined
      ? {}
      : { addressNetwork: parseNetwork(flags['address-network'], '--address-network') }),
    ...(flags['max-body-bytes'] === undefined
      ? {}
      : { maxBodyBytes: parseBodyBytes(flags['max-body-bytes'], '--max-body-bytes') }),
  };
}

async function send(
  queueUrl: string,
  rows: readonly ValidRow[],
  flags: Flags,
  io: CliIo,
  deps: EnqueueDeps,
): Promise<SendResult[]> {
  const clock = deps.clock ?? Date.now;
  const sqs = new SQSClient(deps.aws ?? {});
  const progress = progressLine(io.stderr, { clock });
  const started = clock();
  try {
    return await sendPayouts(
      sqs,
      queueUrl,
      rows.map((r) => r.message),
      {
        concurrency: flags.concurrency,
        ...(deps.sleep === undefined ? {} : { sleep: deps.sleep }),
        onProgress: ({ sent, failed, total }) => {
          const seconds = Math.max((clock() - started) / 1000, 0.001);
          progress.update(
            `sending ${bar(sent + failed, total)} ${count(sent)}/${count(total)} sent` +
              `${failed > 0 ? `, ${count(failed)} failed` : ''} · ${count(Math.round(sent / seconds))}/s`,
          );
        },
      },
    );
  } finally {
    progress.done();
    sqs.destroy();
  }
}
