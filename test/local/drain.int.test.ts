// The local event source honours the pause flag the way a disabled mapping does on AWS: nothing is
// received while it says paused, and polling picks up again once it does not.
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { drainQueue } from '#local/drain.ts';
import { awsTestEnv, motoEndpoint } from '#test/support/integration.ts';

const endpoint = motoEndpoint();

describe.skipIf(endpoint === null)('local event source (drainQueue)', () => {
  const sqs = new SQSClient(awsTestEnv(endpoint ?? ''));
  afterAll(() => sqs.destroy());

  it('receives nothing while paused, then drains the queue once resumed', async () => {
    // Arrange: a queue with two messages, and a flag that reads paused three times.
    const { QueueUrl: queueUrl = '' } = await sqs.send(
      new CreateQueueCommand({ QueueName: `drain-pause-${process.pid}-${Date.now()}` }),
    );
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    for (const body of ['a', 'b'])
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    const log: string[] = [];
    let pausedReads = 3;

    // Act
    const end = await drainQueue({
      sqs,
      queueUrl,
      queueArn: Attributes?.QueueArn ?? '',
      pollers: 1,
      until: 'empty',
      deadlineMs: 60_000,
      paused: async () => {
        const paused = pausedReads-- > 0;
        log.push(paused ? 'paused' : 'running');
        return paused;
      },
      handler: async (event) => {
        log.push(...event.Records.map((r) => `handled ${r.body}`));
        return { batchItemFailures: [] };
      },
    });

    // Assert
    expect(end).toBe('empty');
    expect(log.slice(0, 4)).toEqual(['paused', 'paused', 'paused', 'running']);
    expect(log.filter((entry) => entry.startsWith('handled')).sort()).toEqual(['handled a', 'handled b']);
    expect(log.indexOf('handled a')).toBeGreaterThan(3);
  });
});
