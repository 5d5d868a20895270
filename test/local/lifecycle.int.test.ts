// The local lifecycle of `npm start`, in-process on the shared moto server: a payout the simulator has
// finished, announced by a webhook. A forged signature changes nothing; the same webhook signed as
// Coindirect signs it moves the ledger and publishes the event.
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messagesInQueue } from '#local/drain.ts';
import { type LocalPipeline, startLocalPipeline } from '#local/pipeline.ts';
import { planFromTemplate } from '#local/stack-plan.ts';
import { synthWorkerTemplate } from '#local/stack-template.ts';
import type { LoggerPort } from '#shared/processing/ports.ts';
import { DEFAULT_MERCHANT } from '#simulator/defaults.ts';
import { simulatorSignature } from '#simulator/webhooks.ts';
import { motoEndpoint } from '#test/support/integration.ts';
import { payoutMessage } from '#test/support/pipeline-harness.ts';

const endpoint = motoEndpoint();
const quiet: LoggerPort = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe.skipIf(endpoint === null)('the local payout lifecycle', () => {
  let pipeline: LocalPipeline;

  beforeAll(async () => {
    pipeline = await startLocalPipeline({
      endpoint: endpoint ?? '',
      plan: planFromTemplate(await synthWorkerTemplate('staging')),
      coindirect: { kind: 'simulator' },
      env: {},
      // Nothing settles on its own, and the sweep re-reads nothing: only webhooks move a payout here.
      settleAfterMs: 600_000,
      stuckAfterMs: 600_000,
      logger: quiet,
    });
  });

  afterAll(async () => {
    await pipeline?.close();
  });

  it('changes nothing on a webhook with a bad signature, and follows the correctly signed one', async () => {
    // Arrange: a payout submitted and PROCESSING, then COMPLETE at the simulator without a webhook.
    const reference = 'local-lifecycle-0001';
    await pipeline.sqs.send(
      new SendMessageCommand({
        QueueUrl: pipeline.resources.queueUrl,
        MessageBody: JSON.stringify(payoutMessage(reference)),
      }),
    );
    await pipeline.drainWorker({ until: 'empty', deadlineMs: 30_000 });
    const sim = pipeline.sim;
    if (sim === undefined) throw new Error('no simulator');
    const uuid = (await pipeline.ledger.get(reference))?.uuid ?? '';
    await sim.flushWebhooks();
    await until(
      () => messagesInQueue(pipeline.sqs, pipeline.lifecycle.statusQueueUrl),
      (n) => n === 0,
    );
    sim.setWebhook(undefined);
    sim.setPayoutStatus(uuid, 'COMPLETE');
    const summary = sim.payouts().find((p) => p.uuid === uuid)?.summary;
    const body = JSON.stringify({ source: 'payment', event: 'statusChanged', data: summary });
    const post = (secret: string) =>
      fetch(pipeline.lifecycle.webhookUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-signature': simulatorSignature(secret, pipeline.lifecycle.webhookUrl, 'application/json', body),
        },
        body,
      });

    // Act: forged, then as Coindirect signs it.
    const forged = await post('not-the-merchant-secret');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await pipeline.events.drain();
    const afterForged = {
      status: (await pipeline.ledger.get(reference))?.coindirectStatus,
      statusQueue: await messagesInQueue(pipeline.sqs, pipeline.lifecycle.statusQueueUrl),
      events: pipeline.events.namesFor(reference),
    };
    const signed = await post(DEFAULT_MERCHANT.secret);
    const final = await until(
      async () => (await pipeline.ledger.get(reference))?.coindirectStatus,
      (status) => status === 'COMPLETE',
    );
    await pipeline.settle([reference], { deadlineMs: 15_000, signal: new AbortController().signal });

    // Assert
    expect(forged.status).toBe(401);
    expect(afterForged).toEqual({ status: 'PROCESSING', statusQueue: 0, events: ['PayoutSubmitted'] });
    expect(signed.status).toBe(200);
    expect(final).toBe('COMPLETE');
    expect(pipeline.events.namesFor(reference)).toEqual(['PayoutSubmitted', 'PayoutCompleted']);
  }, 60_000);
});
