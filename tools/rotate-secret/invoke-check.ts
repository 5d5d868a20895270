import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { z } from 'zod';
import type {
  CredentialCheckEvent,
  CredentialCheckResult,
} from '#functions/payout-worker/credential-check.ts';
import type { AwsOptions } from '../lib/stack.ts';

const resultSchema = z.object({ ok: z.boolean(), merchantIdFound: z.boolean(), detail: z.string() });
const functionErrorSchema = z.object({
  errorType: z.string().optional(),
  errorMessage: z.string().optional(),
});

/**
 * The worker's credential check, run where the worker runs: a synchronous invocation of the worker
 * Lambda with the check event. Its answer never holds the key.
 */
export function invokeCredentialCheck(
  aws: AwsOptions,
  functionName: string,
  lambda: LambdaClient = new LambdaClient(aws),
): (event: CredentialCheckEvent) => Promise<CredentialCheckResult> {
  return async (event) => {
    const out = await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
    );
    const text = out.Payload === undefined ? '' : new TextDecoder().decode(out.Payload);
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      payload = undefined;
    }
    if (out.FunctionError !== undefined) {
      const error = functionErrorSchema.safeParse(payload);
      const message = error.success
        ? `${error.data.errorType ?? 'Error'}: ${error.data.errorMessage ?? ''}`
        : out.FunctionError;
      throw new Error(
        `the worker function ${functionName} failed (${message}); is it deployed from this version?`,
      );
    }
    const result = resultSchema.safeParse(payload);
    if (!result.success) {
      throw new Error(
        `the worker function ${functionName} did not answer the credential check (deployed from an older version without it?)`,
      );
    }
    return result.data;
  };
}
