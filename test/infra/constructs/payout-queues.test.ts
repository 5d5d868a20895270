import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { selectEnvironment } from '#infra/config.ts';
import {
  cdkContext,
  environmentNames,
  logicalIdOf,
  referencedIds,
  synthPayoutApp,
  type TemplateResource,
  WORKER_IDS,
} from '../payout-app-fixture.ts';

describe.each(environmentNames)('PayoutQueues in the worker stack (%s)', (name) => {
  const { config } = selectEnvironment({ env: name, environments: cdkContext.environments });

  it('has a visibility timeout of at least six times the function timeout', () => {
    const { worker } = synthPayoutApp(name);
    const resources = worker.toJSON().Resources as Record<string, TemplateResource>;
    const fnId = logicalIdOf(
      worker,
      'AWS::Lambda::Function',
      { Handler: 'index.handler' },
      WORKER_IDS.function,
    );
    const timeout = resources[fnId]?.Properties?.Timeout as number;

    const queueId = logicalIdOf(worker, 'AWS::SQS::Queue', {}, WORKER_IDS.queue);
    const visibility = resources[queueId]?.Properties?.VisibilityTimeout as number;

    expect(timeout).toBe(config.worker.timeoutSeconds);
    expect(visibility).toBeGreaterThanOrEqual(6 * timeout);
  });

  it('redrives to the DLQ after the configured receive count, and encrypts both queues', () => {
    const { worker } = synthPayoutApp(name);
    const dlqId = logicalIdOf(worker, 'AWS::SQS::Queue', {}, WORKER_IDS.deadLetterQueue);

    worker.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
        maxReceiveCount: config.queue.maxReceiveCount,
      },
      MessageRetentionPeriod: config.queue.retentionDays * 86_400,
      SqsManagedSseEnabled: true,
    });
    worker.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: Match.absent(),
      MessageRetentionPeriod: 14 * 86_400,
      SqsManagedSseEnabled: true,
    });
  });

  it('denies every request made without TLS on both queues', () => {
    const { worker } = synthPayoutApp(name);
    const queueIds = Object.keys(worker.findResources('AWS::SQS::Queue'));

    const policies = Object.values(worker.findResources('AWS::SQS::QueuePolicy')) as TemplateResource[];

    expect(policies.flatMap((policy) => referencedIds(policy.Properties?.Queues)).sort()).toEqual(
      queueIds.sort(),
    );
    for (const policy of policies) {
      expect(policy.Properties?.PolicyDocument).toMatchObject({
        Statement: expect.arrayContaining([
          expect.objectContaining({
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 'sqs:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      });
    }
  });

  it('keeps its messages when the stack is deleted only in production', () => {
    const { worker } = synthPayoutApp(name);
    const policy = config.retainData ? 'Retain' : 'Delete';

    const queues = Object.values(worker.findResources('AWS::SQS::Queue')) as TemplateResource[];

    // The payout queue and DLQ, and the lifecycle's status queue and DLQ.
    expect(queues.map((queue) => queue.DeletionPolicy)).toEqual([policy, policy, policy, policy]);
  });

  it('offers a managed policy that can only send to the payout queue, and outputs its ARN', () => {
    const { worker } = synthPayoutApp(name);
    const queueId = logicalIdOf(worker, 'AWS::SQS::Queue', {}, WORKER_IDS.queue);
    const policyId = logicalIdOf(worker, 'AWS::IAM::ManagedPolicy');

    worker.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
            Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
          },
        ],
      },
      Roles: Match.absent(),
      Users: Match.absent(),
      Groups: Match.absent(),
    });
    worker.hasOutput('ProducerPolicyArn', { Value: { Ref: policyId } });
  });
});
