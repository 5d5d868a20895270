import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { syncPayoutStatus } from '#shared/lifecycle/status-sync.ts';
import { BUS, lifecycleContext, NOW, publishedEvents, summary } from './lifecycle-fixtures.ts';

const eventBridge = mockClient(EventBridgeClient);

beforeEach(() => {
  eventBridge.reset();
});

function context() {
  const c = lifecycleContext(eventBridge);
  c.ledger.submitted('order-0001', 'uuid-order-0001', { metadata: { customer: 'c-42' } });
  const say = (status: string) =>
    c.reads.set('uuid-order-0001', { kind: 'found', payout: summary('order-0001', status) });
  return { ...c, say, sync: () => syncPayoutStatus('uuid-order-0001', c.deps) };
}

describe('syncPayoutStatus', () => {
  it('re-reads the payout at Coindirect and records COMPLETE with exactly one PayoutCompleted', async () => {
    // Arrange
    const c = context();
    c.say('COMPLETE');

    // Act
    const outcome = await c.sync();

    // Assert
    expect(outcome).toEqual({
      kind: 'advanced',
      reference: 'order-0001',
      uuid: 'uuid-order-0001',
      status: 'COMPLETE',
    });
    expect(c.readCalls).toEqual(['uuid-order-0001']);
    expect((await c.ledger.get('order-0001'))?.coindirectStatus).toBe('COMPLETE');
    expect(publishedEvents(eventBridge)).toEqual([
      {
        detailType: 'PayoutCompleted',
        bus: BUS,
        detail: {
          schemaVersion: 1,
          eventId: 'order-0001:completed',
          reference: 'order-0001',
          status: 'COMPLETE',
          occurredAt: new Date(NOW).toISOString(),
          uuid: 'uuid-order-0001',
          coindirectStatus: 'COMPLETE',
          merchantId: 'merchant-0001',
          amount: '40.10',
          currency: 'EUR',
          destinationCurrency: 'ETH',
          metadata: { customer: 'c-42' },
        },
      },
    ]);
    expect((await c.ledger.get('order-0001'))?.pendingEvents).toEqual([]);
  });

  it('records CANCELLED with a PayoutCancelled that says the funds are back', async () => {
    // Arrange
    const c = context();
    c.say('CANCELLED');

    // Act
    await c.sync();

    // Assert
    const [event] = publishedEvents(eventBridge);
    expect(event?.detailType).toBe('PayoutCancelled');
    expect(event?.detail).toMatchObject({
      eventId: 'order-0001:cancelled',
      status: 'CANCELLED',
      reasonCode: 'CANCELLED',
    });
    expect(String(event?.detail.reason)).toMatch(/funds are back in the merchant wallet/);
  });

  it('moves PENDING to PROCESSING without an event', async () => {
    // Arrange
    const c = context();
    c.ledger.submitted('order-0001', 'uuid-order-0001', { coindirectStatus: 'PENDING', statusRank: 1 });
    c.say('PROCESSING');

    // Act
    const outcome = await c.sync();

    // Assert
    expect(outcome.kind).toBe('advanced');
    expect((await c.ledger.get('order-0001'))?.statusRank).toBe(2);
    expect(publishedEvents(eventBridge)).toEqual([]);
  });

  it('publishes one event however often the final status is seen again', async () => {
    // Arrange
    const c = context();
    c.say('COMPLETE');

    // Act
    const outcomes = [await c.sync(), await c.sync(), await c.sync()];

    // Assert
    expect(outcomes.map((o) => o.kind)).toEqual(['advanced', 'unchanged', 'unchanged']);
    expect(publishedEvents(eventBridge)).toHaveLength(1);
    expect(c.metrics.get('PayoutStatusUnchanged')).toBe(2);
  });

  it('never moves a payout back: PROCESSING read after COMPLETE changes nothing', async () => {
    // Arrange
    const c = context();
    c.say('COMPLETE');
    await c.sync();
    c.say('PROCESSING');

    // Act
    const outcome = await c.sync();

    // Assert
    expect(outcome.kind).toBe('unchanged');
    expect((await c.ledger.get('order-0001'))?.coindirectStatus).toBe('COMPLETE');
    expect(publishedEvents(eventBridge)).toHaveLength(1);
  });

  it('keeps the first final status when Coindirect later reports the other one, and says so', async () => {
    // Arrange
    const c = context();
    c.say('COMPLETE');
    await c.sync();
    c.say('CANCELLED');

    // Act
    const outcome = await c.sync();

    // Assert
    expect(outcome.kind).toBe('unchanged');
    expect((await c.ledger.get('order-0001'))?.coindirectStatus).toBe('COMPLETE');
    expect(c.logger.lines.join('\n')).toMatch(/different final status/);
  });

  it('writes nothing for a uuid Coindirect does not know', async () => {
    // Arrange
    const c = context();

    // Act
    const outcome = await syncPayoutStatus('00000000-dead-beef-0000-000000000000', c.deps);

    // Assert
    expect(outcome.kind).toBe('notFound');
    expect(c.ledger.advances).toEqual([]);
    expect(c.metrics.get('UnknownPayout')).toBe(1);
  });

  it.each([
    [
      'a reference the ledger does not hold',
      summary('someone-elses-0001', 'COMPLETE', 'uuid-order-0001'),
      'no ledger item',
    ],
    ['another uuid than the ledger paid', summary('order-0001', 'COMPLETE', 'uuid-other'), 'another uuid'],
    ['a pay-in', { ...summary('order-0001', 'COMPLETE'), type: 'IN' }, 'not a payout'],
  ])('writes nothing for %s', async (_label, payout, reason) => {
    // Arrange
    const c = context();
    c.reads.set('uuid-order-0001', { kind: 'found', payout });

    // Act
    const outcome = await c.sync();

    // Assert
    expect(outcome).toMatchObject({ kind: 'notOurs' });
    expect(outcome.kind === 'notOurs' && outcome.reason).toMatch(reason);
    expect(c.ledger.advances).toEqual([]);
    expect(publishedEvents(eventBridge)).toEqual([]);
    expect(c.metrics.get('UnknownPayout')).toBe(1);
  });

  it('asks for a retry while the worker has not recorded the create yet (CLAIMED)', async () => {
    // Arrange
    const c = context();
    c.ledger.submitted('order-0001', 'uuid-order-0001', { state: 'CLAIMED' });
    c.say('PROCESSING');

    // Act
    const outcome = await c.sync();

    // Assert
    expect(outcome.kind).toBe('retry');
    expect(c.ledger.advances).toEqual([]);
  });

  it('asks for a retry when Coindirect cannot be read', async () => {
    // Arrange
    const c = context();
    c.reads.set('uuid-order-0001', { kind: 'ambiguous', detail: 'HTTP 503' });

    // Act
    const outcome = await c.sync();

    // Assert
    expect(outcome).toMatchObject({ kind: 'retry', reason: expect.stringMatching(/ambiguous/) });
  });

  it('leaves a status the lifecycle does not track (EXPIRED) for an operator', async () => {
    // Arrange
    const c = context();
    c.say('EXPIRED');

    // Act
    const outcome = await c.sync();

    // Assert
    expect(outcome.kind).toBe('unexpectedStatus');
    expect((await c.ledger.get('order-0001'))?.coindirectStatus).toBe('PROCESSING');
    expect(c.metrics.get('UnexpectedPayoutStatus')).toBe(1);
  });

  it('keeps the marker for the sweep and still records the status when EventBridge fails', async () => {
    // Arrange
    const c = context();
    eventBridge.reset();
    eventBridge.rejects(new Error('ServiceUnavailable'));
    c.say('COMPLETE');

    // Act
    const outcome = await c.sync();

    // Assert
    expect(outcome.kind).toBe('advanced');
    expect((await c.ledger.get('order-0001'))?.pendingEvents?.map((e) => e.eventId)).toEqual([
      'order-0001:completed',
    ]);
    expect(c.metrics.get('LifecycleEventPublishFailed')).toBe(1);
  });
});
