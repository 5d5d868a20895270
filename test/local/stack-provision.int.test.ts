// The provisioning matches the stack: what `npm start` creates on moto, listed back from moto, against
// what the synthesized template defines.
import { randomUUID } from 'node:crypto';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeEventBusCommand,
  EventBridgeClient,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  GetQueueAttributesCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnvelope } from '#local/event-capture.ts';
import { functionOf, planFromTemplate, type StackPlan } from '#local/stack-plan.ts';
import { type ProvisionedStack, provisionStack } from '#local/stack-provision.ts';
import { synthWorkerTemplate } from '#local/stack-template.ts';
import { EVENT_SOURCE } from '#shared/lifecycle/events.ts';
import { awsTestEnv, motoEndpoint } from '#test/support/integration.ts';

const endpoint = motoEndpoint();

describe.skipIf(endpoint === null)('provisioning the stack on moto', () => {
  const aws = awsTestEnv(endpoint ?? 'http://127.0.0.1:1');
  const sqs = new SQSClient(aws);
  const dynamodb = new DynamoDBClient(aws);
  const secretsManager = new SecretsManagerClient(aws);
  const eventBridge = new EventBridgeClient(aws);
  const prefix = `plan${randomUUID().slice(0, 8)}`;
  let plan: StackPlan;
  let stack: ProvisionedStack;

  beforeAll(async () => {
    plan = planFromTemplate(await synthWorkerTemplate('staging'));
    stack = await provisionStack(plan, {
      clients: { sqs, dynamodb, secretsManager, eventBridge },
      prefix,
      secretValues: { HAWK_SECRET_ID: '{"hawkAuthId":"id","hawkAuthKey":"key"}', WEBHOOK_SECRET_ID: 'whsec' },
    });
  });

  afterAll(() => {
    for (const client of [sqs, dynamodb, secretsManager, eventBridge]) client.destroy();
  });

  it('creates each queue of the template with its attributes and redrive policy, plus the capture queue', async () => {
    // Act
    const listed = (await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix }))).QueueUrls ?? [];
    const attributes = new Map(
      await Promise.all(
        listed.map(
          async (url) =>
            [
              url,
              (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] })))
                .Attributes ?? {},
            ] as const,
        ),
      ),
    );

    // Assert
    expect([...listed].sort()).toEqual(
      [...plan.queues.map((q) => stack.resource(q.logicalId).ref), stack.capture.queueUrl].sort(),
    );
    for (const queue of plan.queues) {
      const got = attributes.get(stack.resource(queue.logicalId).ref) ?? {};
      expect(got.MessageRetentionPeriod, queue.logicalId).toBe(String(queue.retentionSeconds));
      if (queue.visibilityTimeoutSeconds !== undefined)
        expect(got.VisibilityTimeout).toBe(String(queue.visibilityTimeoutSeconds));
      if (queue.deadLetter === undefined) {
        expect(got.RedrivePolicy).toBeUndefined();
      } else {
        expect(JSON.parse(got.RedrivePolicy ?? '{}')).toEqual({
          deadLetterTargetArn: stack.resource(queue.deadLetter.logicalId).arn,
          maxReceiveCount: queue.deadLetter.maxReceiveCount,
        });
      }
    }
  });

  it('creates the ledger with its key and the open-payouts index', async () => {
    for (const table of plan.tables) {
      // Act
      const described = await dynamodb.send(
        new DescribeTableCommand({ TableName: stack.resource(table.logicalId).name }),
      );

      // Assert
      expect(described.Table?.KeySchema).toEqual(table.keySchema);
      expect(
        described.Table?.GlobalSecondaryIndexes?.map((i) => ({
          IndexName: i.IndexName,
          KeySchema: i.KeySchema,
          Projection: i.Projection,
        })),
      ).toEqual(table.globalSecondaryIndexes);
    }
  });

  it('creates both secrets, the HAWK key and the webhook secret where the functions look for them', async () => {
    // Arrange
    const env = {
      ...stack.envOf(functionOf(plan, 'payout-worker')),
      ...stack.envOf(functionOf(plan, 'payout-webhook')),
    };

    // Act
    const names = await Promise.all(
      plan.secrets.map(
        async (s) =>
          (
            await secretsManager.send(
              new DescribeSecretCommand({ SecretId: stack.resource(s.logicalId).arn }),
            )
          ).Name,
      ),
    );
    const value = async (secretId: string | undefined) =>
      (await secretsManager.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;

    // Assert
    expect(names.sort()).toEqual(plan.secrets.map((s) => `${prefix}/${s.logicalId}`).sort());
    expect(await value(env.HAWK_SECRET_ID)).toBe('{"hawkAuthId":"id","hawkAuthKey":"key"}');
    expect(await value(env.WEBHOOK_SECRET_ID)).toBe('whsec');
  });

  it('creates the event bus with a rule that delivers the lifecycle events, and only those, to the capture queue', async () => {
    // Arrange
    const busName = stack.envOf(functionOf(plan, 'payout-worker')).EVENT_BUS_NAME;

    // Act
    const bus = await eventBridge.send(new DescribeEventBusCommand({ Name: busName }));
    const rules = (await eventBridge.send(new ListRulesCommand({ EventBusName: busName }))).Rules ?? [];
    const targets = await eventBridge.send(
      new ListTargetsByRuleCommand({ Rule: stack.capture.ruleName, EventBusName: busName }),
    );
    await eventBridge.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: busName,
            Source: 'someone.else',
            DetailType: 'Other',
            Detail: '{"reference":"other-000001","eventId":"other"}',
          },
          {
            EventBusName: busName,
            Source: EVENT_SOURCE,
            DetailType: 'PayoutSubmitted',
            Detail: JSON.stringify({
              reference: 'plan-000001',
              eventId: 'plan-000001:submitted',
              occurredAt: '2026-01-01T00:00:00.000Z',
              status: 'SUBMITTED',
            }),
          },
        ],
      }),
    );
    const delivered = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: stack.capture.queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
      }),
    );

    // Assert
    expect(bus.Name).toBe(`${prefix}-${plan.eventBuses[0]?.name}`);
    expect(rules.map((r) => [r.Name, JSON.parse(r.EventPattern ?? '{}')])).toEqual([
      [stack.capture.ruleName, { source: [EVENT_SOURCE] }],
    ]);
    expect(targets.Targets?.map((t) => t.Arn)).toEqual([stack.capture.queueArn]);
    expect((delivered.Messages ?? []).map((m) => parseEnvelope(m.Body))).toEqual([
      {
        name: 'PayoutSubmitted',
        eventId: 'plan-000001:submitted',
        reference: 'plan-000001',
        occurredAt: '2026-01-01T00:00:00.000Z',
        status: 'SUBMITTED',
      },
    ]);
    const envelope = JSON.parse(delivered.Messages?.[0]?.Body ?? '{}');
    expect(envelope).toMatchObject({ source: EVENT_SOURCE, 'detail-type': 'PayoutSubmitted' });
  });
});
