import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ObservedCoindirectClient } from '#shared/coindirect/call-metrics.ts';
import { CoindirectClient } from '#shared/coindirect/client.ts';
import { createHttpTransport, type HttpTransport } from '#shared/coindirect/http-transport.ts';
import { SecretCredentials } from '#shared/credentials/secret-credentials.ts';
import { LifecycleLedger } from '#shared/ledger/lifecycle-ledger.ts';
import { WebhookMarks } from '#shared/ledger/webhook-marks.ts';
import type { LifecycleMetricsPort } from '#shared/lifecycle/metrics.ts';
import { EVENT_BRIDGE_CLIENT_CONFIG, EventPublisher } from '#shared/lifecycle/publisher.ts';
import type { StatusSyncDeps } from '#shared/lifecycle/status-sync.ts';
import type { LoggerPort } from '#shared/processing/ports.ts';
import type { StatusConfig } from './config.ts';

/** Outside collaborators; each defaults to the real one, built once per container. */
export interface StatusOverrides {
  readonly dynamodb?: DynamoDBClient;
  readonly secretsManager?: SecretsManagerClient;
  readonly eventBridge?: EventBridgeClient;
  readonly transport?: HttpTransport;
  readonly clock?: () => number;
}

/** What the status function and the sweep share: the ledger, a read-only Coindirect client, the publisher. */
export interface StatusDeps extends StatusSyncDeps {
  readonly ledger: LifecycleLedger;
  /** Replay marks of webhooks already read (the status function uses them; the sweep does not). */
  readonly webhookMarks: WebhookMarks;
}

/**
 * Wires the lifecycle to AWS and Coindirect. Reads go through the same HAWK key as payouts and, in the
 * VPC, leave from the same whitelisted IPs (whether reads need them is UNCONFIRMED).
 */
export function createStatusDeps(
  config: StatusConfig,
  logger: LoggerPort,
  metrics: LifecycleMetricsPort,
  overrides: StatusOverrides = {},
): StatusDeps {
  const clock = overrides.clock ?? Date.now;
  const dynamodb = overrides.dynamodb ?? new DynamoDBClient({});
  const ledger = new LifecycleLedger({ client: dynamodb, tableName: config.ledgerTableName, clock });
  const webhookMarks = new WebhookMarks({ client: dynamodb, tableName: config.ledgerTableName, clock });
  const clientOptions = {
    baseUrl: config.coindirectBaseUrl,
    credentials: new SecretCredentials({
      client: overrides.secretsManager ?? new SecretsManagerClient({}),
      secretId: config.hawkSecretId,
      ttlMs: config.secretCacheTtlMs,
      clock,
    }),
    transport:
      overrides.transport ??
      createHttpTransport({
        connectTimeoutMs: config.httpConnectTimeoutMs,
        totalTimeoutMs: config.httpTimeoutMs,
      }),
    clock,
    signQuery: config.signQuery,
  };
  const coindirect =
    metrics.coindirectCall === undefined
      ? new CoindirectClient(clientOptions)
      : new ObservedCoindirectClient(clientOptions, metrics.coindirectCall);
  const events = new EventPublisher({
    client: overrides.eventBridge ?? new EventBridgeClient(EVENT_BRIDGE_CLIENT_CONFIG),
    eventBusName: config.eventBusName,
    ledger,
    metrics,
    logger,
  });
  return { ledger, coindirect, events, metrics, logger, clock, webhookMarks };
}
