import { randomUUID } from 'node:crypto';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookSignature } from '#shared/webhooks/signature.ts';
import { DEFAULT_MERCHANT } from '#simulator/defaults.ts';
import { awsTestEnv, motoEndpoint } from '#test/support/integration.ts';
import {
  type DeliveredEvent,
  type LifecycleRig,
  startLifecycleRig,
} from '#test/support/lifecycle-harness.ts';
import { payoutMessage } from '#test/support/pipeline-harness.ts';
import { createPayout, payoutBody } from '../../simulator/signed-fetch.ts';

const endpoint = motoEndpoint();
const HOUR = 3_600_000;

const about = (events: readonly DeliveredEvent[], reference: string) =>
  events
    .filter((e) => e.detail.reference === reference)
    .map((e) => `${e['detail-type']} ${e.detail.eventId}`);

/** POSTs a webhook to the receiver, signed with `secret` for the function URL (path `/`). */
function postWebhook(
  url: string,
  body: string,
  secret: string = DEFAULT_MERCHANT.secret,
  signature?: string,
) {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-signature': signature ?? webhookSignature(secret, '/', 'application/json', body),
    },
    body,
  });
}

const statusChanged = (uuid: string, status: string) =>
  JSON.stringify({ source: 'payment', event: 'statusChanged', data: { uuid, type: 'OUT', status } });

describe.skipIf(endpoint === null)('payout lifecycle: webhooks, status updates, events, sweep', () => {
  let lc: LifecycleRig;

  beforeAll(async () => {
    // Payouts start PENDING, as with an address Coindirect may report them first.
    lc = await startLifecycleRig({ endpoint: endpoint ?? '', simulator: { createStatus: 'PENDING' } });
  });
  afterAll(async () => {
    if (process.env.DEBUG_RIG) console.log(lc.logger.lines.join('\n'));
    await lc.close();
  });

  it('publishes PayoutSubmitted, then PayoutCompleted once Coindirect sends the signed COMPLETE webhook', async () => {
    // Arrange
    const uuid = await lc.submit('life-0001');
    await lc.drainStatusQueue();

    // Act
    lc.rig.sim.setPayoutStatus(uuid, 'PROCESSING');
    await lc.drainStatusQueue();
    const processing = await lc.rig.ledger('life-0001');
    lc.rig.sim.setPayoutStatus(uuid, 'COMPLETE');
    await lc.drainStatusQueue();

    // Assert
    expect(processing).toMatchObject({ coindirectStatus: 'PROCESSING', statusRank: 2 });
    expect(about(await lc.events(), 'life-0001')).toEqual([
      'PayoutSubmitted life-0001:submitted',
      'PayoutCompleted life-0001:completed',
    ]);
    const record = await lc.rig.ledger('life-0001');
    expect(record).toMatchObject({ state: 'SUBMITTED', uuid, coindirectStatus: 'COMPLETE', statusRank: 3 });
    expect(record?.pendingEvents).toEqual([]);
    expect(record?.openSince).toBeUndefined();
    expect(lc.webhookMetrics.get('WebhookAccepted')).toBeGreaterThanOrEqual(3);
  });

  it('never moves a payout back or publishes again for duplicated and out-of-order webhooks', async () => {
    // Arrange
    const uuid = await lc.submit('life-0002');
    lc.rig.sim.setPayoutStatus(uuid, 'COMPLETE');
    await lc.drainStatusQueue();

    // Act
    lc.rig.sim.redeliverWebhook(uuid);
    lc.rig.sim.redeliverWebhook(uuid);
    await lc.drainStatusQueue();
    // A late PROCESSING, and a read that shows it (a lagging replica): the ledger must stay COMPLETE.
    lc.rig.sim.setPayoutStatus(uuid, 'PROCESSING');
    await lc.drainStatusQueue(3);

    // Assert
    expect((await lc.rig.ledger('life-0002'))?.coindirectStatus).toBe('COMPLETE');
    expect(about(await lc.events(), 'life-0002')).toEqual([
      'PayoutSubmitted life-0002:submitted',
      'PayoutCompleted life-0002:completed',
    ]);
  });

  it('a replayed webhook triggers no second read', async () => {
    // Arrange: the COMPLETE webhook is read once and recorded.
    const uuid = await lc.submit('replay-0001');
    await lc.drainStatusQueue();
    lc.rig.sim.setPayoutStatus(uuid, 'COMPLETE');
    await lc.drainStatusQueue();
    const reads = () =>
      lc.rig.sim.requests().filter((r) => r.method === 'GET' && r.path.includes(uuid)).length;
    const readsBefore = reads();
    const replaysBefore = lc.lifecycleMetrics.get('WebhookReplayed');

    // Act: Coindirect delivers it again, twice, and the same signed body is replayed by hand.
    lc.rig.sim.redeliverWebhook(uuid);
    lc.rig.sim.redeliverWebhook(uuid);
    const replay = await postWebhook(lc.receiverUrl, statusChanged(uuid, 'COMPLETE'));
    const drained = await lc.drainStatusQueue();

    // Assert: each acknowledged (200, nothing to retry), none read again, each counted as a replay.
    expect(replay.status).toBe(200);
    expect(drained).toEqual({ received: 3, failed: 0 });
    expect(reads()).toBe(readsBefore);
    expect(lc.lifecycleMetrics.get('WebhookReplayed') - replaysBefore).toBe(3);
    expect((await lc.rig.ledger('replay-0001'))?.coindirectStatus).toBe('COMPLETE');
  });

  it('reads a webhook again when its first read failed', async () => {
    // Arrange: the read of the PROCESSING webhook fails once.
    const uuid = await lc.submit('replay-0002');
    await lc.drainStatusQueue();
    lc.rig.sim.injectFault({
      fault: { kind: 'status', status: 503 },
      match: { method: 'GET', path: `/api/v1/pay/${uuid}` },
    });
    lc.rig.sim.setPayoutStatus(uuid, 'PROCESSING');
    const failedRead = await lc.drainStatusQueue();

    // Act: Coindirect delivers it again.
    lc.rig.sim.redeliverWebhook(uuid);
    await lc.drainStatusQueue();

    // Assert
    expect(failedRead.failed).toBe(1);
    expect((await lc.rig.ledger('replay-0002'))?.coindirectStatus).toBe('PROCESSING');
  });

  it('announces a rejected message once, with its reason', async () => {
    // Arrange
    await lc.rig.send(payoutMessage('life-0003', { amount: '-1' }));

    // Act
    await lc.rig.handler(lc.rig.toEvent(await lc.rig.receive(1)));

    // Assert
    const events = (await lc.events()).filter((e) => e.detail.reference === 'life-0003');
    expect(events.map((e) => e['detail-type'])).toEqual(['PayoutRejected']);
    expect(events[0]?.detail).toMatchObject({ status: 'REJECTED', reasonCode: 'INVALID_MESSAGE' });
    expect((await lc.rig.ledger('life-0003'))?.openSince).toBeUndefined();
  });

  it('refuses unsigned, badly signed and replayed-onto-another-body webhooks with 401, queueing nothing', async () => {
    // Arrange
    await lc.drainStatusQueue(3);
    const uuid = randomUUID();
    const genuine = statusChanged(uuid, 'COMPLETE');
    const genuineSignature = webhookSignature(DEFAULT_MERCHANT.secret, '/', 'application/json', genuine);

    // Act
    const answers = [
      await fetch(lc.receiverUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: genuine,
      }),
      await postWebhook(lc.receiverUrl, genuine, 'not-the-merchant-secret'),
      await postWebhook(lc.receiverUrl, statusChanged(uuid, 'CANCELLED'), undefined, genuineSignature),
      await postWebhook(`${lc.receiverUrl}elsewhere`, genuine),
    ].map((response) => response.status);
    const drained = await lc.drainStatusQueue();

    // Assert
    expect(answers).toEqual([401, 401, 401, 200]);
    // The last one was validly signed (the signature covers the registered URL, not the path called).
    expect(drained).toEqual({ received: 1, failed: 1 });
  });

  it('acknowledges webhooks for a uuid Coindirect does not know, or a payout this worker did not make, without a write', async () => {
    // Arrange
    await lc.drainStatusQueue(3);
    const unknown = randomUUID();
    const foreign = payoutBody();
    const unknownBefore = lc.lifecycleMetrics.get('UnknownPayout');

    // Act
    const answer = await postWebhook(lc.receiverUrl, statusChanged(unknown, 'COMPLETE'));
    await createPayout(lc.rig.sim.url, foreign);
    const drained = await lc.drainStatusQueue(3);

    // Assert
    expect(answer.status).toBe(200);
    expect(drained).toEqual({ received: 2, failed: 0 });
    expect(lc.lifecycleMetrics.get('UnknownPayout') - unknownBefore).toBe(2);
    expect(await lc.rig.ledger(String(foreign.reference))).toBeUndefined();
  });

  it('sweeps: a payout left PENDING is reported stuck; one COMPLETE without a webhook is recorded and announced', async () => {
    // Arrange
    lc.rig.sim.setWebhook(undefined);
    await lc.submit('stuck-0001');
    const missed = await lc.submit('missed-0001');
    lc.rig.sim.setPayoutStatus(missed, 'COMPLETE');
    const stuckBefore = lc.lifecycleMetrics.get('StuckPayouts');

    // Act
    const report = await lc.sweep({ stuckAfterMs: 0, eventGraceMs: HOUR });
    lc.rig.sim.setWebhook({ url: lc.receiverUrl });

    // Assert
    expect(report.stuck.map((p) => [p.reference, p.status])).toContainEqual(['stuck-0001', 'PENDING']);
    expect(report.stuck.map((p) => p.reference)).not.toContain('missed-0001');
    expect(lc.lifecycleMetrics.get('StuckPayouts') - stuckBefore).toBe(report.stuck.length);
    expect((await lc.rig.ledger('missed-0001'))?.coindirectStatus).toBe('COMPLETE');
    expect((await lc.rig.ledger('stuck-0001'))?.coindirectStatus).toBe('PENDING');
    expect(about(await lc.events(), 'missed-0001')).toEqual([
      'PayoutSubmitted missed-0001:submitted',
      'PayoutCompleted missed-0001:completed',
    ]);
  });

  it('publishes, once, an event the worker could not publish (EventBridge unreachable), from its marker', async () => {
    // Arrange
    const unreachable = new EventBridgeClient({ ...awsTestEnv('http://127.0.0.1:9'), maxAttempts: 1 });
    const worker = lc.rig.newHandler({ eventBridge: unreachable });
    await lc.rig.send(payoutMessage('outage-0001'));
    const response = await worker(lc.rig.toEvent(await lc.rig.receive(1)));
    const left = await lc.rig.ledger('outage-0001');

    // Act
    const first = await lc.sweep({ stuckAfterMs: HOUR, eventGraceMs: 0 });
    const second = await lc.sweep({ stuckAfterMs: HOUR, eventGraceMs: 0 });

    // Assert
    expect(response.batchItemFailures).toEqual([]);
    expect(left?.state).toBe('SUBMITTED');
    expect(left?.pendingEvents?.map((e) => e.eventId)).toEqual(['outage-0001:submitted']);
    expect(first.republished).toBeGreaterThanOrEqual(1);
    expect(second.republished).toBe(0);
    expect(about(await lc.events(), 'outage-0001')).toEqual(['PayoutSubmitted outage-0001:submitted']);
    expect((await lc.rig.ledger('outage-0001'))?.pendingEvents).toEqual([]);
    unreachable.destroy();
  });
});
