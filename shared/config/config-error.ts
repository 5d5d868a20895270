import type * as z from 'zod/mini';

/**
 * Thrown at cold start when a function's environment is wrong. The message lists every bad variable:
 * "payout-worker configuration is invalid:" and then one "  - NAME: what was expected" line each.
 */
export class ConfigError extends Error {
  override readonly name: string = 'ConfigError';
  /** One "NAME: what was expected" per bad variable, as listed in the message. */
  readonly problems: readonly string[];

  /** @param functionName as the message names it: `payout-worker`, `payout-status`, `payout-webhook`. */
  constructor(functionName: string, problems: readonly string[]) {
    super(`${functionName} configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

/**
 * The schema's issues with an environment as "NAME: message" lines; a variable that is missing and
 * required reads "NAME: is required".
 */
export function envProblems(
  issues: readonly z.core.$ZodIssue[],
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  return issues.map((issue) => {
    const name = String(issue.path[0] ?? '(env)');
    return `${name}: ${env[name] === undefined && issue.code === 'invalid_type' ? 'is required' : issue.message}`;
  });
}
