// The real worker (handler → processBatch → ledger claim → HAWK signing → keep-alive HTTP) wired for
// benchmarks: a zero-latency in-memory ledger, the HAWK key served without a network call, and no AWS
// endpoint at all (a payout that succeeds never touches SQS).
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { lambdaPowertools } from '#functions/lambda-runtime.ts';
import { loadConfig } from '#functions/payout-worker/config.ts';
import { createBatchHandler } from '#functions/payout-worker/handler.ts';
import { createWorkerDeps } from '#functions/payout-worker/worker.ts';
import { RUNNING } from '#shared/ledger/control.ts';
import { InMemoryLedger } from '#shared/ledger/in-memory-ledger.ts';
import type { CoindirectPort, LoggerPort, MetricsPort } from '#shared/processing/ports.ts';
import type { BatchDeps } from '#shared/processing/process-batch.ts';
import type { VisibilityPort } from '#shared/queue/sqs-ports.ts';
import { DEFAULT_CREDENTIAL, DEFAULT_MERCHANT } from '#simulator/defaults.ts';
import { localContext } from '../../local/lambda-context.ts';

const OFFLINE = {
  region: 'us-east-1',
  // Nothing listens on port 9: a call that should not happen fails at once instead of going anywhere.
  endpoint: 'http://127.0.0.1:9',
  credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
};

/** A Secrets Manager client that answers GetSecretValue from memory (the worker caches it anyway). */
export function staticSecretsManager(secretString: string): SecretsManagerClient {
  const client = new SecretsManagerClient(OFFLINE);
  client.middlewareStack.add(
    () => async () => ({ output: { SecretString: secretString, $metadata: {} } }) as never,
    { step: 'initialize', name: 'benchStaticSecret' },
  );
  return client;
}

export interface BenchWorkerOptions {
  /** The Coindirect simulator's URL. */
  readonly coindirectBaseUrl: string;
  /** `RECORD_CONCURRENCY`. */
  readonly recordConcurrency: number;
  /**
   * `silent`: no logs, no metrics (for in-process timing, where output would mix with the table).
   * `powertools`: the deployed instrumentation, as in handler.ts: Powertools Logger at INFO (one JSON
   * line per payout, with its reference and messageId), EMF metrics flushed per invocation and one
   * `CoindirectLatency` line per Coindirect call, all to stdout.
   */
  readonly instrumentation: 'silent' | 'powertools';
  /** Further worker settings (`COINDIRECT_MAX_RPS`, …). */
  readonly env?: Readonly<Record<string, string>>;
  /** The ledger; default a new in-memory one (pass one to several workers to share it). */
  readonly ledger?: InMemoryLedger;
  /** Where retry backoffs go; default the (offline) SQS client's, which fails and is only counted. */
  readonly visibility?: VisibilityPort;
}

export interface BenchWorker {
  readonly handle: (event: SQSEvent) => Promise<SQSBatchResponse>;
  readonly ledger: InMemoryLedger;
  /** The worker's own Coindirect client (same signer and transport), for one-call timings. */
  readonly coindirect: CoindirectPort;
  readonly deps: Omit<BatchDeps, 'remainingTimeMs'>;
}

/** Builds one "Lambda container" of the real worker around the in-memory ledger. */
export function benchWorker(options: BenchWorkerOptions): BenchWorker {
  const config = loadConfig({
    COINDIRECT_BASE_URL: options.coindirectBaseUrl,
    COINDIRECT_MERCHANT_ID: DEFAULT_MERCHANT.merchantId,
    HAWK_SECRET_ID: 'bench/coindirect-hawk',
    LEDGER_TABLE_NAME: 'bench-ledger',
    DLQ_URL: 'http://127.0.0.1:9/000000000000/bench-payouts-dlq',
    PAYOUT_MAX_AMOUNTS: '{"EUR":"5000"}',
    RECORD_CONCURRENCY: String(options.recordConcurrency),
    ...options.env,
  });
  const powertools = options.instrumentation === 'powertools';
  // The deployed functions' Powertools set-up, per-call CoindirectLatency line included.
  const { logger, metrics, count, coindirectCall } = lambdaPowertools('payout-worker', {
    POWERTOOLS_METRICS_NAMESPACE: 'CoindirectPayoutsBench',
    POWERTOOLS_LOG_LEVEL: powertools ? 'INFO' : 'SILENT',
  });
  const metricsPort: MetricsPort = powertools ? { count, coindirectCall } : { count: () => undefined };
  const ledger = options.ledger ?? new InMemoryLedger();
  const deps = {
    ...createWorkerDeps(config, logger satisfies LoggerPort, metricsPort, {
      secretsManager: staticSecretsManager(
        JSON.stringify({ hawkAuthId: DEFAULT_CREDENTIAL.id, hawkAuthKey: DEFAULT_CREDENTIAL.key }),
      ),
      sqs: new SQSClient(OFFLINE),
      dynamodb: new DynamoDBClient(OFFLINE),
    }),
    ledger,
    // Everything the worker keeps in the ledger table lives in the in-memory ledger here: the daily-limit
    // counters, and the pause flag (never set in a bench: the deployed worker reads it at most every 5 s).
    dailyLimits: { limits: config.dailyLimits, ledger },
    pauseSwitch: { state: async () => RUNNING },
    ...(options.visibility === undefined ? {} : { visibility: options.visibility }),
  };
  const batchHandler = createBatchHandler(() => deps, logger);
  // The same middleware chain as the exported Lambda handler (handler.ts).
  const instrumented = powertools
    ? middy(batchHandler).use(injectLambdaContext(logger)).use(logMetrics(metrics))
    : batchHandler;
  return {
    handle: (event) => instrumented(event, localContext('payout-worker', 60_000)),
    ledger,
    coindirect: deps.coindirect,
    deps,
  };
}
