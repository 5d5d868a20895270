/**
 * A failure the operator can act on. The message says what went wrong and what to do; it is printed
 * as is, without a stack trace, and never carries a secret.
 */
export class CliError extends Error {
  override readonly name: string = 'CliError';
  /** The process exit code: 1 for a failed operation, 2 for a usage mistake. */
  readonly exitCode: number;

  constructor(message: string, options: ErrorOptions & { readonly exitCode?: number } = {}) {
    super(message, options);
    this.exitCode = options.exitCode ?? 1;
  }
}

/** A wrong or missing flag or argument: exit code 2, and the usage is printed after the message. */
export class UsageError extends CliError {
  override readonly name = 'UsageError';

  constructor(message: string) {
    super(message, { exitCode: 2 });
  }
}
