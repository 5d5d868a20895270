// The cold-start baseline must do the worker's job, or comparing their sizes means nothing: it pays a
// valid payout once across two deliveries and dead-letters an invalid one, against moto and the simulator.
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CREDENTIAL, DEFAULT_MERCHANT } from '#simulator/defaults.ts';
import { startSimulator } from '#simulator/simulator.ts';
import type { Simulator } from '#simulator/types.ts';
import { awsTestEnv, motoEndpoint } from '#test/support/integration.ts';
import { payoutBody, sqsEvent } from '../../bench/lib/payouts.ts';
import { localContext } from '../../local/lambda-context.ts';

const endpoint = motoEndpoint();

describe.skipIf(endpoint === null)('Powertools baseline handler (bench/baselines)', () => {
  let sim: Simulator;
  let dlqUrl: string;
  let handler: (event: SQSEvent, context: ReturnType<typeof localContext>) => Promise<SQSBatchResponse>;
  const sqs = new SQSClient(awsTestEnv(endpoint ?? ''));

  beforeAll(async () => {
    const aws = awsTestEnv(endpoint ?? '');
    const prefix = `baseline-${Date.now()}`;
    sim = await startSimulator({ enforceUniqueReference: false });
    await new DynamoDBClient(aws).send(
      new CreateTableCommand({
        TableName: `${prefix}-idempotency`,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await new SecretsManagerClient(aws).send(
      new CreateSecretCommand({
        Name: `${prefix}/hawk`,
        SecretString: JSON.stringify({
          hawkAuthId: DEFAULT_CREDENTIAL.id,
          hawkAuthKey: DEFAULT_CREDENTIAL.key,
        }),
      }),
    );
    dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-dlq` }))).QueueUrl ?? '';
    // The baseline reads its configuration and builds its clients at import, from the environment.
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      COINDIRECT_BASE_URL: sim.url,
      COINDIRECT_MERCHANT_ID: DEFAULT_MERCHANT.merchantId,
      HAWK_SECRET_ID: `${prefix}/hawk`,
      IDEMPOTENCY_TABLE_NAME: `${prefix}-idempotency`,
      DLQ_URL: dlqUrl,
    });
    ({ handler } = await import('../../bench/baselines/powertools-handler.ts'));
  });
  afterAll(async () => {
    await sim.close();
  });

  it('pays a payout once across two deliveries and dead-letters an invalid message', async () => {
    const first = await handler(
      sqsEvent([payoutBody('baseline-0001'), '{"reference":"baseline-bad-1"}'], 'first'),
      localContext('baseline', 30_000),
    );
    const second = await handler(
      sqsEvent([payoutBody('baseline-0001')], 'second'),
      localContext('baseline', 30_000),
    );
    const letters = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: dlqUrl,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
      }),
    );

    expect(first.batchItemFailures).toEqual([]);
    expect(second.batchItemFailures).toEqual([]);
    expect(sim.createdCount('baseline-0001')).toBe(1);
    expect(letters.Messages?.map((m) => m.Body)).toEqual(['{"reference":"baseline-bad-1"}']);
  });
});
