// What `npm run deploy` and `npm run diff` run, as data: the cdk invocation (arguments and environment)
// built from the flags, the environment and cdk.json, with no process started. run-deploy.ts executes it.
import { stackNames } from '#shared/deployment/stacks.ts';
import type { AwsTarget } from '../lib/aws-flags.ts';
import { UsageError } from '../lib/errors.ts';

export type CdkAction = 'deploy' | 'diff';

// The AWS CLI's `--profile` and `--region`, resolved and checked as every operator command does.
export { type AwsTarget, resolveAwsTarget } from '../lib/aws-flags.ts';

/** One run of the project's aws-cdk CLI. */
export interface CdkInvocation {
  /** The CLI, relative to the project directory: the version package.json pins, not a global one. */
  readonly command: string;
  readonly args: readonly string[];
  /** Variables set for the child on top of this process's environment. */
  readonly env: Readonly<Record<string, string>>;
}

export interface DeployPlan {
  readonly action: CdkAction;
  readonly environment: string;
  /** The stacks, in the order they deploy: the EgressIps stack first (the worker reads its outputs). */
  readonly stacks: readonly string[];
  readonly invocations: readonly CdkInvocation[];
  /** `deploy` only: where cdk writes the stack outputs, relative to the project directory. */
  readonly outputsFile: string | undefined;
}

export interface PlanInput {
  readonly action: CdkAction;
  readonly environment: string;
  /** The environment's `region` in cdk.json, which pins its stacks there. */
  readonly configuredRegion: string | undefined;
  /** True when cdk.json `egress.eipAllocationIds` adopts existing Elastic IPs: no EgressIps stack then. */
  readonly adoptsElasticIps: boolean;
  readonly aws: AwsTarget;
  /** `--yes`: no approval prompt (`--require-approval never`). */
  readonly yes: boolean;
}

export const CDK_CLI = 'node_modules/.bin/cdk';

/** Where `npm run deploy` has cdk write the outputs of an environment's stacks. */
export const outputsFileOf = (environment: string) => `cdk.out/outputs-${environment}.json`;

/**
 * The cdk run for a deploy or a diff: one invocation naming the environment's stacks, the EgressIps stack
 * first. cdk synthesizes once and deploys in dependency order (the worker depends on the EgressIps stack
 * through its allocation IDs), stopping at the first stack that fails.
 *
 * @throws UsageError when `--region` contradicts the region cdk.json pins the environment to (cdk would
 *   deploy there anyway, so the flag would only mislead).
 */
export function planCdk(input: PlanInput): DeployPlan {
  const { action, environment, aws } = input;
  if (
    aws.regionSource === '--region' &&
    input.configuredRegion !== undefined &&
    aws.region !== input.configuredRegion
  ) {
    throw new UsageError(
      `--region ${aws.region} contradicts cdk.json: environment "${environment}" deploys to ${input.configuredRegion} (its "region"); drop --region or change cdk.json`,
    );
  }
  const names = stackNames(environment);
  const stacks = input.adoptsElasticIps ? [names.worker] : [names.egressIps, names.worker];
  const outputsFile = action === 'deploy' ? outputsFileOf(environment) : undefined;

  const args = [action, ...stacks, '-c', `env=${environment}`];
  if (aws.profile !== undefined) args.push('--profile', aws.profile);
  if (action === 'deploy') {
    if (input.yes) args.push('--require-approval', 'never');
    args.push('--outputs-file', outputsFileOf(environment));
  }
  // cdk has no --region: it takes the region from the environment (or the profile), as the AWS CLI does.
  const env: Record<string, string> =
    aws.region === undefined ? {} : { AWS_REGION: aws.region, AWS_DEFAULT_REGION: aws.region };
  return { action, environment, stacks, invocations: [{ command: CDK_CLI, args, env }], outputsFile };
}

/** An invocation as a shell line, for the log: `AWS_REGION=… node_modules/.bin/cdk deploy …`. */
export function formatInvocation(invocation: CdkInvocation): string {
  const quote = (word: string) =>
    /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
  const env = Object.entries(invocation.env).map(([key, value]) => `${key}=${quote(value)}`);
  return [...env, invocation.command, ...invocation.args.map(quote)].join(' ');
}
