// Creates a stack plan (stack-plan.ts) on moto: every queue with its attributes and redrive policy, the
// tables with their keys and indexes, the secrets, the event buses; plus what a producer would add, a rule
// on each bus copying the lifecycle events to a capture queue. Then resolves each function's resource
// variables to the local names, URLs and ARNs, as CloudFormation resolves them for Lambda.
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateEventBusCommand,
  type EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { EVENT_SOURCE } from '#shared/lifecycle/events.ts';
import type { CreatedType, PlannedFunction, StackPlan } from './stack-plan.ts';

export interface StackClients {
  readonly sqs: SQSClient;
  readonly dynamodb: DynamoDBClient;
  readonly secretsManager: SecretsManagerClient;
  readonly eventBridge: EventBridgeClient;
}

/** One created resource and what `Ref` and `Fn::GetAtt … Arn` resolve to locally. */
export interface ProvisionedResource {
  readonly logicalId: string;
  readonly type: CreatedType;
  /** The local name (queue, table, secret or bus name). */
  readonly name: string;
  /** What CloudFormation's `Ref` gives: queue URL, table name, secret ARN, bus name. */
  readonly ref: string;
  readonly arn: string;
}

/** The queue every lifecycle event lands in (a producer's rule), for the results and `--keep-running`. */
export interface EventCapture {
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly ruleName: string;
  readonly busName: string;
}

export interface ProvisionedStack {
  readonly resources: ReadonlyMap<string, ProvisionedResource>;
  readonly capture: EventCapture;
  /** One created resource by logical ID; throws when there is none. */
  resource(logicalId: string): ProvisionedResource;
  /** A function's resource variables with their local values, e.g. `{LEDGER_TABLE_NAME: 'local-…'}`. */
  envOf(fn: PlannedFunction): Record<string, string>;
}

export interface ProvisionStackOptions {
  readonly clients: StackClients;
  /** Prefix of every local name, so several runs can share one emulator. */
  readonly prefix: string;
  /**
   * Secret values by the variable that names the secret, e.g. `{HAWK_SECRET_ID: '{"hawkAuthId":…}'}`.
   * A secret no function names this way is created empty, as the stack creates it.
   */
  readonly secretValues: Readonly<Record<string, string>>;
}

/** Creates the plan's resources and the event capture on moto (or any endpoint with these APIs). */
export async function provisionStack(
  plan: StackPlan,
  options: ProvisionStackOptions,
): Promise<ProvisionedStack> {
  const { clients, prefix } = options;
  const resources = new Map<string, ProvisionedResource>();
  const resource = (logicalId: string): ProvisionedResource => {
    const found = resources.get(logicalId);
    if (found === undefined) throw new Error(`no local resource for ${logicalId}`);
    return found;
  };

  for (const queue of plan.queues) {
    const name = `${prefix}-${queue.logicalId}`;
    const attributes: Record<string, string> = {};
    if (queue.visibilityTimeoutSeconds !== undefined)
      attributes.VisibilityTimeout = String(queue.visibilityTimeoutSeconds);
    if (queue.retentionSeconds !== undefined)
      attributes.MessageRetentionPeriod = String(queue.retentionSeconds);
    if (queue.sqsManagedSse !== undefined) attributes.SqsManagedSseEnabled = String(queue.sqsManagedSse);
    if (queue.deadLetter !== undefined) {
      attributes.RedrivePolicy = JSON.stringify({
        deadLetterTargetArn: resource(queue.deadLetter.logicalId).arn,
        maxReceiveCount: queue.deadLetter.maxReceiveCount,
      });
    }
    const { url, arn } = await createQueue(clients.sqs, name, attributes);
    resources.set(queue.logicalId, {
      logicalId: queue.logicalId,
      type: 'AWS::SQS::Queue',
      name,
      ref: url,
      arn,
    });
  }

  for (const table of plan.tables) {
    const name = `${prefix}-${table.logicalId}`;
    const out = await clients.dynamodb.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [...table.keySchema],
        AttributeDefinitions: [...table.attributeDefinitions],
        ...(table.globalSecondaryIndexes.length === 0
          ? {}
          : {
              GlobalSecondaryIndexes: table.globalSecondaryIndexes.map((index) => ({
                IndexName: index.IndexName,
                KeySchema: [...index.KeySchema],
                Projection: { ...index.Projection },
              })),
            }),
      }),
    );
    const arn = out.TableDescription?.TableArn;
    if (arn === undefined) throw new Error(`CreateTable returned no ARN for ${name}`);
    resources.set(table.logicalId, {
      logicalId: table.logicalId,
      type: 'AWS::DynamoDB::Table',
      name,
      ref: name,
      arn,
    });
  }

  const secretValue = secretValuesByLogicalId(plan, options.secretValues);
  for (const secret of plan.secrets) {
    const name = `${prefix}/${secret.logicalId}`;
    const value = secretValue.get(secret.logicalId);
    const out = await clients.secretsManager.send(
      new CreateSecretCommand({ Name: name, ...(value === undefined ? {} : { SecretString: value }) }),
    );
    if (out.ARN === undefined) throw new Error(`CreateSecret returned no ARN for ${name}`);
    resources.set(secret.logicalId, {
      logicalId: secret.logicalId,
      type: 'AWS::SecretsManager::Secret',
      name,
      ref: out.ARN,
      arn: out.ARN,
    });
  }

  for (const bus of plan.eventBuses) {
    const name = `${prefix}-${bus.name}`;
    const out = await clients.eventBridge.send(new CreateEventBusCommand({ Name: name }));
    if (out.EventBusArn === undefined) throw new Error(`CreateEventBus returned no ARN for ${name}`);
    resources.set(bus.logicalId, {
      logicalId: bus.logicalId,
      type: 'AWS::Events::EventBus',
      name,
      ref: name,
      arn: out.EventBusArn,
    });
  }

  const capture = await createCapture(
    clients,
    prefix,
    plan.eventBuses.map((b) => resource(b.logicalId).name),
  );
  return {
    resources,
    capture,
    resource,
    envOf(fn) {
      const env: Record<string, string> = {};
      for (const [variable, ref] of Object.entries(fn.resourceEnv)) {
        const target = resource(ref.logicalId);
        env[variable] = ref.attribute === 'Ref' ? target.ref : target.arn;
      }
      return env;
    },
  };
}

/** Which secret gets which value: the one a function's `HAWK_SECRET_ID` names gets that variable's value. */
function secretValuesByLogicalId(
  plan: StackPlan,
  byVariable: Readonly<Record<string, string>>,
): Map<string, string> {
  const values = new Map<string, string>();
  for (const fn of plan.functions) {
    for (const [variable, ref] of Object.entries(fn.resourceEnv)) {
      const value = byVariable[variable];
      if (value !== undefined && plan.secrets.some((s) => s.logicalId === ref.logicalId)) {
        values.set(ref.logicalId, value);
      }
    }
  }
  return values;
}

async function createQueue(
  sqs: SQSClient,
  name: string,
  attributes: Record<string, string>,
): Promise<{ url: string; arn: string }> {
  const out = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (!out.QueueUrl) throw new Error(`CreateQueue returned no URL for ${name}`);
  const got = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: out.QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const arn = got.Attributes?.QueueArn;
  if (!arn) throw new Error(`queue ${name} has no ARN`);
  return { url: out.QueueUrl, arn };
}

/**
 * Delivers the whole event, the same envelope a target without a transformer gets. It is there for moto:
 * without a transformer moto builds eight JSONPath parsers per event and target (about 0.2 s of CPU), which
 * under load pushes PutEvents past the publisher's 3 s timeout; with one path it costs a fifth of that.
 */
const WHOLE_EVENT = {
  InputPathsMap: { time: '$.time' },
  InputTemplate: '<aws.events.event.json>',
};

async function createCapture(
  clients: StackClients,
  prefix: string,
  busNames: readonly string[],
): Promise<EventCapture> {
  const busName = busNames[0];
  if (busName === undefined || busNames.length > 1) {
    throw new Error(`expected one event bus in the stack, found ${busNames.length}`);
  }
  const { url, arn } = await createQueue(clients.sqs, `${prefix}-event-capture`, {});
  const ruleName = `${prefix}-capture-lifecycle-events`;
  await clients.eventBridge.send(
    new PutRuleCommand({
      Name: ruleName,
      EventBusName: busName,
      EventPattern: JSON.stringify({ source: [EVENT_SOURCE] }),
      Description: 'npm start: every lifecycle event to the capture queue, as a producer rule would',
    }),
  );
  await clients.eventBridge.send(
    new PutTargetsCommand({
      Rule: ruleName,
      EventBusName: busName,
      Targets: [{ Id: 'capture', Arn: arn, InputTransformer: WHOLE_EVENT }],
    }),
  );
  return { queueUrl: url, queueArn: arn, ruleName, busName };
}
