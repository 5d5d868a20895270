import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { PendingEvent } from '#shared/ledger/pending-events.ts';
import { type SweepDeps, sweepOpenPayouts } from '#shared/lifecycle/sweep.ts';
import { lifecycleContext, NOW, publishedEvents, summary } from './lifecycle-fixtures.ts';

const eventBridge = mockClient(EventBridgeClient);
const HOUR = 3_600_000;

beforeEach(() => {
  eventBridge.reset();
});

const marker = (reference: string, transition: string, at: number): PendingEvent => ({
  eventId: `${reference}:${transition}`,
  detailType: 'PayoutSubmitted',
  detail: { eventId: `${reference}:${transition}`, reference, occurredAt: new Date(at).toISOString() },
});

function sweep(overrides: Partial<SweepDeps> = {}) {
  const c = lifecycleContext(eventBridge);
  const run = () =>
    sweepOpenPayouts({
      ...c.deps,
      ledger: c.ledger,
      stuckAfterMs: HOUR,
      eventGraceMs: 120_000,
      ...overrides,
    });
  return { ...c, run };
}

describe('sweepOpenPayouts', () => {
  it('counts a payout still PENDING at Coindirect after the age as stuck, and emits StuckPayouts', async () => {
    // Arrange
    const s = sweep();
    s.ledger.submitted('order-0001', 'uuid-order-0001', {
      coindirectStatus: 'PENDING',
      statusRank: 1,
      openSince: NOW - 2 * HOUR,
    });
    s.reads.set('uuid-order-0001', { kind: 'found', payout: summary('order-0001', 'PENDING') });

    // Act
    const report = await s.run();

    // Assert
    expect(report.stuck).toEqual([
      {
        reference: 'order-0001',
        uuid: 'uuid-order-0001',
        status: 'PENDING',
        submittedAt: new Date(NOW - 2 * HOUR).toISOString(),
      },
    ]);
    expect(s.metrics.get('StuckPayouts')).toBe(1);
    expect(s.logger.lines.join('\n')).toMatch(/not final after the configured age/);
  });

  it('records a payout Coindirect finished without a webhook, publishes PayoutCompleted and drops it from the index', async () => {
    // Arrange
    const s = sweep();
    s.ledger.submitted('order-0001', 'uuid-order-0001', { openSince: NOW - 2 * HOUR });
    s.reads.set('uuid-order-0001', { kind: 'found', payout: summary('order-0001', 'COMPLETE') });

    // Act
    const report = await s.run();

    // Assert
    expect(report).toMatchObject({ examined: 1, advanced: 1, stuck: [] });
    expect(publishedEvents(eventBridge).map((e) => e.detailType)).toEqual(['PayoutCompleted']);
    expect((await s.ledger.get('order-0001'))?.openSince).toBeUndefined();
    expect(s.metrics.get('StuckPayouts')).toBe(0);
  });

  it('leaves payouts younger than the age alone, without a call to Coindirect', async () => {
    // Arrange
    const s = sweep();
    s.ledger.submitted('order-0001', 'uuid-order-0001', { openSince: NOW - HOUR + 1 });

    // Act
    const report = await s.run();

    // Assert
    expect(report.stuck).toEqual([]);
    expect(s.readCalls).toEqual([]);
    expect(s.metrics.get('StuckPayouts')).toBe(0);
  });

  it('counts a payout it cannot re-read as stuck', async () => {
    // Arrange
    const s = sweep();
    s.ledger.submitted('order-0001', 'uuid-order-0001', { openSince: NOW - 2 * HOUR });
    s.reads.set('uuid-order-0001', { kind: 'unreachable', detail: 'could not connect' });

    // Act
    const report = await s.run();

    // Assert
    expect(report.stuck.map((p) => p.status)).toEqual(['PROCESSING']);
  });

  it('republishes markers older than the grace period only, and clears them', async () => {
    // Arrange
    const s = sweep();
    s.ledger.submitted('order-0001', 'uuid-order-0001', {
      openSince: NOW - 10_000,
      statusRank: 3,
      coindirectStatus: 'COMPLETE',
      pendingEvents: [
        marker('order-0001', 'submitted', NOW - 600_000),
        marker('order-0001', 'completed', NOW - 1_000),
      ],
    });

    // Act
    const report = await s.run();

    // Assert
    expect(report).toMatchObject({ republished: 1, unpublished: 0 });
    expect(publishedEvents(eventBridge).map((e) => e.detail.eventId)).toEqual(['order-0001:submitted']);
    expect((await s.ledger.get('order-0001'))?.pendingEvents?.map((e) => e.eventId)).toEqual([
      'order-0001:completed',
    ]);
  });

  it('reports markers it could not publish either', async () => {
    // Arrange
    const s = sweep();
    eventBridge.reset();
    eventBridge.rejects(new Error('down'));
    s.ledger.submitted('order-0001', 'uuid-order-0001', {
      state: 'REJECTED',
      openSince: NOW - HOUR,
      pendingEvents: [marker('order-0001', 'rejected:m-1', NOW - HOUR)],
    });

    // Act
    const report = await s.run();

    // Assert
    expect(report.unpublished).toBe(1);
    expect(s.metrics.get('UnpublishedLifecycleEvents')).toBe(1);
  });

  it('takes an item with nothing left to do out of the index', async () => {
    // Arrange
    const s = sweep();
    s.ledger.submitted('order-0001', 'uuid-order-0001', { state: 'REJECTED', openSince: NOW - HOUR });

    // Act
    await s.run();

    // Assert
    expect((await s.ledger.get('order-0001'))?.openSince).toBeUndefined();
  });

  it('stops starting items when the invocation is about to run out of time', async () => {
    // Arrange
    let left = 60_000;
    const s = sweep({ remainingTimeMs: () => (left -= 30_000), reserveMs: 20_000 });
    for (const n of [1, 2, 3])
      s.ledger.submitted(`order-000${n}`, `uuid-${n}`, { openSince: NOW - 2 * HOUR });

    // Act
    const report = await s.run();

    // Assert
    expect(report).toMatchObject({ examined: 1, skipped: 2 });
  });
});

describe('sweepOpenPayouts: isolation and followed conflicts', () => {
  it('logs and counts an item it fails on, and goes on with the others', async () => {
    // Arrange
    const s = sweep();
    s.ledger.submitted('order-0001', 'uuid-order-0001', { openSince: NOW - 2 * HOUR });
    s.ledger.submitted('order-0002', 'uuid-order-0002', { openSince: NOW - 2 * HOUR });
    s.reads.set('uuid-order-0002', { kind: 'found', payout: summary('order-0002', 'COMPLETE') });
    const advance = s.ledger.advanceStatus.bind(s.ledger);
    s.ledger.advanceStatus = async (change) => {
      if (change.reference === 'order-0001') throw new Error('ProvisionedThroughputExceededException');
      return advance(change);
    };
    s.reads.set('uuid-order-0001', { kind: 'found', payout: summary('order-0001', 'COMPLETE') });

    // Act
    const report = await s.run();

    // Assert
    expect(report.failed).toBe(1);
    expect(report.advanced).toBe(1);
    expect(s.ledger.records.get('order-0002')?.coindirectStatus).toBe('COMPLETE');
    expect(s.metrics.get('SweepItemFailed')).toBe(1);
    expect(s.logger.lines.join('\n')).toMatch(/order-0001.*ProvisionedThroughputExceededException/);
  });

  it('follows a CONFLICT that Coindirect holds to its final status', async () => {
    // Arrange
    const s = sweep();
    s.ledger.submitted('order-0003', 'uuid-order-0003', { state: 'CONFLICT', openSince: NOW - 2 * HOUR });
    s.reads.set('uuid-order-0003', { kind: 'found', payout: summary('order-0003', 'COMPLETE') });

    // Act
    const report = await s.run();

    // Assert
    expect(report.advanced).toBe(1);
    expect(s.ledger.records.get('order-0003')).toMatchObject({
      state: 'CONFLICT',
      coindirectStatus: 'COMPLETE',
    });
  });
});
