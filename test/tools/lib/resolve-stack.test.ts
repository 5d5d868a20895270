import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { resolveFromStack, stackNameFromFlags, stackOutputsFromFlags } from '#tools/lib/resolve-stack.ts';
import { STACK_OUTPUT } from '#tools/lib/stack.ts';

const cfn = mockClient(CloudFormationClient);
const AWS = { region: 'eu-west-1' };
const DLQ = 'https://sqs.eu-west-1.amazonaws.com/1/dlq';
const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/1/q';

beforeEach(() => {
  cfn.reset();
  cfn.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackName: 'CoindirectPayouts-staging-Worker',
        CreationTime: new Date(0),
        StackStatus: 'UPDATE_COMPLETE',
        Outputs: [{ OutputKey: 'DeadLetterQueueUrl', OutputValue: DLQ }],
      },
    ],
  });
});

describe('stackNameFromFlags', () => {
  it('names the worker stack of --env, or --stack, and nothing without --env', () => {
    expect(stackNameFromFlags({ env: 'staging' })).toBe('CoindirectPayouts-staging-Worker');
    expect(stackNameFromFlags({ env: 'staging', stack: 'Other' })).toBe('Other');
    expect(stackNameFromFlags({ stack: 'Other' })).toBeUndefined();
    expect(() => stackNameFromFlags({ env: 'no such/env' })).toThrow(/--env must be an environment name/);
  });
});

describe('stackOutputsFromFlags', () => {
  it('reads the stack only with --env', async () => {
    // Act
    const none = await stackOutputsFromFlags(AWS, {});
    const outputs = await stackOutputsFromFlags(AWS, { env: 'staging' });

    // Assert
    expect(none).toBeUndefined();
    expect(outputs?.get(STACK_OUTPUT.dlqUrl)).toBe(DLQ);
    expect(cfn.commandCalls(DescribeStacksCommand).map((c) => c.args[0].input)).toEqual([
      { StackName: 'CoindirectPayouts-staging-Worker' },
    ]);
  });
});

describe('resolveFromStack', () => {
  it('keeps the flags given and does not read the stack when none is missing', async () => {
    // Act
    const urls = await resolveFromStack(
      AWS,
      { env: 'staging', 'dlq-url': 'd', 'queue-url': 'q' },
      { 'dlq-url': STACK_OUTPUT.dlqUrl, 'queue-url': STACK_OUTPUT.queueUrl },
    );

    // Assert
    expect(urls).toEqual({ 'dlq-url': 'd', 'queue-url': 'q' });
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });

  it('fills a missing flag from the stack output', async () => {
    // Act
    const urls = await resolveFromStack(
      AWS,
      { env: 'staging', 'queue-url': QUEUE },
      { 'dlq-url': STACK_OUTPUT.dlqUrl, 'queue-url': STACK_OUTPUT.queueUrl },
    );

    // Assert
    expect(urls).toEqual({ 'dlq-url': DLQ, 'queue-url': QUEUE });
  });

  it('names the flag to pass when the stack lacks the output', async () => {
    // Act
    const result = resolveFromStack(
      AWS,
      { env: 'staging' },
      { 'dlq-url': STACK_OUTPUT.dlqUrl, 'queue-url': STACK_OUTPUT.queueUrl },
    );

    // Assert
    await expect(result).rejects.toThrow(/has no output PayoutQueueUrl .* or pass --queue-url/);
  });

  it('leaves the missing flags undefined without --env', async () => {
    // Act
    const urls = await resolveFromStack(AWS, {}, { 'dlq-url': STACK_OUTPUT.dlqUrl });

    // Assert
    expect(urls).toEqual({ 'dlq-url': undefined });
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });
});
