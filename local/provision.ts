import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface LocalResources {
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly dlqUrl: string;
  readonly dlqArn: string;
  readonly secretId: string;
  readonly tableName: string;
}

export interface ProvisionOptions {
  readonly sqs: SQSClient;
  readonly dynamodb: DynamoDBClient;
  readonly secretsManager: SecretsManagerClient;
  /** Prefix for every name, so several runs can share one emulator. */
  readonly prefix: string;
  readonly hawk: { readonly hawkAuthId: string; readonly hawkAuthKey: string };
  /** Deliveries before SQS moves a message to the DLQ by itself. Default 10, as in the stack. */
  readonly maxReceiveCount?: number;
  /** Default 180 s: the stack uses at least 6 × the function timeout. */
  readonly visibilityTimeoutSeconds?: number;
}

async function queueArn(sqs: SQSClient, queueUrl: string): Promise<string> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const arn = out.Attributes?.QueueArn;
  if (!arn) throw new Error(`queue ${queueUrl} has no ARN`);
  return arn;
}

/**
 * Creates the worker's part of the stack, on an AWS emulator (moto server) or any SQS/DynamoDB/Secrets
 * Manager endpoint: the payout queue redriving to a DLQ, the HAWK secret, the ledger table (key
 * `reference`). The integration rigs, the benchmarks and the chaos run use it; `npm start` creates the
 * whole stack from its synthesized template instead (stack-plan.ts, stack-provision.ts).
 * Idempotent: existing resources are reused.
 */
export async function provisionLocalResources(options: ProvisionOptions): Promise<LocalResources> {
  const { sqs, dynamodb, secretsManager, prefix } = options;
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-payouts-dlq` }));
  if (!dlq.QueueUrl) throw new Error('CreateQueue returned no URL for the DLQ');
  const dlqArn = await queueArn(sqs, dlq.QueueUrl);
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${prefix}-payouts`,
      Attributes: {
        VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 180),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlqArn,
          maxReceiveCount: options.maxReceiveCount ?? 10,
        }),
      },
    }),
  );
  if (!queue.QueueUrl) throw new Error('CreateQueue returned no URL for the payout queue');

  const secretName = `${prefix}/coindirect-hawk`;
  const secretString = JSON.stringify(options.hawk);
  try {
    await secretsManager.send(new CreateSecretCommand({ Name: secretName, SecretString: secretString }));
  } catch (error) {
    if (!(error instanceof ResourceExistsException)) throw error;
    await secretsManager.send(
      new PutSecretValueCommand({ SecretId: secretName, SecretString: secretString }),
    );
  }

  const tableName = `${prefix}-ledger`;
  try {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: 'reference', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'reference', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));

  return {
    queueUrl: queue.QueueUrl,
    queueArn: await queueArn(sqs, queue.QueueUrl),
    dlqUrl: dlq.QueueUrl,
    dlqArn,
    secretId: secretName,
    tableName,
  };
}
