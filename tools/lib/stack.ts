// The deployed stack as the tools see it: outputs of `CoindirectPayouts-<env>-Worker` and the worker
// function's own settings. Stack names and output keys: shared/deployment/stacks.ts, as the CDK app uses them.
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ENVIRONMENT_NAME, WORKER_STACK_OUTPUTS } from '#shared/deployment/stacks.ts';
import { CliError, UsageError } from './errors.ts';

export { workerStackName } from '#shared/deployment/stacks.ts';

/**
 * SDK client settings; empty means the SDK's defaults (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, …).
 * The commands build them from `--profile`, `--region` and `--endpoint-url` (aws-flags.ts).
 */
export interface AwsOptions {
  /** A profile of the shared config files: the SDK takes its credentials and, without `region`, its region. */
  readonly profile?: string;
  readonly region?: string;
  readonly endpoint?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** Output keys of the worker stack the tools read. */
export const STACK_OUTPUT = {
  queueUrl: WORKER_STACK_OUTPUTS.payoutQueueUrl,
  dlqUrl: WORKER_STACK_OUTPUTS.deadLetterQueueUrl,
  secretArn: WORKER_STACK_OUTPUTS.hawkSecretArn,
  tableName: WORKER_STACK_OUTPUTS.ledgerTableName,
  functionName: WORKER_STACK_OUTPUTS.workerFunctionName,
  alarmTopicArn: WORKER_STACK_OUTPUTS.alarmTopicArn,
} as const;
export type StackOutputKey = (typeof STACK_OUTPUT)[keyof typeof STACK_OUTPUT];

/** Reads a deployed stack's outputs once; `require` says which flag to pass when one is missing. */
export class StackOutputs {
  readonly stackName: string;
  readonly #outputs: ReadonlyMap<string, string>;

  constructor(stackName: string, outputs: ReadonlyMap<string, string>) {
    this.stackName = stackName;
    this.#outputs = outputs;
  }

  get(key: StackOutputKey): string | undefined {
    return this.#outputs.get(key);
  }

  require(key: StackOutputKey, flag: string): string {
    const value = this.#outputs.get(key);
    if (value === undefined || value === '') {
      throw new CliError(
        `stack ${this.stackName} has no output ${key} (deployed from an older version?): redeploy it, or pass ${flag}`,
      );
    }
    return value;
  }
}

export async function readStackOutputs(aws: AwsOptions, stackName: string): Promise<StackOutputs> {
  const cfn = new CloudFormationClient(aws);
  try {
    const out = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = out.Stacks?.[0];
    if (stack === undefined) throw notFound(stackName);
    const outputs = new Map<string, string>();
    for (const output of stack.Outputs ?? []) {
      if (output.OutputKey !== undefined && output.OutputValue !== undefined) {
        outputs.set(output.OutputKey, output.OutputValue);
      }
    }
    return new StackOutputs(stackName, outputs);
  } catch (error) {
    if (error instanceof Error && error.name === 'ValidationError' && /does not exist/.test(error.message)) {
      throw notFound(stackName, error);
    }
    throw error;
  } finally {
    cfn.destroy();
  }
}

function notFound(stackName: string, cause?: unknown): CliError {
  return new CliError(
    `stack ${stackName} was not found. Check --profile and --region (or AWS_PROFILE and AWS_REGION: the stack's account and region), deploy it ` +
      '(docs/operations.md, "Deploy"), or name the resource with a flag instead of --env (see --help).',
    { cause },
  );
}

/** The worker Lambda's environment variables (no secrets live there: the HAWK key is in Secrets Manager). */
export async function readWorkerEnvironment(
  aws: AwsOptions,
  functionName: string,
): Promise<Record<string, string>> {
  const lambda = new LambdaClient(aws);
  try {
    const out = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
    return { ...(out.Environment?.Variables ?? {}) };
  } finally {
    lambda.destroy();
  }
}

/** `--env` names an environment of `cdk.json`: letters, digits and dashes. */
export function checkEnvironmentName(name: string): string {
  if (!ENVIRONMENT_NAME.test(name)) {
    throw new UsageError(`--env must be an environment name from cdk.json such as "staging", got "${name}"`);
  }
  return name;
}
