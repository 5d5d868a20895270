import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { MarkStart, WebhookMarksPort } from '#shared/ledger/webhook-marks.ts';
import { processStatusBatch, type StatusDelivery } from '#shared/lifecycle/status-batch.ts';
import { lifecycleContext, summary } from './lifecycle-fixtures.ts';

const eventBridge = mockClient(EventBridgeClient);

beforeEach(() => {
  eventBridge.reset();
});

const delivery = (messageId: string, uuid: string, status: string, receiveCount = 1): StatusDelivery => ({
  messageId,
  body: JSON.stringify({ uuid, status, receivedAt: '2026-11-27T12:00:00.000Z' }),
  receiveCount,
});

function batch() {
  const c = lifecycleContext(eventBridge);
  c.ledger.submitted('order-0001', 'uuid-1');
  return {
    ...c,
    run: (deliveries: StatusDelivery[]) =>
      processStatusBatch(deliveries, { ...c.deps, unconfirmedRetries: 3 }),
  };
}

describe('processStatusBatch', () => {
  it('acknowledges what it recorded and fails only what must come back', async () => {
    // Arrange
    const b = batch();
    b.reads.set('uuid-1', { kind: 'found', payout: summary('order-0001', 'COMPLETE', 'uuid-1') });
    b.reads.set('uuid-2', { kind: 'ambiguous', detail: 'HTTP 502' });

    // Act
    const report = await b.run([
      delivery('m-1', 'uuid-1', 'COMPLETE'),
      delivery('m-2', 'uuid-2', 'COMPLETE'),
      { messageId: 'm-3', body: 'not json', receiveCount: 1 },
    ]);

    // Assert
    expect(report.failedMessageIds).toEqual(['m-2', 'm-3']);
    expect(report.outcomes.map((o) => (typeof o.outcome === 'string' ? o.outcome : o.outcome.kind))).toEqual([
      'advanced',
      'retry',
      'malformed',
    ]);
  });

  it('reads again later while Coindirect shows an earlier status than the webhook, then gives up', async () => {
    // Arrange
    const b = batch();
    b.reads.set('uuid-1', { kind: 'found', payout: summary('order-0001', 'PROCESSING', 'uuid-1') });

    // Act
    const early = await b.run([delivery('m-1', 'uuid-1', 'COMPLETE', 1)]);
    const last = await b.run([delivery('m-1', 'uuid-1', 'COMPLETE', 3)]);

    // Assert
    expect(early.failedMessageIds).toEqual(['m-1']);
    expect(last.failedMessageIds).toEqual([]);
  });

  it('retries an unknown uuid a few times (the read may lag the webhook), then acknowledges it', async () => {
    // Arrange
    const b = batch();

    // Act
    const early = await b.run([delivery('m-1', 'uuid-unknown', 'COMPLETE', 2)]);
    const last = await b.run([delivery('m-1', 'uuid-unknown', 'COMPLETE', 3)]);

    // Assert
    expect(early.failedMessageIds).toEqual(['m-1']);
    expect(last.failedMessageIds).toEqual([]);
    expect(b.ledger.advances).toEqual([]);
  });

  it('acknowledges a late webhook whose status the ledger is already past', async () => {
    // Arrange
    const b = batch();
    b.reads.set('uuid-1', { kind: 'found', payout: summary('order-0001', 'COMPLETE', 'uuid-1') });
    await b.run([delivery('m-1', 'uuid-1', 'COMPLETE')]);

    // Act
    const late = await b.run([delivery('m-0', 'uuid-1', 'PROCESSING')]);

    // Assert
    expect(late.failedMessageIds).toEqual([]);
    expect(late.outcomes[0]?.outcome).toMatchObject({ kind: 'unchanged', status: 'COMPLETE' });
  });

  it('handles messages about one payout one after the other, and different payouts side by side', async () => {
    // Arrange
    const b = batch();
    b.ledger.submitted('order-0002', 'uuid-2');
    const inFlight = new Map<string, number>();
    let most = 0;
    const sameUuidOverlaps: string[] = [];
    const deps = {
      ...b.deps,
      unconfirmedRetries: 3,
      coindirect: {
        async getPayout(uuid: string) {
          inFlight.set(uuid, (inFlight.get(uuid) ?? 0) + 1);
          if ((inFlight.get(uuid) ?? 0) > 1) sameUuidOverlaps.push(uuid);
          most = Math.max(
            most,
            [...inFlight.values()].reduce((a, n) => a + n, 0),
          );
          await new Promise((resolve) => setTimeout(resolve, 20));
          inFlight.set(uuid, (inFlight.get(uuid) ?? 0) - 1);
          return {
            kind: 'found' as const,
            payout: summary(uuid === 'uuid-1' ? 'order-0001' : 'order-0002', 'COMPLETE', uuid),
          };
        },
      },
    };

    // Act
    const report = await processStatusBatch(
      [
        delivery('m-1', 'uuid-1', 'COMPLETE'),
        delivery('m-2', 'uuid-1', 'COMPLETE'),
        delivery('m-3', 'uuid-2', 'COMPLETE'),
      ],
      deps,
    );

    // Assert
    expect(report.outcomes.map((o) => (typeof o.outcome === 'string' ? o.outcome : o.outcome.kind))).toEqual([
      'advanced',
      'unchanged',
      'advanced',
    ]);
    expect(sameUuidOverlaps).toEqual([]);
    expect(most).toBe(2);
  });
});

/** Replay marks in a map, with the same rules as the DynamoDB ones (leases never lapse here). */
class MapMarks implements WebhookMarksPort {
  readonly marks = new Map<string, { mark: 'READING' | 'READ'; owner?: string }>();
  async begin(uuid: string, status: string, owner: string): Promise<MarkStart> {
    const key = `${uuid}#${status}`;
    const current = this.marks.get(key);
    if (current?.mark === 'READ') return { kind: 'seen' };
    if (current?.owner !== undefined) return { kind: 'busy', retryInMs: 60_000 };
    this.marks.set(key, { mark: 'READING', owner });
    return { kind: 'first' };
  }
  async done(uuid: string, status: string, owner: string): Promise<void> {
    const key = `${uuid}#${status}`;
    if (this.marks.get(key)?.owner === owner) this.marks.set(key, { mark: 'READ' });
  }
  async abandon(uuid: string, status: string, owner: string): Promise<void> {
    const key = `${uuid}#${status}`;
    if (this.marks.get(key)?.owner === owner) this.marks.set(key, { mark: 'READING' });
  }
}

describe('processStatusBatch with replay marks', () => {
  const run = (b: ReturnType<typeof batch>, marks: WebhookMarksPort, deliveries: StatusDelivery[]) =>
    processStatusBatch(deliveries, { ...b.deps, unconfirmedRetries: 3, webhookMarks: marks });

  it('reads a (uuid, status) pair once; its replays are acknowledged unread and counted', async () => {
    // Arrange
    const b = batch();
    const marks = new MapMarks();
    b.reads.set('uuid-1', { kind: 'found', payout: summary('order-0001', 'COMPLETE', 'uuid-1') });

    // Act
    const first = await run(b, marks, [
      delivery('m-1', 'uuid-1', 'COMPLETE'),
      delivery('m-2', 'uuid-1', 'COMPLETE'),
    ]);
    const later = await run(b, marks, [delivery('m-3', 'uuid-1', 'COMPLETE')]);

    // Assert
    expect(b.readCalls).toEqual(['uuid-1']);
    expect(first.failedMessageIds).toEqual([]);
    expect(first.outcomes.map((o) => (typeof o.outcome === 'string' ? o.outcome : o.outcome.kind))).toEqual([
      'advanced',
      'replayed',
    ]);
    expect(later.outcomes[0]?.outcome).toBe('replayed');
    expect(b.metrics.get('WebhookReplayed')).toBe(2);
  });

  it('reads a pair again when the first read failed or did not confirm the webhook', async () => {
    // Arrange
    const b = batch();
    const marks = new MapMarks();
    b.reads.set('uuid-1', { kind: 'ambiguous', detail: 'HTTP 502' });

    // Act
    const failed = await run(b, marks, [delivery('m-1', 'uuid-1', 'COMPLETE')]);
    b.reads.set('uuid-1', { kind: 'found', payout: summary('order-0001', 'PROCESSING', 'uuid-1') });
    const lagging = await run(b, marks, [delivery('m-1', 'uuid-1', 'COMPLETE', 2)]);
    b.reads.set('uuid-1', { kind: 'found', payout: summary('order-0001', 'COMPLETE', 'uuid-1') });
    const confirmed = await run(b, marks, [delivery('m-1', 'uuid-1', 'COMPLETE', 3)]);

    // Assert
    expect([failed, lagging, confirmed].map((r) => r.failedMessageIds)).toEqual([['m-1'], ['m-1'], []]);
    expect(b.readCalls).toEqual(['uuid-1', 'uuid-1', 'uuid-1']);
    expect(marks.marks.get('uuid-1#COMPLETE')).toEqual({ mark: 'READ' });
  });

  it('sends a message back unread while another delivery of the same pair is being read', async () => {
    // Arrange
    const b = batch();
    const marks = new MapMarks();
    await marks.begin('uuid-1', 'COMPLETE', 'someone-else');

    // Act
    const report = await run(b, marks, [delivery('m-1', 'uuid-1', 'COMPLETE')]);

    // Assert
    expect(report.failedMessageIds).toEqual(['m-1']);
    expect(b.readCalls).toEqual([]);
  });
});
