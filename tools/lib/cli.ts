// Plumbing shared by the operator commands: injectable I/O, flag parsing, and turning failures into a
// message that says what to do plus an exit code.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { z } from 'zod';
import { CliError, UsageError } from './errors.ts';
import { quietSdkNodeWarning } from './sdk-node-warning.ts';

/** Where a command writes; `process.stdout` fits, and so does a test's capture. */
export interface Output {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** Where a command reads interactive input from; `process.stdin` fits. */
export interface Input extends NodeJS.ReadableStream {
  readonly isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

/** Everything a command touches outside itself, so a test can run it in-process. */
export interface CliIo {
  readonly stdout: Output;
  readonly stderr: Output;
  readonly stdin: Input;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** A command: its help text, and a run that resolves to the exit code. */
export interface Command {
  readonly usage: string;
  run(argv: readonly string[], io: CliIo): Promise<number>;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

/**
 * The entry point of a `tools/<name>/main.ts`: runs the command on this process and sets its exit code.
 * The SDK's Node version warning is silenced on a Node the SDK supports, and shown at most once otherwise.
 */
export function runCli(command: Command): void {
  quietSdkNodeWarning();
  const io = processIo();
  command.run(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      io.stderr.write(`error: ${describeError(error)}\n`);
      process.exitCode = 1;
    },
  );
}

/**
 * Runs a command body, printing `--help` and mapping failures to exit codes: a {@link UsageError} prints
 * the message and the usage (2), a {@link CliError} its message (its code), anything else its name and
 * message with a hint where one is known (1). Never prints a stack or a serialized error object.
 */
export async function runCommand(io: CliIo, usage: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`error: ${error.message}\n\n${usage}\n`);
      return error.exitCode;
    }
    io.stderr.write(`error: ${describeError(error)}\n`);
    return error instanceof CliError ? error.exitCode : 1;
  }
}

/**
 * `node:util` parseArgs in strict mode, with its errors turned into {@link UsageError}s. `--help` is
 * always accepted.
 */
export type FlagOptions = NonNullable<ParseArgsConfig['options']>;

export function parseFlags<const O extends FlagOptions>(argv: readonly string[], options: O) {
  try {
    return parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : 'invalid arguments');
  }
}

/** Validates parsed flags with a zod schema; each problem is reported as `--flag: reason`. */
export function validateFlags<T>(schema: z.ZodType<T>, values: unknown): T {
  const parsed = schema.safeParse(values);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const flag = issue.path[0];
    return flag === undefined ? issue.message : `--${String(flag)}: ${issue.message}`;
  });
  throw new UsageError(lines.join('\n       '));
}

/**
 * An error as one line an operator can act on: the message of our own errors, the name and message of
 * others (AWS SDK errors included), with a hint for the usual AWS set-up mistakes.
 */
export function describeError(error: unknown): string {
  if (error instanceof CliError) return error.message;
  if (!(error instanceof Error)) return 'unexpected failure (a non-error was thrown)';
  const text = `${error.name}: ${error.message}`;
  const hint = awsHint(error);
  return hint === undefined ? text : `${text}\n  ${hint}`;
}

function awsHint(error: Error): string | undefined {
  const { name, message } = error;
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return 'No AWS credentials were found: pass --profile NAME or set AWS_PROFILE (and run `aws sso login` for an SSO profile), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.';
  }
  if (/Region is missing/i.test(message))
    return 'Pass --region REGION, or set AWS_REGION (or a region in your AWS profile).';
  if (/ExpiredToken|RequestExpired/.test(name)) return 'Your AWS session expired: log in again.';
  if (/AccessDenied|UnauthorizedOperation|UnrecognizedClient|InvalidClientTokenId/.test(name)) {
    return 'AWS refused the call: check that your role has the permission named above (docs/operations.md lists what each command needs).';
  }
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(`${name} ${message}`)) {
    return 'Could not reach the AWS endpoint: check your network, --region/AWS_REGION and --endpoint-url/AWS_ENDPOINT_URL (leave both out for real AWS).';
  }
  return undefined;
}
