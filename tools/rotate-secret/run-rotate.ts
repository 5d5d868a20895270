// `npm run rotate-secret -- --env NAME`: replace the HAWK key without a redeploy, tested before use.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import type {
  CredentialCheckEvent,
  CredentialCheckResult,
} from '#functions/payout-worker/credential-check.ts';
import type { HawkCredentials } from '#shared/coindirect/hawk-signer.ts';
import { AWS_FLAGS_USAGE, parseOperatorFlags } from '../lib/aws-flags.ts';
import { type CliIo, type Command, runCommand, validateFlags } from '../lib/cli.ts';
import { CliError, UsageError } from '../lib/errors.ts';
import { promptHidden, promptLine, readStdin } from '../lib/prompt.ts';
import { resolveFromStack } from '../lib/resolve-stack.ts';
import { type AwsOptions, STACK_OUTPUT } from '../lib/stack.ts';
import { invokeCredentialCheck } from './invoke-check.ts';
import { type RotationReport, rotateSecret } from './rotate.ts';

export const ROTATE_USAGE = `usage: npm run rotate-secret -- (--env NAME | --secret-id ID --function-name NAME) [options]

Replaces the Coindirect HAWK key the worker uses, without a redeploy:
  1. reads the new key id and key: typed at a prompt (the key is not echoed), or as JSON on stdin:
       {"hawkAuthId": "...", "hawkAuthKey": "..."}      (never from the command line)
  2. stores it in the secret as a new AWSPENDING version;
  3. invokes the worker Lambda in its credential-check mode, which makes a signed GET /api/v1/merchant
     with that version from inside the VPC (the egress IPs the key whitelists);
  4. only if that passes: moves AWSCURRENT to the new version (the old one becomes AWSPREVIOUS).
     If it fails, the current key stays untouched and AWSPENDING is taken off the new version.
The worker picks the new key up within its secret cache time (5 min) or at its next 401.

options:
  --env NAME              a deployed environment: secret and function from stack CoindirectPayouts-NAME-Worker
  --stack NAME            with --env: the stack to read instead
  --secret-id ID          the HAWK secret (name or ARN) instead of the stack output HawkSecretArn
  --function-name NAME    the worker function instead of the stack output WorkerFunctionName
  --json                  print the outcome as one JSON document
  --output json|text      --output json is --json; text is the default (alias: table)
  -h, --help              show this help

${AWS_FLAGS_USAGE}

exit codes: 0 the new key passed and is current; 1 it failed the check (the old key stays) or a step
failed (the message says in which state the secret is); 2 wrong usage.

examples:
  npm run rotate-secret -- --env staging
  op read op://payouts/coindirect-staging/json | npm run rotate-secret -- --env staging --json`;

const flagsSchema = z.object({
  env: z.string().optional(),
  stack: z.string().min(1).optional(),
  'secret-id': z.string().min(1).optional(),
  'function-name': z.string().min(1).optional(),
  json: z.boolean().default(false),
});

/** What stdin must hold when it is not a terminal. Values are never echoed in errors. */
const newKeySchema = z.strictObject({
  hawkAuthId: z.string().trim().min(1).regex(/^\S+$/, 'must not contain spaces'),
  hawkAuthKey: z.string().trim().min(1).regex(/^\S+$/, 'must not contain spaces'),
});

export interface RotateDeps {
  readonly aws?: AwsOptions;
  /** Replaces the Lambda invocation (tests run the check in-process against moto and the simulator). */
  readonly checkCredentials?: (event: CredentialCheckEvent) => Promise<CredentialCheckResult>;
}

export function rotateSecretCommand(deps: RotateDeps = {}): Command {
  return {
    usage: ROTATE_USAGE,
    run: (argv, io) =>
      runCommand(io, ROTATE_USAGE, async () => {
        const { values, positionals, aws } = parseOperatorFlags(argv, io, deps.aws, {
          env: { type: 'string' },
          stack: { type: 'string' },
          'secret-id': { type: 'string' },
          'function-name': { type: 'string' },
          json: { type: 'boolean' },
        });
        if (values.help) {
          io.stdout.write(`${ROTATE_USAGE}\n`);
          return 0;
        }
        if (positionals.length > 0) {
          throw new UsageError(
            'keys are never taken from the command line: type them at the prompt or pipe JSON on stdin',
          );
        }
        const flags = validateFlags(flagsSchema, values);
        const { 'secret-id': secretId, 'function-name': functionName } = await resolveFromStack(aws, flags, {
          'secret-id': STACK_OUTPUT.secretArn,
          'function-name': STACK_OUTPUT.functionName,
        });
        if (secretId === undefined) throw new UsageError('say which secret: --env NAME or --secret-id ID');
        const check =
          deps.checkCredentials ??
          (functionName === undefined ? undefined : invokeCredentialCheck(aws, functionName));
        if (check === undefined) {
          throw new UsageError(
            'the key is tested by the worker Lambda: pass --function-name NAME (or use --env NAME)',
          );
        }
        const value = await readNewKey(io);
        const secretsManager = new SecretsManagerClient(aws);
        try {
          const report = await rotateSecret(value, {
            secretsManager,
            secretId,
            checkCredentials: check,
            log: (line) => void io.stderr.write(`${line}\n`),
          });
          printReport(report, secretId, flags.json, io);
          return report.outcome === 'promoted' ? 0 : 1;
        } finally {
          secretsManager.destroy();
        }
      }),
  };
}

async function readNewKey(io: CliIo): Promise<HawkCredentials> {
  const raw =
    io.stdin.isTTY === true
      ? {
          hawkAuthId: await promptLine(io, 'new hawkAuthId: '),
          hawkAuthKey: await promptHidden(io, 'new hawkAuthKey (not shown): '),
        }
      : parseStdinJson(await readStdin(io));
  const parsed = newKeySchema.safeParse(raw);
  if (!parsed.success) {
    const fields = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(value)'}: ${i.message}`)
      .join('; ');
    throw new CliError(
      `the new key is not usable (${fields}); expected {"hawkAuthId": "...", "hawkAuthKey": "..."}`,
    );
  }
  return parsed.data;
}

function parseStdinJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CliError(
      'stdin is not JSON: pipe {"hawkAuthId": "...", "hawkAuthKey": "..."}, or run on a terminal to be prompted',
    );
  }
}

function printReport(report: RotationReport, secretId: string, json: boolean, io: CliIo): void {
  if (json) {
    io.stdout.write(`${JSON.stringify({ secretId, ...report })}\n`);
    return;
  }
  if (report.outcome === 'promoted') {
    io.stdout.write(
      `${[
        `PROMOTED: the new key passed the check from inside the VPC (${report.detail}).`,
        `  version ${report.versionId} is now AWSCURRENT${report.previousVersionId === null ? '' : `; ${report.previousVersionId} is AWSPREVIOUS`}.`,
        '  The worker uses it within 5 minutes (its secret cache), or at once on a 401 from the old key.',
        '  Next: once payouts succeed with the new key, revoke the old key in the Coindirect business UI.',
      ].join('\n')}\n`,
    );
    return;
  }
  io.stdout.write(
    `${[
      `NOT PROMOTED: the new key failed the check: ${report.detail}`,
      report.firstVersionIsCurrent
        ? '  The secret had no value before, so Secrets Manager made this first version current by itself: store a working key next.'
        : `  The current key is untouched${report.currentVersionId === null ? '' : ` (version ${report.currentVersionId} stays AWSCURRENT)`}; payouts go on with it.`,
      report.pendingRemoved
        ? `  The failed version ${report.versionId} no longer has the AWSPENDING label.`
        : `  The failed version ${report.versionId} still carries AWSPENDING (removing it failed); the worker never reads it.`,
      '  Check the key id and key, that "Allow withdrawals" is on and that the stack\'s egress IPs are whitelisted, then run again.',
    ].join('\n')}\n`,
  );
}
