import { CreateQueueCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { startMoto } from '#local/moto.ts';
import { awsTestEnv, motoEndpoint } from '#test/support/integration.ts';

const endpoint = motoEndpoint();

describe.skipIf(endpoint === null)('moto server from the global setup', () => {
  it('answers SQS CreateQueue and ListQueues', async () => {
    const sqs = new SQSClient(awsTestEnv(endpoint ?? ''));
    const name = `support-test-${process.pid}-${Date.now()}`;

    const created = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    const listed = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: name }));
    sqs.destroy();

    expect(created.QueueUrl).toContain(name);
    expect(listed.QueueUrls).toEqual([created.QueueUrl]);
  });

  it('starts a second real moto_server and leaves no process after stop', async () => {
    const moto = await startMoto();
    const answered = (await fetch(`${moto.endpoint}/moto-api/`)).status;

    await moto.stop();

    expect(answered).toBe(200);
    expect(() => process.kill(-moto.pid, 0)).toThrow();
  });
});
