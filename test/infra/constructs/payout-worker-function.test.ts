import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { selectEnvironment } from '#infra/config.ts';
import {
  cdkContext,
  environmentNames,
  logicalIdOf,
  referencedIds,
  statementsOf,
  synthPayoutApp,
  type TemplateResource,
  WORKER_IDS,
  withoutTracingGrant,
} from '../payout-app-fixture.ts';

describe.each(environmentNames)('PayoutWorkerFunction in the worker stack (%s)', (name) => {
  const { config } = selectEnvironment({ env: name, environments: cdkContext.environments });

  it('runs the newest Node.js runtime on arm64 with source maps enabled', () => {
    const { worker } = synthPayoutApp(name);

    worker.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Timeout: config.worker.timeoutSeconds,
      MemorySize: config.worker.memorySizeMb,
      Environment: { Variables: Match.objectLike({ NODE_OPTIONS: '--enable-source-maps' }) },
    });
  });

  it('is fed by the payout queue with partial batch responses and a concurrency cap', () => {
    const { worker } = synthPayoutApp(name);
    const queueId = logicalIdOf(worker, 'AWS::SQS::Queue', {}, WORKER_IDS.queue);
    const fnId = logicalIdOf(worker, 'AWS::Lambda::Function', {}, WORKER_IDS.function);

    expect(
      Object.keys(
        worker.findResources('AWS::Lambda::EventSourceMapping', {
          Properties: { FunctionName: { Ref: fnId } },
        }),
      ),
    ).toHaveLength(1);
    worker.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fnId },
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: config.worker.maxConcurrency },
      BatchSize: config.worker.batchSize,
    });
  });

  it('runs in the private subnets with a group that allows HTTPS out and nothing else', () => {
    const { worker } = synthPayoutApp(name);
    const privateSubnets = Object.keys(
      worker.findResources('AWS::EC2::Subnet', {
        Properties: { Tags: Match.arrayWith([{ Key: 'aws-cdk:subnet-type', Value: 'Private' }]) },
      }),
    );
    const fnId = logicalIdOf(
      worker,
      'AWS::Lambda::Function',
      { VpcConfig: Match.anyValue() },
      WORKER_IDS.function,
    );
    const fn = worker.toJSON().Resources[fnId] as TemplateResource;
    const vpcConfig = fn.Properties?.VpcConfig as { SubnetIds: unknown; SecurityGroupIds: unknown };

    const groupIds = referencedIds(vpcConfig.SecurityGroupIds);
    const group = worker.toJSON().Resources[groupIds[0] as string] as TemplateResource;

    expect(referencedIds(vpcConfig.SubnetIds).sort()).toEqual(privateSubnets.sort());
    expect(privateSubnets).toHaveLength(config.availabilityZones?.length ?? 2);
    expect(groupIds).toHaveLength(1);
    expect(group.Properties?.SecurityGroupEgress).toEqual([
      expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }),
    ]);
    expect(group.Properties?.SecurityGroupIngress).toBeUndefined();
    worker.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    worker.resourceCountIs('AWS::EC2::SecurityGroupEgress', 0);
  });

  it('gets the environment variables the worker validates at cold start, from this environment', () => {
    const { worker } = synthPayoutApp(name);
    const secretId = logicalIdOf(worker, 'AWS::SecretsManager::Secret', {}, WORKER_IDS.hawkSecret);
    const tableId = logicalIdOf(worker, 'AWS::DynamoDB::Table');
    const dlqId = logicalIdOf(worker, 'AWS::SQS::Queue', {}, WORKER_IDS.deadLetterQueue);
    const busId = logicalIdOf(worker, 'AWS::Events::EventBus');

    worker.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          NODE_OPTIONS: '--enable-source-maps',
          COINDIRECT_BASE_URL: config.coindirect.baseUrl,
          COINDIRECT_MERCHANT_ID: config.coindirect.merchantId,
          ALLOWED_MERCHANT_IDS: config.coindirect.allowedMerchantIds.join(','),
          PAYOUT_MAX_AMOUNTS: JSON.stringify(config.payoutMaxAmounts),
          PAYOUT_DAILY_LIMITS: JSON.stringify(config.dailyLimits),
          ADDRESS_NETWORK: config.coindirect.addressNetwork,
          HAWK_SECRET_ID: { Ref: secretId },
          LEDGER_TABLE_NAME: { Ref: tableId },
          DLQ_URL: { Ref: dlqId },
          RECORD_CONCURRENCY: String(config.worker.recordConcurrency),
          LEASE_SECONDS: String(config.worker.timeoutSeconds + 30),
          HTTP_TIMEOUT_MS: '15000',
          HTTP_CONNECT_TIMEOUT_MS: '3000',
          MAX_BACKOFF_SECONDS: '21600',
          RESEND_SETTLE_SECONDS: String(config.worker.resendSettleSeconds),
          COINDIRECT_MAX_RPS: String(config.worker.coindirectMaxRps),
          WORKER_MAX_CONCURRENCY: String(config.worker.maxConcurrency),
          POWERTOOLS_SERVICE_NAME: 'payout-worker',
          POWERTOOLS_METRICS_NAMESPACE: 'CoindirectPayouts',
          EVENT_BUS_NAME: { Ref: busId },
        },
      },
    });
  });

  it('is granted only its own queue, DLQ, secret, table and event bus, with no wildcard resource but X-Ray', () => {
    const { worker } = synthPayoutApp(name);
    const fnId = logicalIdOf(worker, 'AWS::Lambda::Function', {}, WORKER_IDS.function);
    const roleId = referencedIds((worker.toJSON().Resources[fnId] as TemplateResource).Properties?.Role)[0];
    const queueId = logicalIdOf(worker, 'AWS::SQS::Queue', {}, WORKER_IDS.queue);
    const dlqId = logicalIdOf(worker, 'AWS::SQS::Queue', {}, WORKER_IDS.deadLetterQueue);
    const secretId = logicalIdOf(worker, 'AWS::SecretsManager::Secret', {}, WORKER_IDS.hawkSecret);
    const tableId = logicalIdOf(worker, 'AWS::DynamoDB::Table');
    const busId = logicalIdOf(worker, 'AWS::Events::EventBus');

    const grants = withoutTracingGrant(
      statementsOf(worker.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } })),
    ).flatMap((statement) => {
      expect(statement.Effect).toBe('Allow');
      expect(JSON.stringify(statement.Resource)).not.toMatch(/"\*"|:\*"/);
      const resources = referencedIds(statement.Resource);
      return [statement.Action].flat().flatMap((action) => resources.map((id) => `${action} ${id}`));
    });

    expect(new Set(grants)).toEqual(
      new Set([
        ...[
          'ReceiveMessage',
          'DeleteMessage',
          'ChangeMessageVisibility',
          'GetQueueAttributes',
          'GetQueueUrl',
        ].map((action) => `sqs:${action} ${queueId}`),
        ...['SendMessage', 'GetQueueAttributes', 'GetQueueUrl'].map((action) => `sqs:${action} ${dlqId}`),
        `secretsmanager:GetSecretValue ${secretId}`,
        `secretsmanager:DescribeSecret ${secretId}`,
        ...['GetItem', 'PutItem', 'UpdateItem', 'Query'].map((action) => `dynamodb:${action} ${tableId}`),
        `events:PutEvents ${busId}`,
      ]),
    );
  });
});
