// The whole payout lifecycle on one machine, on a moto server the caller started: the stack's resources
// (from its synthesized template, see stack-plan.ts), the Coindirect simulator settling payouts and sending
// signed webhooks, and every function of the stack run from its real handler: the worker and the status
// function behind Lambda-like SQS pollers, the webhook receiver behind a Function-URL-shaped HTTP server,
// the sweep on a short timer. Lifecycle events land in a capture queue through a rule on the bus.
import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { loadStatusConfig } from '#functions/payout-status/config.ts';
import { buildStatusDeps, createStatusHandler } from '#functions/payout-status/handler.ts';
import { buildSweepDeps, createSweepHandler } from '#functions/payout-status/sweep.ts';
import { loadWebhookConfig } from '#functions/payout-webhook/config.ts';
import { createReceiverDeps, createWebhookHandler } from '#functions/payout-webhook/handler.ts';
import { loadConfig, type WorkerConfig } from '#functions/payout-worker/config.ts';
import { checkCredentials, credentialCheckDeps } from '#functions/payout-worker/credential-check.ts';
import { createBatchHandler } from '#functions/payout-worker/handler.ts';
import { createWorkerDeps } from '#functions/payout-worker/worker.ts';
import { isFinalStatus } from '#shared/coindirect/statuses.ts';
import { LOCAL_WORKER_SETTINGS } from '#shared/config/worker-settings.ts';
import { ControlFlag } from '#shared/ledger/control.ts';
import { Ledger } from '#shared/ledger/ledger.ts';
import { EVENT_BRIDGE_CLIENT_CONFIG } from '#shared/lifecycle/publisher.ts';
import type { LoggerPort } from '#shared/processing/ports.ts';
import { minFunctionTimeoutMs } from '#shared/processing/time-budget.ts';
import { DEFAULT_CREDENTIAL, DEFAULT_MERCHANT } from '#simulator/defaults.ts';
import { startSimulator } from '#simulator/simulator.ts';
import type { Simulator } from '#simulator/types.ts';
import { CliError } from '#tools/lib/errors.ts';
import { type DrainEnd, type DrainOptions, drainQueue } from './drain.ts';
import { EventTail } from './event-capture.ts';
import { type FunctionUrlServer, serveFunctionUrl } from './function-url-server.ts';
import { localContext } from './lambda-context.ts';
import type { SqsHandler } from './poller.ts';
import type { LocalResources } from './provision.ts';
import { serializeItemWrites } from './serial-writes.ts';
import { functionOf, type PlannedFunction, resourceOf, type StackPlan, triggerOf } from './stack-plan.ts';
import { type ProvisionedStack, provisionStack } from './stack-provision.ts';

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

/** The functions of the stack `npm start` runs, by `POWERTOOLS_SERVICE_NAME`. */
export const LOCAL_SERVICES = ['payout-worker', 'payout-webhook', 'payout-status', 'payout-sweep'] as const;

/** Local stand-ins for the stack's timings, so a payout's whole life takes seconds. */
export const LOCAL_LIFECYCLE = {
  /** The simulator makes a payout final this long after its creation (`--settle-after-ms`). */
  settleAfterMs: 2_000,
  /** The sweep's schedule (deployed: `lifecycle.sweepIntervalMinutes`, hourly). */
  sweepEveryMs: 5_000,
  /** Added to the settle delay: a payout not final by then is re-read by the sweep (deployed: 60 min). */
  stuckMarginMs: 5_000,
  /** Against `--coindirect-url`, whose webhooks cannot reach 127.0.0.1: the sweep re-reads after this. */
  remoteStuckAfterMs: 10_000,
  /** Event markers younger than this are left to their writer (deployed: 120 s). */
  eventGraceMs: 5_000,
} as const;

/**
 * Worker settings the local run sets unless the shell does: the simulator's search shows a payout at once,
 * so a resend needs no 30 s settle (`--coindirect-url` keeps the worker's default).
 */
const SIMULATOR_WORKER_DEFAULTS: Readonly<Record<string, string>> = { RESEND_SETTLE_SECONDS: '2' };

const AWS = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
} as const;

const NO_METRICS = { count: () => undefined };

export interface LocalPipelineOptions {
  /** The AWS endpoint (moto server). */
  readonly endpoint: string;
  readonly plan: StackPlan;
  readonly coindirect: CoindirectTarget;
  /** The shell's environment: the worker settings marked `local` are taken from it, as Lambda reads them. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly addressNetwork?: 'mainnet' | 'testnet';
  /** Simulator only: a payout is final this long after its creation. */
  readonly settleAfterMs?: number;
  /** Simulator only: payouts whose reference ends in this digit are CANCELLED; default none. */
  readonly cancelDigit?: number;
  /** Seconds before a failed message is retried locally (Lambda uses the worker's backoff). Default 1. */
  readonly retryDelaySeconds?: number;
  readonly sweepEveryMs?: number;
  readonly stuckAfterMs?: number;
  readonly eventGraceMs?: number;
  /** The log of every function (JSON lines on stderr with --verbose). */
  readonly logger: LoggerPort;
  /** Progress meant for the person running it; default: the logger. */
  readonly say?: (text: string) => void;
  readonly verbose?: boolean;
  /** Prefix of every local name; default `local-<random>`. */
  readonly prefix?: string;
}

/** What a producer (and the results) need to know about the running lifecycle. */
export interface LifecycleEndpoints {
  /** The receiver's local Function URL, where the simulator sends its signed webhooks. */
  readonly webhookUrl: string;
  readonly webhookSecretId: string;
  readonly statusQueueUrl: string;
  readonly statusDeadLetterQueueUrl: string;
  readonly eventBusName: string;
  readonly captureQueueUrl: string;
}

export interface LocalPipeline {
  readonly sqs: SQSClient;
  /** The worker's queue, DLQ, secret and ledger table. */
  readonly resources: LocalResources;
  readonly lifecycle: LifecycleEndpoints;
  readonly stack: ProvisionedStack;
  readonly sim: Simulator | undefined;
  readonly ledger: Ledger;
  readonly workerConfig: WorkerConfig;
  readonly events: EventTail;
  /** Runs the worker on the payout queue the way its event source mapping would (see drain.ts). */
  drainWorker(
    options: Pick<DrainOptions, 'until' | 'signal' | 'deadlineMs' | 'onPoll' | 'onTick'>,
  ): Promise<DrainEnd>;
  /**
   * Waits until every given reference has its events published and, when Coindirect holds a payout for
   * it, a final Coindirect status in the ledger; then takes the capture queue's last events.
   */
  settle(
    references: readonly string[],
    options: {
      readonly deadlineMs: number;
      readonly signal: AbortSignal;
      readonly onTick?: (settled: number) => void;
    },
  ): Promise<'settled' | 'deadline' | 'stopped'>;
  /** Stops the functions, the receiver and the simulator (not moto). */
  close(): Promise<void>;
}

/**
 * Provisions the plan on the endpoint and starts every function of the stack; resolves once everything
 * listens. The worker's poller is left to the caller (`drainWorker`), the others run until `close()`.
 */
export async function startLocalPipeline(options: LocalPipelineOptions): Promise<LocalPipeline> {
  const { plan, coindirect: target, logger } = options;
  for (const fn of plan.functions) {
    if (!(LOCAL_SERVICES as readonly string[]).includes(fn.service)) {
      throw new CliError(
        `the stack has a function npm start cannot run yet: ${fn.logicalId} (${fn.service}); add it to local/pipeline.ts`,
      );
    }
  }
  const worker = functionOf(plan, 'payout-worker');
  const receiver = functionOf(plan, 'payout-webhook');
  const status = functionOf(plan, 'payout-status');
  const sweep = functionOf(plan, 'payout-sweep');

  const aws = { ...AWS, endpoint: options.endpoint };
  const sqs = new SQSClient(aws);
  const dynamodb = new DynamoDBClient(aws);
  const secretsManager = new SecretsManagerClient(aws);
  const eventBridge = new EventBridgeClient({ ...EVENT_BRIDGE_CLIENT_CONFIG, ...aws });
  const clients = { sqs, dynamodb, secretsManager, eventBridge };
  const cleanup: Array<() => Promise<void>> = [
    async () => {
      for (const client of [sqs, dynamodb, secretsManager, eventBridge]) client.destroy();
    },
  ];
  const close = async (): Promise<void> => {
    for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
  };

  try {
    const hawk =
      target.kind === 'simulator'
        ? { hawkAuthId: DEFAULT_CREDENTIAL.id, hawkAuthKey: DEFAULT_CREDENTIAL.key }
        : { hawkAuthId: target.hawkAuthId, hawkAuthKey: target.hawkAuthKey };
    const stack = await provisionStack(plan, {
      clients,
      prefix: options.prefix ?? `local-${randomUUID().slice(0, 8)}`,
      secretValues: {
        HAWK_SECRET_ID: JSON.stringify(hawk),
        // The sandbox's webhooks cannot reach 127.0.0.1: a secret nobody knows refuses forged ones.
        WEBHOOK_SECRET_ID: target.kind === 'simulator' ? DEFAULT_MERCHANT.secret : randomUUID(),
      },
    });

    serializeItemWrites(
      dynamodb,
      new Map(
        plan.tables.map((t) => [stack.resource(t.logicalId).name, t.keySchema.map((k) => k.AttributeName)]),
      ),
    );

    // The webhook receiver behind a local Function URL, wired from the template.
    triggerOf(receiver, 'url');
    const receiverHandler = createWebhookHandler(
      constant(createReceiverDeps(loadWebhookConfig(stack.envOf(receiver)), { secretsManager, sqs })),
      logger,
      NO_METRICS,
    );
    const functionUrl: FunctionUrlServer = await serveFunctionUrl(receiverHandler);
    cleanup.push(() => functionUrl.close());

    let sim: Simulator | undefined;
    if (target.kind === 'simulator') {
      sim = await startSimulator({
        webhook: { url: functionUrl.url },
        autoProgress: {
          completeAfterMs: options.settleAfterMs ?? LOCAL_LIFECYCLE.settleAfterMs,
          ...(options.cancelDigit === undefined ? {} : { cancelDigit: options.cancelDigit }),
        },
      });
      const started = sim;
      cleanup.push(() => started.close());
    }
    const coindirectUrl = sim?.url ?? (target.kind === 'remote' ? target.url : '');

    // The worker, as today: the template's wiring, the worker's own defaults, the shell's settings.
    const workerEnv: Record<string, string> =
      target.kind === 'simulator' ? { ...SIMULATOR_WORKER_DEFAULTS } : {};
    for (const name of LOCAL_WORKER_SETTINGS) {
      const value = options.env[name];
      if (value !== undefined && value !== '') workerEnv[name] = value;
    }
    Object.assign(workerEnv, stack.envOf(worker), {
      COINDIRECT_BASE_URL: coindirectUrl,
      COINDIRECT_MERCHANT_ID: target.kind === 'remote' ? target.merchantId : DEFAULT_MERCHANT.merchantId,
      ...(options.addressNetwork === undefined ? {} : { ADDRESS_NETWORK: options.addressNetwork }),
    });
    const workerConfig = loadConfig(workerEnv);
    const workerTimeoutMs = worker.timeoutSeconds * 1000;
    checkWorkerTimes(workerConfig, workerTimeoutMs);
    if (target.kind === 'remote') {
      const check = await checkCredentials(
        { action: 'checkCredentials', versionStage: 'AWSCURRENT' },
        credentialCheckDeps(workerConfig, { secretsManager }),
      );
      if (!check.ok) throw new CliError(`the HAWK key does not work at ${target.url}: ${check.detail}`);
      (options.say ?? ((text: string) => logger.info(text)))(
        `HAWK key checked at ${target.url}: ${check.detail}`,
      );
    }
    const powertools = new Logger({
      serviceName: 'payout-worker-local',
      logLevel: options.verbose === true ? 'INFO' : 'SILENT',
    });
    const workerDeps = createWorkerDeps(workerConfig, logger, NO_METRICS, {
      sqs,
      dynamodb,
      secretsManager,
      eventBridge,
    });
    const workerHandler: SqsHandler = createBatchHandler(() => workerDeps, powertools);
    const workerTrigger = triggerOf(worker, 'sqs');
    const payoutQueue = stack.resource(workerTrigger.queue);
    const payoutDlq = stack.resource(resourceOf(worker, 'DLQ_URL').logicalId);
    const maxReceiveCount = plan.queues.find((q) => q.logicalId === workerTrigger.queue)?.deadLetter
      ?.maxReceiveCount;
    const retryDelaySeconds = localRetryDelaySeconds(
      options.retryDelaySeconds ?? 1,
      workerConfig.resendSettleMs / 1000,
      maxReceiveCount,
    );

    // The status function and the sweep: status-queue poller and a short schedule.
    const lifecycleEnv = (fn: PlannedFunction): Record<string, string | undefined> => ({
      ...stack.envOf(fn),
      COINDIRECT_BASE_URL: coindirectUrl,
      ...(options.env.COINDIRECT_SIGN_QUERY
        ? { COINDIRECT_SIGN_QUERY: options.env.COINDIRECT_SIGN_QUERY }
        : {}),
    });
    const lifecycleClients = { dynamodb, secretsManager, eventBridge };
    const statusHandler = createStatusHandler(
      constant(buildStatusDeps(loadStatusConfig(lifecycleEnv(status)), logger, NO_METRICS, lifecycleClients)),
    );
    const stuckAfterMs =
      options.stuckAfterMs ??
      (target.kind === 'simulator'
        ? (options.settleAfterMs ?? LOCAL_LIFECYCLE.settleAfterMs) + LOCAL_LIFECYCLE.stuckMarginMs
        : LOCAL_LIFECYCLE.remoteStuckAfterMs);
    const sweepHandler = createSweepHandler(
      constant(
        buildSweepDeps(
          {
            ...loadStatusConfig(lifecycleEnv(sweep)),
            stuckAfterMs,
            eventGraceMs: options.eventGraceMs ?? LOCAL_LIFECYCLE.eventGraceMs,
          },
          logger,
          NO_METRICS,
          lifecycleClients,
        ),
      ),
    );
    triggerOf(sweep, 'schedule');

    const stop = new AbortController();
    const statusTrigger = triggerOf(status, 'sqs');
    const statusQueue = stack.resource(statusTrigger.queue);
    const statusDlqId = plan.queues.find((q) => q.logicalId === statusTrigger.queue)?.deadLetter?.logicalId;
    const running: Promise<unknown>[] = [
      drainQueue({
        sqs,
        queueUrl: statusQueue.ref,
        queueArn: statusQueue.arn,
        handler: statusHandler,
        pollers: statusTrigger.maxConcurrency ?? 2,
        batchSize: statusTrigger.batchSize,
        timeoutMs: status.timeoutSeconds * 1000,
        retryDelaySeconds,
        until: 'signal',
        signal: stop.signal,
      }),
      everyInterval(options.sweepEveryMs ?? LOCAL_LIFECYCLE.sweepEveryMs, stop.signal, async () => {
        try {
          await sweepHandler({}, localContext('payout-sweep', sweep.timeoutSeconds * 1000));
        } catch (error) {
          logger.error('local sweep failed', { error: error instanceof Error ? error.message : 'unknown' });
        }
      }),
    ];
    const events = new EventTail({ sqs, queueUrl: stack.capture.queueUrl });
    running.push(events.run(stop.signal));
    cleanup.push(async () => {
      stop.abort();
      await Promise.allSettled(running);
    });

    const ledger = new Ledger({
      client: dynamodb,
      tableName: workerConfig.ledgerTableName,
      leaseMs: workerConfig.leaseMs,
    });
    const pauseFlag = new ControlFlag({ client: dynamodb, tableName: workerConfig.ledgerTableName });
    return {
      sqs,
      resources: {
        queueUrl: payoutQueue.ref,
        queueArn: payoutQueue.arn,
        dlqUrl: payoutDlq.ref,
        dlqArn: payoutDlq.arn,
        secretId: workerConfig.hawkSecretId,
        tableName: workerConfig.ledgerTableName,
      },
      lifecycle: {
        webhookUrl: functionUrl.url,
        webhookSecretId: stack.resource(resourceOf(receiver, 'WEBHOOK_SECRET_ID').logicalId).name,
        statusQueueUrl: statusQueue.ref,
        statusDeadLetterQueueUrl: statusDlqId === undefined ? '' : stack.resource(statusDlqId).ref,
        eventBusName: stack.capture.busName,
        captureQueueUrl: stack.capture.queueUrl,
      },
      stack,
      sim,
      ledger,
      workerConfig,
      events,
      drainWorker: (drain) =>
        drainQueue({
          sqs,
          queueUrl: payoutQueue.ref,
          queueArn: payoutQueue.arn,
          handler: workerHandler,
          pollers: workerTrigger.maxConcurrency ?? 2,
          batchSize: workerTrigger.batchSize,
          timeoutMs: workerTimeoutMs,
          retryDelaySeconds,
          // `npm run pause` against moto: the local event source stops like the disabled mapping on AWS;
          // the worker's own check of the flag holds records already received. Unreadable counts as paused.
          paused: () =>
            pauseFlag.read().then(
              (state) => state.paused,
              () => true,
            ),
          ...drain,
        }),
      settle: (references, settleOptions) => settle(ledger, events, references, settleOptions),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * The worker refuses records it cannot finish in time, and claims it cannot fence: the same checks the
 * stack makes at synth (infra/config.ts), on the local timeout and the shell's settings.
 */
function checkWorkerTimes(config: WorkerConfig, timeoutMs: number): void {
  const minMs = minFunctionTimeoutMs({ httpTimeoutMs: config.httpTimeoutMs });
  if (timeoutMs < minMs) {
    throw new CliError(
      `HTTP_TIMEOUT_MS ${config.httpTimeoutMs} needs a worker timeout of at least ${Math.ceil(minMs / 1000)} s; the stack's worker has ${timeoutMs / 1000} s. Lower HTTP_TIMEOUT_MS.`,
    );
  }
  if (config.leaseMs < timeoutMs) {
    throw new CliError(
      `LEASE_SECONDS ${config.leaseMs / 1000} is shorter than the worker's timeout (${timeoutMs / 1000} s): every claim would be refused. Raise it or unset it.`,
    );
  }
}

/**
 * Local retries come back after `retryDelaySeconds` instead of the worker's backoff; a message waiting for
 * a settled lookup (RESEND_SETTLE_SECONDS) must not use up its receives before then.
 */
export function localRetryDelaySeconds(
  retryDelaySeconds: number,
  resendSettleSeconds: number,
  maxReceiveCount: number | undefined,
): number {
  const spare = Math.max(1, (maxReceiveCount ?? 10) - 2);
  return Math.max(retryDelaySeconds, Math.ceil(resendSettleSeconds / spare));
}

async function settle(
  ledger: Ledger,
  events: EventTail,
  references: readonly string[],
  options: {
    readonly deadlineMs: number;
    readonly signal: AbortSignal;
    readonly onTick?: (settled: number) => void;
  },
): Promise<'settled' | 'deadline' | 'stopped'> {
  const deadline = Date.now() + options.deadlineMs;
  const unique = [...new Set(references)];
  for (;;) {
    if (options.signal.aborted) return 'stopped';
    let settled = 0;
    for (const reference of unique) {
      const record = await ledger.get(reference);
      const published = (record?.pendingEvents ?? []).length === 0;
      // A record without Coindirect's uuid (rejected, or dead-lettered while CLAIMED) waits for nothing.
      const final = record?.uuid === undefined || isFinalStatus(record.coindirectStatus);
      if (published && final) settled++;
    }
    options.onTick?.(settled);
    if (settled === unique.length) {
      await events.drain();
      return 'settled';
    }
    if (Date.now() > deadline) {
      await events.drain();
      return 'deadline';
    }
    await sleep(250, options.signal);
  }
}

async function everyInterval(ms: number, signal: AbortSignal, run: () => Promise<void>): Promise<void> {
  while (!signal.aborted) {
    await sleep(ms, signal);
    if (!signal.aborted) await run();
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

function constant<T>(value: T): () => T {
  return () => value;
}
