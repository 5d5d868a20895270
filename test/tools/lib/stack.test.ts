import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { CliError } from '#tools/lib/errors.ts';
import { readStackOutputs, readWorkerEnvironment, STACK_OUTPUT, workerStackName } from '#tools/lib/stack.ts';

const cfn = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);
const AWS = { region: 'eu-west-1' };

beforeEach(() => {
  cfn.reset();
  lambda.reset();
});

describe('readStackOutputs', () => {
  it("reads the outputs of the environment's worker stack", async () => {
    // Arrange
    cfn.on(DescribeStacksCommand, { StackName: 'CoindirectPayouts-staging-Worker' }).resolves({
      Stacks: [
        {
          StackName: 'CoindirectPayouts-staging-Worker',
          CreationTime: new Date(0),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: [{ OutputKey: 'PayoutQueueUrl', OutputValue: 'https://sqs.eu-west-1.amazonaws.com/1/q' }],
        },
      ],
    });

    // Act
    const outputs = await readStackOutputs(AWS, workerStackName('staging'));

    // Assert
    expect(outputs.require(STACK_OUTPUT.queueUrl, '--queue-url')).toBe(
      'https://sqs.eu-west-1.amazonaws.com/1/q',
    );
    expect(outputs.get(STACK_OUTPUT.functionName)).toBeUndefined();
    expect(() => outputs.require(STACK_OUTPUT.dlqUrl, '--dlq-url')).toThrow(
      'stack CoindirectPayouts-staging-Worker has no output DeadLetterQueueUrl (deployed from an older version?): redeploy it, or pass --dlq-url',
    );
  });

  it('says what to check when the stack does not exist', async () => {
    // Arrange
    cfn.on(DescribeStacksCommand).rejects(
      Object.assign(new Error('Stack with id CoindirectPayouts-qa-Worker does not exist'), {
        name: 'ValidationError',
      }),
    );

    // Act
    const read = readStackOutputs(AWS, workerStackName('qa'));

    // Assert
    await expect(read).rejects.toBeInstanceOf(CliError);
    await expect(read).rejects.toThrow(
      /CoindirectPayouts-qa-Worker was not found\. Check --profile and --region/,
    );
  });
});

describe('readWorkerEnvironment', () => {
  it("returns the function's environment variables", async () => {
    // Arrange
    lambda.on(GetFunctionConfigurationCommand, { FunctionName: 'worker-fn' }).resolves({
      Environment: { Variables: { PAYOUT_MAX_AMOUNTS: '{"EUR":"500"}' } },
    });

    // Act
    const env = await readWorkerEnvironment(AWS, 'worker-fn');

    // Assert
    expect(env).toEqual({ PAYOUT_MAX_AMOUNTS: '{"EUR":"500"}' });
  });
});
