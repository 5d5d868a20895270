import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { selectEnvironment } from '#infra/config.ts';
import { InfraConfigError } from '#infra/errors.ts';
import {
  cdkContext,
  environmentNames,
  logicalIdOf,
  rawEnvironment,
  referencedIds,
  statementsOf,
  synthPayoutApp,
  type TemplateResource,
  WORKER_IDS,
  withoutTracingGrant,
} from '../payout-app-fixture.ts';

const RECEIVER = 'WebhookReceiverFunction';
const STATUS = 'LifecycleStatusFunction';
const SWEEP = 'LifecycleSweepFunction';

const resource = (template: Template, id: string) => template.toJSON().Resources[id] as TemplateResource;

/** Every `action resource` pair granted to the role of function `fnId` but X-Ray's, checking none is a wildcard. */
function grantsOf(template: Template, fnId: string): Set<string> {
  const roleId = referencedIds(resource(template, fnId).Properties?.Role)[0];
  const statements = withoutTracingGrant(
    statementsOf(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } })),
  );
  return new Set(
    statements.flatMap((statement) => {
      expect(statement.Effect).toBe('Allow');
      expect(JSON.stringify(statement.Resource)).not.toMatch(/"\*"|\/\*"|:\*"/);
      const suffix = JSON.stringify(statement.Resource).match(/\/index\/[A-Za-z]+/)?.[0] ?? '';
      const ids = referencedIds(statement.Resource);
      return [statement.Action].flat().flatMap((action) => ids.map((id) => `${action} ${id}${suffix}`));
    }),
  );
}

describe.each(environmentNames)('payout lifecycle in the worker stack (%s)', (name) => {
  const { config } = selectEnvironment({ env: name, environments: cdkContext.environments });

  it('runs the webhook receiver outside the VPC behind a Function URL with auth NONE, and outputs the URL', () => {
    const { worker } = synthPayoutApp(name);
    const fnId = logicalIdOf(worker, 'AWS::Lambda::Function', {}, RECEIVER);
    const urlId = logicalIdOf(worker, 'AWS::Lambda::Url');

    expect(resource(worker, fnId).Properties?.VpcConfig).toBeUndefined();
    worker.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      InvokeMode: 'BUFFERED',
      TargetFunctionArn: { 'Fn::GetAtt': [fnId, 'Arn'] },
    });
    worker.hasOutput('WebhookUrl', {
      Value: { 'Fn::GetAtt': [urlId, 'FunctionUrl'] },
      Description: Match.stringLikeRegexp('Register exactly this URL'),
    });
    worker.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: 5,
      Environment: {
        Variables: Match.objectLike({
          WEBHOOK_SECRET_ID: { Ref: logicalIdOf(worker, 'AWS::SecretsManager::Secret', {}, 'WebhookSecret') },
          POWERTOOLS_SERVICE_NAME: 'payout-webhook',
          WEBHOOK_URL: Match.absent(),
        }),
      },
    });
  });

  it('grants the receiver only reading the webhook secret and sending to the status queue', () => {
    const { worker } = synthPayoutApp(name);
    const secretId = logicalIdOf(worker, 'AWS::SecretsManager::Secret', {}, 'WebhookSecret');
    const queueId = logicalIdOf(worker, 'AWS::SQS::Queue', {}, 'StatusQueuesStatusQueue');

    const grants = grantsOf(worker, logicalIdOf(worker, 'AWS::Lambda::Function', {}, RECEIVER));

    expect(grants).toEqual(
      new Set([
        `secretsmanager:GetSecretValue ${secretId}`,
        `secretsmanager:DescribeSecret ${secretId}`,
        ...['SendMessage', 'GetQueueAttributes', 'GetQueueUrl'].map((action) => `sqs:${action} ${queueId}`),
      ]),
    );
  });

  it('creates the webhook secret empty, describing the forms its value may take', () => {
    const { worker } = synthPayoutApp(name);

    worker.hasResourceProperties('AWS::SecretsManager::Secret', {
      Description: Match.stringLikeRegexp('webhook secret.*plain string.*"webhookSecret"'),
      GenerateSecretString: Match.absent(),
      SecretString: Match.absent(),
    });
    worker.hasOutput('WebhookSecretArn', {});
  });

  it('queues verified webhooks on an encrypted status queue that redrives to its DLQ', () => {
    const { worker } = synthPayoutApp(name);
    const dlqId = logicalIdOf(worker, 'AWS::SQS::Queue', {}, 'StatusQueuesStatusDeadLetterQueue');
    const statusTimeout = resource(worker, logicalIdOf(worker, 'AWS::Lambda::Function', {}, STATUS))
      .Properties?.Timeout as number;

    worker.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
        maxReceiveCount: config.lifecycle.statusMaxReceiveCount,
      },
      VisibilityTimeout: 6 * statusTimeout,
      SqsManagedSseEnabled: true,
    });
  });

  it('runs the status function and the sweep in the private subnets with the HTTPS-only group', () => {
    const { worker } = synthPayoutApp(name);
    const workerFn = resource(worker, logicalIdOf(worker, 'AWS::Lambda::Function', {}, WORKER_IDS.function));

    for (const prefix of [STATUS, SWEEP]) {
      const fn = resource(worker, logicalIdOf(worker, 'AWS::Lambda::Function', {}, prefix));
      expect(fn.Properties?.VpcConfig).toEqual(workerFn.Properties?.VpcConfig);
      expect(fn.Properties?.Environment).toMatchObject({
        Variables: {
          COINDIRECT_BASE_URL: config.coindirect.baseUrl,
          EVENT_BUS_NAME: { Ref: logicalIdOf(worker, 'AWS::Events::EventBus') },
          STUCK_AFTER_MINUTES: String(config.lifecycle.stuckAfterMinutes),
        },
      });
    }
  });

  it('feeds the status function from the status queue with partial batch responses', () => {
    const { worker } = synthPayoutApp(name);

    worker.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalIdOf(worker, 'AWS::Lambda::Function', {}, STATUS) },
      EventSourceArn: {
        'Fn::GetAtt': [logicalIdOf(worker, 'AWS::SQS::Queue', {}, 'StatusQueuesStatusQueue'), 'Arn'],
      },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('grants the status function and the sweep only the ledger, the HAWK key and the bus (and the sweep its index)', () => {
    const { worker } = synthPayoutApp(name);
    const tableId = logicalIdOf(worker, 'AWS::DynamoDB::Table');
    const secretId = logicalIdOf(worker, 'AWS::SecretsManager::Secret', {}, WORKER_IDS.hawkSecret);
    const busId = logicalIdOf(worker, 'AWS::Events::EventBus');
    const queueId = logicalIdOf(worker, 'AWS::SQS::Queue', {}, 'StatusQueuesStatusQueue');
    const shared = [
      `dynamodb:GetItem ${tableId}`,
      `dynamodb:UpdateItem ${tableId}`,
      `secretsmanager:GetSecretValue ${secretId}`,
      `secretsmanager:DescribeSecret ${secretId}`,
      `events:PutEvents ${busId}`,
    ];

    const status = grantsOf(worker, logicalIdOf(worker, 'AWS::Lambda::Function', {}, STATUS));
    const sweep = grantsOf(worker, logicalIdOf(worker, 'AWS::Lambda::Function', {}, SWEEP));

    expect(status).toEqual(
      new Set([
        ...shared,
        ...[
          'ReceiveMessage',
          'ChangeMessageVisibility',
          'GetQueueUrl',
          'DeleteMessage',
          'GetQueueAttributes',
        ].map((action) => `sqs:${action} ${queueId}`),
      ]),
    );
    expect(sweep).toEqual(new Set([...shared, `dynamodb:Scan ${tableId}/index/OpenPayouts`]));
  });

  it('runs the sweep on the configured schedule', () => {
    const { worker } = synthPayoutApp(name);
    const sweepId = logicalIdOf(worker, 'AWS::Lambda::Function', {}, SWEEP);

    worker.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: config.lifecycle.sweepIntervalMinutes === 60 ? 'rate(1 hour)' : Match.anyValue(),
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [sweepId, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 0 },
        }),
      ],
    });
  });

  it('adds the sparse open-payouts index to the ledger, keyed on openSince', () => {
    const { worker } = synthPayoutApp(name);

    worker.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'reference', KeyType: 'HASH' }],
      AttributeDefinitions: [
        { AttributeName: 'reference', AttributeType: 'S' },
        { AttributeName: 'openSince', AttributeType: 'N' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'OpenPayouts',
          KeySchema: [{ AttributeName: 'openSince', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
  });

  it('creates the lifecycle event bus, outputs its name and ARN, and lets the worker publish to it', () => {
    const { worker } = synthPayoutApp(name);
    const busId = logicalIdOf(worker, 'AWS::Events::EventBus');

    worker.hasResourceProperties('AWS::Events::EventBus', { Name: `coindirect-payouts-${name}` });
    worker.resourceCountIs('AWS::Events::EventBusPolicy', 0);
    worker.hasOutput('EventBusName', { Value: { Ref: busId } });
    worker.hasOutput('EventBusArn', { Value: { 'Fn::GetAtt': [busId, 'Arn'] } });
    expect(grantsOf(worker, logicalIdOf(worker, 'AWS::Lambda::Function', {}, WORKER_IDS.function))).toContain(
      `events:PutEvents ${busId}`,
    );
  });

  it('alarms on stuck payouts, unpublished events, the status DLQ, failing functions and webhook failures', () => {
    const { worker } = synthPayoutApp(name);
    const topicId = logicalIdOf(worker, 'AWS::SNS::Topic');
    const onTopic = { AlarmActions: [{ Ref: topicId }], OKActions: [{ Ref: topicId }] };
    const period = config.lifecycle.sweepIntervalMinutes * 60;

    const alarms = Object.keys(worker.findResources('AWS::CloudWatch::Alarm')).filter((id) =>
      id.startsWith('LifecycleAlarms'),
    );

    expect(alarms).toHaveLength(7);
    for (const metricName of ['StuckPayouts', 'UnpublishedLifecycleEvents']) {
      worker.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...onTopic,
        Namespace: 'CoindirectPayouts',
        MetricName: metricName,
        Dimensions: [{ Name: 'service', Value: 'payout-sweep' }],
        Statistic: 'Maximum',
        Period: period,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'ignore',
      });
    }
    worker.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...onTopic,
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: {
            'Fn::GetAtt': [
              logicalIdOf(worker, 'AWS::SQS::Queue', {}, 'StatusQueuesStatusDeadLetterQueue'),
              'QueueName',
            ],
          },
        },
      ],
      Threshold: 1,
    });
    worker.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...onTopic,
      MetricName: 'WebhookSignatureInvalid',
      Dimensions: [{ Name: 'service', Value: 'payout-webhook' }],
      Period: 900,
      Threshold: 5,
    });
    worker.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...onTopic,
      Namespace: 'AWS/Lambda',
      MetricName: 'Url5xxCount',
      Dimensions: [
        { Name: 'FunctionName', Value: { Ref: logicalIdOf(worker, 'AWS::Lambda::Function', {}, RECEIVER) } },
      ],
    });
  });
});

describe.each(environmentNames)('webhook receiver concurrency (%s)', (name) => {
  it('reserves concurrency for the receiver in every environment, a default when cdk.json sets none', () => {
    const { config } = selectEnvironment({ env: name, environments: cdkContext.environments });
    const unset = { ...rawEnvironment(name), webhook: {} };

    const deployed = synthPayoutApp(name).worker;
    const defaulted = synthPayoutApp(name, { environment: unset }).worker;

    const reserved = (template: Template) =>
      resource(template, logicalIdOf(template, 'AWS::Lambda::Function', {}, RECEIVER)).Properties
        ?.ReservedConcurrentExecutions;
    expect(reserved(deployed)).toBe(config.webhook.reservedConcurrency);
    expect(reserved(deployed)).toBeGreaterThan(0);
    expect(reserved(defaulted)).toBe(5);
  });
});

describe('payout lifecycle config', () => {
  it('passes the registered URL and the reserved concurrency to the receiver, and the sweep its interval', () => {
    const environment = {
      ...rawEnvironment('staging'),
      webhook: { registeredUrl: 'https://hooks.example.com/coindirect?env=staging', reservedConcurrency: 5 },
      lifecycle: { stuckAfterMinutes: 30, sweepIntervalMinutes: 15 },
    };

    const { worker } = synthPayoutApp('staging', { environment });

    worker.hasResourceProperties('AWS::Lambda::Function', {
      ReservedConcurrentExecutions: 5,
      Environment: {
        Variables: Match.objectLike({ WEBHOOK_URL: 'https://hooks.example.com/coindirect?env=staging' }),
      },
    });
    worker.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(15 minutes)' });
    worker.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ STUCK_AFTER_MINUTES: '30' }) },
    });
    worker.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'StuckPayouts', Period: 900 });
  });

  it('uses an existing webhook secret by name without creating one', () => {
    const environment = { ...rawEnvironment('staging'), webhook: { secretImportName: 'coindirect/webhook' } };

    const { worker } = synthPayoutApp('staging', { environment });

    expect(
      Object.keys(worker.findResources('AWS::SecretsManager::Secret')).filter((id) =>
        id.startsWith('WebhookSecret'),
      ),
    ).toEqual([]);
    worker.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ WEBHOOK_SECRET_ID: 'coindirect/webhook' }) },
    });
  });

  it('applies the defaults when cdk.json has no webhook or lifecycle block', () => {
    const { webhook: _webhook, lifecycle: _lifecycle, ...block } = rawEnvironment('staging');

    const { config } = selectEnvironment({ env: 'staging', environments: { staging: block } });

    expect(config.webhook).toEqual({ reservedConcurrency: 5 });
    expect(config.lifecycle).toEqual({
      stuckAfterMinutes: 60,
      sweepIntervalMinutes: 60,
      statusMaxReceiveCount: 10,
    });
  });

  it('refuses a registered URL that is not https, and names the allowed fields next to an unknown one', () => {
    const block = {
      ...rawEnvironment('staging'),
      webhook: { registeredUrl: 'http://hooks.example.com/coindirect' },
      lifecycle: { stuckAfter: 30 },
    };

    let error: unknown;
    try {
      selectEnvironment({ env: 'staging', environments: { staging: block } });
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(InfraConfigError);
    expect((error as InfraConfigError).problems).toEqual([
      'webhook.registeredUrl: expected the https URL registered at Coindirect; received "http://hooks.example.com/coindirect"',
      'lifecycle: unknown field(s) "stuckAfter"; allowed fields: stuckAfterMinutes, sweepIntervalMinutes, statusMaxReceiveCount',
    ]);
  });
});
