import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { selectEnvironment } from '#infra/config.ts';
import {
  cdkContext,
  environmentNames,
  logicalIdOf,
  synthPayoutApp,
  WORKER_IDS,
} from '../payout-app-fixture.ts';

describe.each(environmentNames)('PayoutAlarms in the worker stack (%s)', (name) => {
  const { config } = selectEnvironment({ env: name, environments: cdkContext.environments });

  const workerMetrics = [
    'CredentialFailure',
    'ConfigurationFailure',
    'InsufficientFunds',
    'PayoutConflict',
    'DailyLimitReached',
  ];

  it.each(workerMetrics)('alarms on the first %s the worker reports within 5 minutes', (metricName) => {
    const { worker } = synthPayoutApp(name);
    const topicId = logicalIdOf(worker, 'AWS::SNS::Topic');

    worker.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'CoindirectPayouts',
      MetricName: metricName,
      Dimensions: [{ Name: 'service', Value: 'payout-worker' }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: topicId }],
    });
  });

  it('alarms on a non-empty DLQ, old messages, Lambda errors and throttles', () => {
    const { worker } = synthPayoutApp(name);
    const dlqId = logicalIdOf(worker, 'AWS::SQS::Queue', {}, WORKER_IDS.deadLetterQueue);
    const queueId = logicalIdOf(worker, 'AWS::SQS::Queue', {}, WORKER_IDS.queue);
    const topicId = logicalIdOf(worker, 'AWS::SNS::Topic');
    const onTopic = { AlarmActions: [{ Ref: topicId }], OKActions: [{ Ref: topicId }] };

    worker.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...onTopic,
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
      Threshold: 1,
    });
    worker.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...onTopic,
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      Threshold: config.alarms.oldestMessageAgeSeconds,
    });
    for (const metricName of ['Errors', 'Throttles']) {
      worker.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...onTopic,
        Namespace: 'AWS/Lambda',
        MetricName: metricName,
        Threshold: 1,
      });
    }
    expect(
      Object.keys(worker.findResources('AWS::CloudWatch::Alarm')).filter((id) => id.startsWith('Alarms')),
    ).toHaveLength(9);
  });

  it('mails the alarm topic to the configured address and requires TLS to publish', () => {
    const { worker } = synthPayoutApp(name);

    worker.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: config.alarms.email,
    });
    worker.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});
