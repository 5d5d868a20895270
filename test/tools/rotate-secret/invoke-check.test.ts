import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { invokeCredentialCheck } from '#tools/rotate-secret/invoke-check.ts';

const lambda = mockClient(LambdaClient);
const AWS = { region: 'eu-west-1' };
const EVENT = { action: 'checkCredentials', versionStage: 'AWSPENDING', versionId: 'v-123' } as const;
const payload = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

beforeEach(() => {
  lambda.reset();
});

describe('invokeCredentialCheck', () => {
  it('invokes the worker synchronously with the check event and returns its answer', async () => {
    // Arrange
    const answer = { ok: true, merchantIdFound: true, detail: 'listed' };
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload(answer) as never });

    // Act
    const result = await invokeCredentialCheck(AWS, 'worker-fn')(EVENT);

    // Assert
    expect(result).toEqual(answer);
    const input = lambda.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(input?.FunctionName).toBe('worker-fn');
    expect(input?.InvocationType).toBe('RequestResponse');
    expect(JSON.parse(new TextDecoder().decode(input?.Payload as Uint8Array))).toEqual(EVENT);
  });

  it("reports a failed invocation with the function's error", async () => {
    // Arrange
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: payload({
        errorType: 'TypeError',
        errorMessage: 'not an SQS event: expected { Records: [...] }',
      }) as never,
    });

    // Act
    const check = invokeCredentialCheck(AWS, 'worker-fn')(EVENT);

    // Assert
    await expect(check).rejects.toThrow(
      'the worker function worker-fn failed (TypeError: not an SQS event: expected { Records: [...] }); is it deployed from this version?',
    );
  });

  it('refuses an answer that is not a check result', async () => {
    // Arrange
    lambda
      .on(InvokeCommand)
      .resolves({ StatusCode: 200, Payload: payload({ batchItemFailures: [] }) as never });

    // Act
    const check = invokeCredentialCheck(AWS, 'worker-fn')(EVENT);

    // Assert
    await expect(check).rejects.toThrow(/did not answer the credential check/);
  });
});
