import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ObservedCoindirectClient } from '#shared/coindirect/call-metrics.ts';
import { CoindirectClient } from '#shared/coindirect/client.ts';
import { ClockOffset } from '#shared/coindirect/clock-skew.ts';
import { createHttpTransport, type HttpTransport } from '#shared/coindirect/http-transport.ts';
import { containerPacer, type Pacer } from '#shared/coindirect/pacer.ts';
import { SecretCredentials } from '#shared/credentials/secret-credentials.ts';
import { ControlFlag } from '#shared/ledger/control.ts';
import { Ledger } from '#shared/ledger/ledger.ts';
import { LifecycleLedger } from '#shared/ledger/lifecycle-ledger.ts';
import { EVENT_BRIDGE_CLIENT_CONFIG, EventPublisher } from '#shared/lifecycle/publisher.ts';
import { CachedPauseSwitch } from '#shared/processing/pause-switch.ts';
import type { LoggerPort, MetricsPort } from '#shared/processing/ports.ts';
import type { BatchDeps } from '#shared/processing/process-batch.ts';
import { AWS_CLIENT_CONFIG, recordReserveMs } from '#shared/processing/time-budget.ts';
import { sqsDeadLetters, sqsVisibility } from '#shared/queue/sqs-ports.ts';
import type { WorkerConfig } from './config.ts';

/** Outside collaborators of the worker; each defaults to the real one, built once per container. */
export interface WorkerOverrides {
  readonly dynamodb?: DynamoDBClient;
  readonly sqs?: SQSClient;
  readonly secretsManager?: SecretsManagerClient;
  readonly eventBridge?: EventBridgeClient;
  readonly transport?: HttpTransport;
  readonly clock?: () => number;
  readonly random?: () => number;
  readonly nonce?: () => string;
  /** The container's shared Coindirect state; default a new one (a new container). */
  readonly container?: CoindirectContainer;
  /** How long the pause flag is trusted once read; default 5 s (tests that flip it mid-run pass 0). */
  readonly pauseCacheMs?: number;
}

/**
 * What all Coindirect clients of one container share (the worker's and the credential check's): the
 * request pacer at this container's share of `COINDIRECT_MAX_RPS`, and the HAWK clock correction.
 */
export class CoindirectContainer {
  readonly clockOffset = new ClockOffset();
  #pacer: { readonly value: Pacer | undefined } | undefined;

  /** The pacer for `config`, built on first use; undefined when pacing is off. */
  pacer(config: WorkerConfig, clock: () => number = Date.now): Pacer | undefined {
    this.#pacer ??= {
      value: containerPacer(
        {
          ...(config.coindirectMaxRps === undefined ? {} : { maxRps: config.coindirectMaxRps }),
          containers: config.workerMaxConcurrency,
        },
        clock,
      ),
    };
    return this.#pacer.value;
  }
}

/**
 * Wires the domain to AWS and Coindirect from a validated config. The AWS SDK clients pick up
 * `AWS_ENDPOINT_URL` by themselves, which is how the same code runs against moto.
 */
export function createWorkerDeps(
  config: WorkerConfig,
  logger: LoggerPort,
  metrics: MetricsPort,
  overrides: WorkerOverrides = {},
): Omit<BatchDeps, 'remainingTimeMs'> {
  const clock = overrides.clock ?? Date.now;
  const sqs = overrides.sqs ?? new SQSClient(AWS_CLIENT_CONFIG);
  const dynamodb = overrides.dynamodb ?? new DynamoDBClient(AWS_CLIENT_CONFIG);
  const credentials = new SecretCredentials({
    client: overrides.secretsManager ?? new SecretsManagerClient(AWS_CLIENT_CONFIG),
    secretId: config.hawkSecretId,
    ttlMs: config.secretCacheTtlMs,
    clock,
  });
  const container = overrides.container ?? new CoindirectContainer();
  const pacer = container.pacer(config, clock);
  const clientOptions = {
    baseUrl: config.coindirectBaseUrl,
    credentials,
    transport:
      overrides.transport ??
      createHttpTransport({
        connectTimeoutMs: config.httpConnectTimeoutMs,
        totalTimeoutMs: config.httpTimeoutMs,
      }),
    clock,
    signQuery: config.signQuery,
    ...(overrides.nonce === undefined ? {} : { nonce: overrides.nonce }),
    clockOffset: container.clockOffset,
    ...(pacer === undefined ? {} : { pacer }),
  };
  const coindirect =
    metrics.coindirectCall === undefined
      ? new CoindirectClient(clientOptions)
      : new ObservedCoindirectClient(clientOptions, metrics.coindirectCall);
  const ledger = new Ledger({
    client: dynamodb,
    tableName: config.ledgerTableName,
    leaseMs: config.leaseMs,
    clock,
  });
  return {
    ledger,
    // Always wired, also with no limits: a reservation made under an earlier configuration is still released.
    dailyLimits: { limits: config.dailyLimits, ledger },
    coindirect,
    guardrails: {
      defaultMerchantId: config.merchantId,
      allowedMerchantIds: config.allowedMerchantIds,
      maxAmounts: config.maxAmounts,
      addressNetwork: config.addressNetwork,
      maxBodyBytes: config.maxBodyBytes,
    },
    metrics,
    logger,
    ownerToken: (delivery) => `${delivery.messageId}#${delivery.receiveCount}#${randomUUID()}`,
    deadLetters: sqsDeadLetters(sqs, config.dlqUrl, clock),
    visibility: sqsVisibility(sqs),
    concurrency: config.recordConcurrency,
    reserveMs: recordReserveMs({ httpTimeoutMs: config.httpTimeoutMs }),
    resendSettleMs: config.resendSettleMs,
    httpTimeoutMs: config.httpTimeoutMs,
    leaseMs: config.leaseMs,
    maxBackoffSeconds: config.maxBackoffSeconds,
    ...(overrides.random === undefined ? {} : { random: overrides.random }),
    clock,
    ...(pacer === undefined ? {} : { pacer }),
    // Its own clock, not the overridable one: a test's pinned clock must not freeze the flag's cache.
    pauseSwitch: new CachedPauseSwitch(
      () => new ControlFlag({ client: dynamodb, tableName: config.ledgerTableName }).read(),
      overrides.pauseCacheMs === undefined ? {} : { maxAgeMs: overrides.pauseCacheMs },
    ),
    ...(config.eventBusName === undefined
      ? {}
      : {
          events: new EventPublisher({
            client: overrides.eventBridge ?? new EventBridgeClient(EVENT_BRIDGE_CLIENT_CONFIG),
            eventBusName: config.eventBusName,
            ledger: new LifecycleLedger({ client: dynamodb, tableName: config.ledgerTableName, clock }),
            metrics,
            logger,
          }),
        }),
  };
}
