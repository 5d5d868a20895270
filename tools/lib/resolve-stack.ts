// How the tools find the deployed worker stack from `--env NAME` (and `--stack NAME`), and fill in from
// its outputs the resources not named by a flag.
import {
  type AwsOptions,
  checkEnvironmentName,
  readStackOutputs,
  type StackOutputKey,
  type StackOutputs,
  workerStackName,
} from './stack.ts';

/** The flags that name the stack: `--env NAME`, and with it `--stack NAME` to read another stack. */
export interface StackFlags {
  readonly env?: string | undefined;
  readonly stack?: string | undefined;
}

/** The stack `--env` names (`--stack` when given); undefined without `--env`. Checks the name. */
export function stackNameFromFlags(flags: StackFlags): string | undefined {
  if (flags.env === undefined) return undefined;
  return flags.stack ?? workerStackName(checkEnvironmentName(flags.env));
}

/** The outputs of the stack `--env` names, read now; undefined without `--env`. */
export async function stackOutputsFromFlags(
  aws: AwsOptions,
  flags: StackFlags,
): Promise<StackOutputs | undefined> {
  const stackName = stackNameFromFlags(flags);
  return stackName === undefined ? undefined : readStackOutputs(aws, stackName);
}

/**
 * Each flag of `outputs` (flag name → stack output) as given, or else, with `--env`, the stack's output;
 * the stack is read only when a flag is missing. A missing output throws, naming the flag to pass instead.
 *
 * @example
 * const urls = await resolveFromStack(aws, flags, { 'dlq-url': STACK_OUTPUT.dlqUrl });
 * urls['dlq-url']; // --dlq-url, else the output DeadLetterQueueUrl of the --env stack, else undefined
 */
export async function resolveFromStack<F extends string>(
  aws: AwsOptions,
  flags: StackFlags & { readonly [flag in NoInfer<F>]?: string | undefined },
  outputs: { readonly [flag in F]: StackOutputKey },
): Promise<{ [flag in F]: string | undefined }> {
  const names = Object.keys(outputs) as F[];
  const given = {} as { [flag in F]: string | undefined };
  for (const flag of names) given[flag] = flags[flag];
  if (flags.env === undefined || names.every((flag) => given[flag] !== undefined)) return given;
  const stack = await stackOutputsFromFlags(aws, flags);
  for (const flag of names) given[flag] ??= stack?.require(outputs[flag], `--${flag}`);
  return given;
}
