/**
 * The deployment configuration in `cdk.json` is missing, names an unknown environment, or has invalid
 * values. The message lists every problem with its field path, what was expected and what was received,
 * so `cdk synth` can print it as it is.
 */
export class InfraConfigError extends Error {
  override readonly name = 'InfraConfigError';
  /** The environment asked for with `-c env=…`, when one was given. */
  readonly environment: string | undefined;
  /** One line per problem, each starting with the field path. */
  readonly problems: readonly string[];

  constructor(message: string, options: { environment?: string; problems?: readonly string[] } = {}) {
    super(message);
    this.environment = options.environment;
    this.problems = options.problems ?? [];
  }
}
