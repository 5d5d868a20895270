// An integration rig for the payout lifecycle: the worker rig (moto + simulator + real worker) plus the
// open-payouts index on its ledger, the lifecycle event bus with a rule copying every event to a capture
// queue, the webhook secret and status queue, the real receiver behind a local function URL (the
// simulator's webhook target), the real status function, and the sweep.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { loadStatusConfig } from '#functions/payout-status/config.ts';
import { createStatusDeps, type StatusDeps } from '#functions/payout-status/deps.ts';
import { createStatusHandler } from '#functions/payout-status/handler.ts';
import { createWebhookHandler } from '#functions/payout-webhook/handler.ts';
import { type FunctionUrlServer, serveFunctionUrl } from '#local/function-url-server.ts';
import { OPEN_INDEX } from '#shared/ledger/open-index.ts';
import type { LifecycleMetricName } from '#shared/lifecycle/metrics.ts';
import { type SweepReport, sweepOpenPayouts } from '#shared/lifecycle/sweep.ts';
import type { WebhookMetricName } from '#shared/webhooks/metrics.ts';
import { sqsStatusQueue } from '#shared/webhooks/status-queue.ts';
import { WebhookSecrets } from '#shared/webhooks/webhook-secret.ts';
import { DEFAULT_MERCHANT } from '#simulator/defaults.ts';
import type { SimulatorOptions } from '#simulator/types.ts';
import { awsTestEnv } from './integration.ts';
import { CapturingLogger, payoutMessage, type Rig, startRig } from './pipeline-harness.ts';

/** One lifecycle event as a producer's rule delivers it (the EventBridge envelope). */
export interface DeliveredEvent {
  readonly 'detail-type': string;
  readonly source: string;
  readonly detail: Record<string, unknown>;
}

export class Counter<Name extends string> {
  readonly counts = new Map<Name, number>();
  count(name: Name, value = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + value);
  }
  get(name: Name): number {
    return this.counts.get(name) ?? 0;
  }
}

export interface LifecycleRig {
  readonly rig: Rig;
  readonly busName: string;
  readonly receiverUrl: string;
  readonly statusDeps: StatusDeps;
  readonly lifecycleMetrics: Counter<LifecycleMetricName>;
  readonly webhookMetrics: Counter<WebhookMetricName>;
  readonly logger: CapturingLogger;
  /** Sends a payout message and runs the worker on it; resolves to the payout's Coindirect uuid. */
  submit(reference: string): Promise<string>;
  /** Runs the status function over what the status queue holds, as its event source would (deletes what it acknowledges). */
  drainStatusQueue(
    receiveCountFloor?: number,
  ): Promise<{ readonly received: number; readonly failed: number }>;
  /** Every lifecycle event delivered so far to the capture queue by the bus rule. */
  events(): Promise<DeliveredEvent[]>;
  sweep(options: { readonly stuckAfterMs: number; readonly eventGraceMs: number }): Promise<SweepReport>;
  close(): Promise<void>;
}

export async function startLifecycleRig(options: {
  readonly endpoint: string;
  readonly simulator?: SimulatorOptions;
}): Promise<LifecycleRig> {
  const aws = awsTestEnv(options.endpoint);
  const sqs = new SQSClient(aws);
  const secretsManager = new SecretsManagerClient(aws);
  const eventBridge = new EventBridgeClient(aws);
  const prefix = `lc${randomUUID().slice(0, 8)}`;

  const statusQueueUrl = await queue(sqs, `${prefix}-status`);
  const captureQueueUrl = await queue(sqs, `${prefix}-capture`);
  const webhookSecretId = `${prefix}/webhook-secret`;
  await secretsManager.send(
    new CreateSecretCommand({ Name: webhookSecretId, SecretString: DEFAULT_MERCHANT.secret }),
  );
  const busName = `${prefix}-bus`;
  await eventBridge.send(new CreateEventBusCommand({ Name: busName }));
  await eventBridge.send(
    new PutRuleCommand({
      Name: `${prefix}-all`,
      EventBusName: busName,
      EventPattern: JSON.stringify({ source: ['coindirect.payouts'] }),
    }),
  );
  await eventBridge.send(
    new PutTargetsCommand({
      Rule: `${prefix}-all`,
      EventBusName: busName,
      Targets: [{ Id: 'capture', Arn: await queueArn(sqs, captureQueueUrl) }],
    }),
  );

  const webhookMetrics = new Counter<WebhookMetricName>();
  const logger = new CapturingLogger();
  const receiverDeps = {
    secrets: new WebhookSecrets({ client: secretsManager, secretId: webhookSecretId }),
    statusQueue: sqsStatusQueue(sqs, statusQueueUrl),
    urlParts: ['/', ''],
    maxBodyBytes: 65_536,
  };
  const receiver: FunctionUrlServer = await serveFunctionUrl(
    createWebhookHandler(() => receiverDeps, logger, webhookMetrics),
  );

  const rig = await startRig({
    endpoint: options.endpoint,
    simulator: { ...options.simulator, webhook: { url: receiver.url } },
    env: { EVENT_BUS_NAME: busName },
    overrides: { eventBridge },
  });
  const dynamodb = new DynamoDBClient(aws);
  await addOpenIndex(dynamodb, rig.resources.tableName);

  const lifecycleMetrics = new Counter<LifecycleMetricName>();
  const statusConfig = loadStatusConfig({ ...rig.env, HTTP_TIMEOUT_MS: '2000' });
  const statusDeps = createStatusDeps(statusConfig, logger, lifecycleMetrics, {
    dynamodb,
    secretsManager,
    eventBridge,
  });
  const statusHandler = createStatusHandler(() => ({ ...statusDeps, unconfirmedRetries: 3 }));
  const seen: DeliveredEvent[] = [];

  return {
    rig,
    busName,
    receiverUrl: receiver.url,
    statusDeps,
    lifecycleMetrics,
    webhookMetrics,
    logger,
    async submit(reference) {
      await rig.send(payoutMessage(reference));
      const response = await rig.handler(rig.toEvent(await rig.receive(1)));
      if (response.batchItemFailures.length > 0) throw new Error(`the worker did not submit ${reference}`);
      const uuid = (await rig.ledger(reference))?.uuid;
      if (uuid === undefined) throw new Error(`no uuid in the ledger for ${reference}`);
      return uuid;
    },
    async drainStatusQueue(receiveCountFloor = 1) {
      await rig.sim.flushWebhooks();
      const out = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: statusQueueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
      );
      const messages = out.Messages ?? [];
      if (messages.length === 0) return { received: 0, failed: 0 };
      const response = await statusHandler({
        Records: messages.map((m) => ({
          messageId: m.MessageId ?? '',
          body: m.Body ?? '',
          attributes: {
            ApproximateReceiveCount: String(
              Math.max(receiveCountFloor, Number(m.Attributes?.ApproximateReceiveCount ?? '1')),
            ),
          },
        })),
      });
      const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
      for (const m of messages) {
        if (!failed.has(m.MessageId ?? '')) {
          await sqs.send(
            new DeleteMessageCommand({ QueueUrl: statusQueueUrl, ReceiptHandle: m.ReceiptHandle ?? '' }),
          );
        }
      }
      return { received: messages.length, failed: failed.size };
    },
    async events() {
      for (;;) {
        const out = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: captureQueueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 0,
          }),
        );
        const batch = out.Messages ?? [];
        if (batch.length === 0) return [...seen];
        for (const m of batch) {
          seen.push(JSON.parse(m.Body ?? '{}') as DeliveredEvent);
          await sqs.send(
            new DeleteMessageCommand({ QueueUrl: captureQueueUrl, ReceiptHandle: m.ReceiptHandle ?? '' }),
          );
        }
      }
    },
    sweep: (sweepOptions) => sweepOpenPayouts({ ...statusDeps, ...sweepOptions }),
    async close() {
      await rig.close();
      await receiver.close();
      sqs.destroy();
      dynamodb.destroy();
      secretsManager.destroy();
      eventBridge.destroy();
    },
  };
}

async function queue(sqs: SQSClient, name: string): Promise<string> {
  const out = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  if (!out.QueueUrl) throw new Error(`CreateQueue returned no URL for ${name}`);
  return out.QueueUrl;
}

async function queueArn(sqs: SQSClient, queueUrl: string): Promise<string> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const arn = out.Attributes?.QueueArn;
  if (!arn) throw new Error(`queue ${queueUrl} has no ARN`);
  return arn;
}

/** The stack's sparse open-payouts index, added to the table the worker rig provisioned. */
async function addOpenIndex(dynamodb: DynamoDBClient, tableName: string): Promise<void> {
  await dynamodb.send(
    new UpdateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [
        { AttributeName: 'reference', AttributeType: 'S' },
        { AttributeName: OPEN_INDEX.partitionKey, AttributeType: 'N' },
      ],
      GlobalSecondaryIndexUpdates: [
        {
          Create: {
            IndexName: OPEN_INDEX.indexName,
            KeySchema: [{ AttributeName: OPEN_INDEX.partitionKey, KeyType: 'HASH' }],
            Projection: { ProjectionType: 'ALL' },
          },
        },
      ],
    }),
  );
}
