import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** A Lambda `Context` for running a handler outside Lambda, with a real deadline. */
export function localContext(
  functionName: string,
  timeoutMs: number,
  clock: () => number = Date.now,
): Context {
  const deadline = clock() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - clock()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
