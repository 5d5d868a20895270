// `npm start`: moto + the Coindirect simulator + the real worker handler behind a Lambda-like poller.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { loadConfig } from '#functions/payout-worker/config.ts';
import { checkCredentials, credentialCheckDeps } from '#functions/payout-worker/credential-check.ts';
import { createBatchHandler } from '#functions/payout-worker/handler.ts';
import { createWorkerDeps } from '#functions/payout-worker/worker.ts';
import { findMotoServer, type MotoServer, startMoto } from '#local/moto.ts';
import { LOCAL_WORKER_SETTINGS } from '#shared/config/worker-settings.ts';
import { Ledger } from '#shared/ledger/ledger.ts';
import { sendMessageBodies } from '#shared/producer/send-payouts.ts';
import { DEFAULT_CREDENTIAL, DEFAULT_MERCHANT } from '#simulator/defaults.ts';
import { startSimulator } from '#simulator/simulator.ts';
import type { Simulator } from '#simulator/types.ts';
import type { CliIo } from '#tools/lib/cli.ts';
import { receiveAll, releaseMessages } from '#tools/lib/dlq.ts';
import { CliError } from '#tools/lib/errors.ts';
import { detectFormat, type PayoutFileFormat, parsePayoutFile } from '#tools/lib/payout-file.ts';
import { bar, progressLine } from '#tools/lib/progress.ts';
import { drainQueue } from './drain.ts';
import { type LocalResources, provisionLocalResources } from './provision.ts';
import { collectResults, FINAL_OUTCOMES, type SentPayout } from './results.ts';
import { NO_METRICS, printEndpoints, printResults, reportPoll, workerLogger } from './run-output.ts';

/** Where payouts go: the simulator started here, or another Coindirect-compatible endpoint. */
export type CoindirectTarget =
  | { readonly kind: 'simulator' }
  | {
      readonly kind: 'remote';
      readonly url: string;
      readonly hawkAuthId: string;
      readonly hawkAuthKey: string;
      readonly merchantId: string;
    };

export interface LocalRunOptions {
  readonly payoutsFile: string;
  /** Default: from the file name, else from its first character. */
  readonly format?: PayoutFileFormat;
  readonly coindirect: CoindirectTarget;
  readonly addressNetwork?: 'mainnet' | 'testnet';
  readonly keepRunning: boolean;
  readonly json: boolean;
  readonly verbose: boolean;
  /** Give up waiting for final states after this long. */
  readonly timeoutMs: number;
  /** Receives before SQS dead-letters a message, as the stack's maxReceiveCount. */
  readonly maxReceiveCount: number;
  /** Seconds before a failed message is retried locally (Lambda uses the worker's backoff). */
  readonly retryDelaySeconds: number;
}

/**
 * Optional worker settings a local run takes from the environment, under the Lambda's names: the ones
 * marked `local` in shared/config/worker-settings.ts.
 */
const PASSED_THROUGH = LOCAL_WORKER_SETTINGS;

const AWS = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
} as const;

/**
 * Runs the pipeline locally and prints the results. Resolves to the exit code: 0 when every payout
 * reached a final state (SUBMITTED, REJECTED, CONFLICT or dead-lettered).
 */
export async function runLocal(options: LocalRunOptions, io: CliIo, signal: AbortSignal): Promise<number> {
  const payouts = await readPayouts(options);
  const say = (text: string): void => void io.stderr.write(`${text}\n`);
  const stack: Array<() => Promise<void>> = [];
  try {
    say(
      'looking for moto server (the AWS emulator; installed into .venv/ on first use, which takes a minute)…',
    );
    const found = await findMotoServer();
    if ('error' in found) {
      throw new CliError(
        `npm start needs moto server, the AWS emulator (SQS, DynamoDB, Secrets Manager).\n${found.error}`,
      );
    }
    say(`starting ${found.command} on a free port…`);
    const moto: MotoServer = await startMoto({ command: found });
    stack.push(() => moto.stop());
    const aws = { ...AWS, endpoint: moto.endpoint };
    const sqs = new SQSClient(aws);
    const dynamodb = new DynamoDBClient(aws);
    const secretsManager = new SecretsManagerClient(aws);
    stack.push(async () => {
      sqs.destroy();
      dynamodb.destroy();
      secretsManager.destroy();
    });

    let sim: Simulator | undefined;
    const target = options.coindirect;
    if (target.kind === 'simulator') {
      sim = await startSimulator({});
      stack.push(() => (sim as Simulator).close());
      say(`Coindirect simulator on ${sim.url}`);
    }
    const hawk =
      target.kind === 'simulator'
        ? { hawkAuthId: DEFAULT_CREDENTIAL.id, hawkAuthKey: DEFAULT_CREDENTIAL.key }
        : { hawkAuthId: target.hawkAuthId, hawkAuthKey: target.hawkAuthKey };
    const resources = await provisionLocalResources({
      sqs,
      dynamodb,
      secretsManager,
      prefix: `local-${randomUUID().slice(0, 8)}`,
      hawk,
      maxReceiveCount: options.maxReceiveCount,
    });
    say(
      `provisioned on moto: queue + DLQ (maxReceiveCount ${options.maxReceiveCount}), secret, ledger table`,
    );

    const env: Record<string, string> = {};
    for (const name of PASSED_THROUGH) {
      const value = io.env[name];
      if (value !== undefined && value !== '') env[name] = value;
    }
    Object.assign(env, {
      COINDIRECT_BASE_URL: sim?.url ?? (target.kind === 'remote' ? target.url : ''),
      COINDIRECT_MERCHANT_ID: target.kind === 'remote' ? target.merchantId : DEFAULT_MERCHANT.merchantId,
      HAWK_SECRET_ID: resources.secretId,
      LEDGER_TABLE_NAME: resources.tableName,
      DLQ_URL: resources.dlqUrl,
      ...(options.addressNetwork === undefined ? {} : { ADDRESS_NETWORK: options.addressNetwork }),
    });
    const config = loadConfig(env);

    if (target.kind === 'remote') {
      const check = await checkCredentials(
        { action: 'checkCredentials', versionStage: 'AWSCURRENT' },
        credentialCheckDeps(config, { secretsManager }),
      );
      if (!check.ok) throw new CliError(`the HAWK key does not work at ${target.url}: ${check.detail}`);
      say(`HAWK key checked at ${target.url}: ${check.detail}`);
    }

    const logger = workerLogger(io, options.verbose);
    const powertools = new Logger({
      serviceName: 'payout-worker-local',
      logLevel: options.verbose ? 'INFO' : 'SILENT',
    });
    const deps = createWorkerDeps(config, logger, NO_METRICS, { sqs, dynamodb, secretsManager });
    const handler = createBatchHandler(() => deps, powertools);

    const sent = await enqueue(sqs, resources.queueUrl, payouts);
    say(
      `enqueued ${sent.filter((s) => s.messageId !== undefined).length} payouts from ${options.payoutsFile}`,
    );

    const drained = await drain(io, options, { sqs, resources, handler, signal, total: sent.length });
    if (drained === 'stopped') {
      say('stopped before every payout was final');
      return 130;
    }
    const ledger = new Ledger({ client: dynamodb, tableName: resources.tableName, leaseMs: config.leaseMs });
    const deadLetters = await receiveAll(sqs, resources.dlqUrl, { holdSeconds: 60, waitSeconds: 0 });
    await releaseMessages(sqs, resources.dlqUrl, deadLetters);
    const results = await collectResults(sent, deadLetters, ledger);
    printResults(io, options.json, results, drained === 'deadline');

    if (options.keepRunning) {
      printEndpoints(io, moto.endpoint, resources, sim);
      await drainQueue({
        sqs,
        queueUrl: resources.queueUrl,
        queueArn: resources.queueArn,
        handler,
        until: 'signal',
        signal,
        retryDelaySeconds: options.retryDelaySeconds,
        onPoll: (poll) => void reportPoll(poll, ledger, io),
      });
      say('stopping…');
      return 0;
    }
    return results.every((r) => FINAL_OUTCOMES.includes(r.outcome)) ? 0 : 1;
  } finally {
    for (const stop of stack.reverse()) await stop().catch(() => undefined);
  }
}

async function readPayouts(
  options: LocalRunOptions,
): Promise<{ line: number; reference: string; body: string }[]> {
  let text: string;
  try {
    text = await readFile(options.payoutsFile, 'utf8');
  } catch {
    throw new CliError(
      `cannot read ${options.payoutsFile}: give a CSV, JSON array or NDJSON payout file with --payouts`,
    );
  }
  const file = parsePayoutFile(text, options.format ?? detectFormat(options.payoutsFile, text));
  if (file.issues.length > 0) {
    const lines = file.issues.map((i) => `  line ${i.line} ${i.field}: ${i.reason}`);
    throw new CliError(`${options.payoutsFile} has rows that cannot be read:\n${lines.join('\n')}`);
  }
  if (file.rows.length === 0) throw new CliError(`${options.payoutsFile} holds no payouts`);
  return file.rows.map((row) => {
    const reference = (row.value as { reference?: unknown } | null)?.reference;
    return {
      line: row.line,
      reference: typeof reference === 'string' ? reference : `(line ${row.line})`,
      body: JSON.stringify(row.value),
    };
  });
}

async function enqueue(
  sqs: SQSClient,
  queueUrl: string,
  payouts: readonly { line: number; reference: string; body: string }[],
): Promise<SentPayout[]> {
  // Sent as written, not validated: the point is to watch the worker accept and reject them.
  const results = await sendMessageBodies(
    sqs,
    queueUrl,
    payouts.map((p) => p.body),
  );
  return payouts.map((p, i) => {
    const result = results[i];
    return result?.ok === true
      ? { line: p.line, reference: p.reference, messageId: result.messageId }
      : {
          line: p.line,
          reference: p.reference,
          sendError: result?.ok === false ? result.reason : 'not sent',
        };
  });
}

interface DrainContext {
  readonly sqs: SQSClient;
  readonly resources: LocalResources;
  readonly handler: Parameters<typeof drainQueue>[0]['handler'];
  readonly signal: AbortSignal;
  readonly total: number;
}

async function drain(io: CliIo, options: LocalRunOptions, context: DrainContext) {
  const progress = progressLine(io.stderr, { lineEveryMs: 2_000 });
  const started = Date.now();
  const retrying = new Set<string>();
  let invocationErrors = 0;
  const end = await drainQueue({
    sqs: context.sqs,
    queueUrl: context.resources.queueUrl,
    queueArn: context.resources.queueArn,
    handler: context.handler,
    until: 'empty',
    signal: context.signal,
    deadlineMs: options.timeoutMs,
    retryDelaySeconds: options.retryDelaySeconds,
    onPoll: (poll) => {
      for (const record of poll.records) {
        if (record.failed) retrying.add(record.messageId);
        else retrying.delete(record.messageId);
      }
      if (poll.invocationError !== undefined && invocationErrors++ === 0) {
        const why = poll.invocationError instanceof Error ? poll.invocationError.message : 'unknown error';
        io.stderr.write(`\nworker invocation failed (messages stay queued, as on Lambda): ${why}\n`);
      }
    },
    onTick: (inQueue) => {
      const final = Math.max(0, context.total - inQueue);
      const seconds = ((Date.now() - started) / 1000).toFixed(0);
      progress.update(
        `[${seconds}s] ${bar(final, context.total)} ${final}/${context.total} final` +
          (retrying.size > 0 ? ` · ${retrying.size} waiting to retry` : ''),
      );
    },
  });
  progress.done(end === 'deadline' ? `gave up waiting after ${options.timeoutMs / 1000} s` : undefined);
  return end;
}
