/**
 * Names of the deployed stacks and the worker stack's output keys: the CDK app defines them
 * (infra/payout-app.ts, infra/stacks/worker-stack.ts) and the operator tools read them (tools/lib/stack.ts).
 * No imports here: the tools load this module, and must not load aws-cdk-lib with it.
 */

/** First part of every stack name. Not the metrics namespace, which only happens to read the same. */
export const STACK_NAME_PREFIX = 'CoindirectPayouts';

/** An environment name of `cdk.json`, as `--env` takes it: letters, digits and dashes. */
export const ENVIRONMENT_NAME = /^[A-Za-z0-9-]{1,64}$/;

/** The stacks of one environment: `CoindirectPayouts-<env>-EgressIps` and `CoindirectPayouts-<env>-Worker`. */
export const stackNames = (environmentName: string) =>
  ({
    egressIps: `${STACK_NAME_PREFIX}-${environmentName}-EgressIps`,
    worker: `${STACK_NAME_PREFIX}-${environmentName}-Worker`,
  }) as const;

/** The worker stack's name for an environment. */
export function workerStackName(environmentName: string): string {
  return stackNames(environmentName).worker;
}

/** Output keys of the worker stack (its `CfnOutput` ids), apart from the numbered {@link egressIpOutput}s. */
export const WORKER_STACK_OUTPUTS = {
  payoutQueueUrl: 'PayoutQueueUrl',
  payoutQueueArn: 'PayoutQueueArn',
  deadLetterQueueUrl: 'DeadLetterQueueUrl',
  hawkSecretArn: 'HawkSecretArn',
  ledgerTableName: 'LedgerTableName',
  alarmTopicArn: 'AlarmTopicArn',
  producerPolicyArn: 'ProducerPolicyArn',
  workerFunctionName: 'WorkerFunctionName',
  webhookUrl: 'WebhookUrl',
  webhookSecretArn: 'WebhookSecretArn',
  eventBusName: 'EventBusName',
  eventBusArn: 'EventBusArn',
  statusDeadLetterQueueUrl: 'StatusDeadLetterQueueUrl',
} as const;

/** Output key of the worker stack's egress IP number `index + 1` (`EgressIp1`, `EgressIp2`, …). */
export const egressIpOutput = (index: number): string => `EgressIp${index + 1}`;
