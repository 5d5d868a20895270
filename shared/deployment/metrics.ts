/**
 * The CloudWatch namespace of every function's EMF metrics: the Lambda runtime's default
 * (functions/lambda-runtime.ts, the worker's `METRICS_NAMESPACE`), what the stack sets, and where its alarms
 * look (infra/constructs/). Not the `CoindirectPayouts-` stack-name prefix, which only happens to read the
 * same (shared/deployment/stacks.ts).
 */
export const PAYOUT_METRICS_NAMESPACE = 'CoindirectPayouts';
