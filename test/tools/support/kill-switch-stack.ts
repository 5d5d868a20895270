// A worker stack on moto with what `npm run pause` and `npm run resume` act on: a worker function with
// an SQS event source mapping, and an alarm topic whose notices land on a queue the test can read.
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { LambdaClient, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { STACK_OUTPUT, workerStackName } from '#tools/lib/stack.ts';
import { createFakeWorkerStack, inRegion } from './fake-stack.ts';

const LAMBDA_TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

// The mapping's queue is not the payout queue of the test: moto would try to run the (stub) function
// for every message sent to it. The switch only lists and updates the mapping.
const RESOURCES = {
  WorkerQueue: { Type: 'AWS::SQS::Queue' },
  WorkerRole: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: LAMBDA_TRUST } },
  Worker: {
    Type: 'AWS::Lambda::Function',
    Properties: {
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: { 'Fn::GetAtt': ['WorkerRole', 'Arn'] },
      Code: { ZipFile: 'exports.handler = async () => ({ batchItemFailures: [] });' },
    },
  },
  WorkerSource: {
    Type: 'AWS::Lambda::EventSourceMapping',
    Properties: {
      FunctionName: { Ref: 'Worker' },
      EventSourceArn: { 'Fn::GetAtt': ['WorkerQueue', 'Arn'] },
      BatchSize: 10,
    },
  },
  AlarmTopic: { Type: 'AWS::SNS::Topic' },
  Notices: { Type: 'AWS::SQS::Queue' },
};

export interface KillSwitchStack {
  /** The `--env` name of the stack. */
  readonly env: string;
  readonly functionName: string;
  readonly topicArn: string;
  /** The states of the worker function's event source mappings. */
  mappingStates(): Promise<string[]>;
  /** The notices published to the alarm topic since the last call: subject and message. */
  notices(): Promise<Array<{ subject: string; message: string }>>;
}

export interface KillSwitchStackOptions {
  /** Where the stack is made (default moto's us-east-1). */
  readonly region?: string;
  /** The worker function's environment variables, e.g. PAYOUT_DAILY_LIMITS for npm run limits. */
  readonly workerEnvironment?: Readonly<Record<string, string>>;
}

export async function createKillSwitchStack(
  endpoint: string,
  tableName: string,
  options: KillSwitchStackOptions = {},
): Promise<KillSwitchStack> {
  const aws = inRegion(endpoint, options.region);
  const resources =
    options.workerEnvironment === undefined
      ? RESOURCES
      : {
          ...RESOURCES,
          Worker: {
            ...RESOURCES.Worker,
            Properties: {
              ...RESOURCES.Worker.Properties,
              Environment: { Variables: options.workerEnvironment },
            },
          },
        };
  const env = await createFakeWorkerStack(
    endpoint,
    {
      [STACK_OUTPUT.tableName]: tableName,
      [STACK_OUTPUT.functionName]: { Ref: 'Worker' },
      [STACK_OUTPUT.alarmTopicArn]: { Ref: 'AlarmTopic' },
      NoticeQueueUrl: { Ref: 'Notices' },
    },
    resources,
    options.region,
  );
  const cfn = new CloudFormationClient(aws);
  const stack = await cfn
    .send(new DescribeStacksCommand({ StackName: workerStackName(env) }))
    .finally(() => cfn.destroy());
  const output = (key: string) =>
    stack.Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === key)?.OutputValue ?? '';
  const functionName = output(STACK_OUTPUT.functionName);
  const noticeQueueUrl = output('NoticeQueueUrl');
  const lambda = new LambdaClient(aws);
  const sqs = new SQSClient(aws);
  const topicArn = output(STACK_OUTPUT.alarmTopicArn);
  // moto's CloudFormation does not create AWS::SNS::Subscription: subscribe the notice queue here.
  const noticeQueue = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: noticeQueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const sns = new SNSClient(aws);
  await sns
    .send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: noticeQueue.Attributes?.QueueArn,
      }),
    )
    .finally(() => sns.destroy());
  return {
    env,
    functionName,
    topicArn,
    async mappingStates() {
      const out = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: functionName }));
      return (out.EventSourceMappings ?? []).map((m) => m.State ?? '');
    },
    async notices() {
      const out = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: noticeQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      return (out.Messages ?? []).map((m) => {
        const envelope = JSON.parse(m.Body ?? '{}') as { Subject?: string; Message?: string };
        return { subject: envelope.Subject ?? '', message: envelope.Message ?? '' };
      });
    },
  };
}
