import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { PendingEvent } from '#shared/ledger/pending-events.ts';
import { EventPublisher } from '#shared/lifecycle/publisher.ts';
import { CapturingLogger } from '#test/support/pipeline-harness.ts';

const eventBridge = mockClient(EventBridgeClient);

beforeEach(() => {
  eventBridge.reset();
});

const event = (n: number): PendingEvent => ({
  eventId: `ref-${n}:submitted`,
  detailType: 'PayoutSubmitted',
  detail: { eventId: `ref-${n}:submitted`, reference: `ref-${n}`, occurredAt: '2026-11-27T12:00:00.000Z' },
});

function publisher() {
  const cleared: Array<{ reference: string; ids: readonly string[] }> = [];
  const metrics: Array<[string, number]> = [];
  const logger = new CapturingLogger();
  const p = new EventPublisher({
    client: new EventBridgeClient({ region: 'eu-west-1' }),
    eventBusName: 'coindirect-payouts-test',
    ledger: { clearPendingEvents: async (reference, ids) => void cleared.push({ reference, ids }) },
    metrics: { count: (name, value = 1) => void metrics.push([name, value]) },
    logger,
  });
  return { p, cleared, metrics, logger };
}

describe('EventPublisher', () => {
  it('puts each event on the bus with its source, detail-type, detail and time, then clears the markers', async () => {
    // Arrange
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    const { p, cleared, metrics } = publisher();

    // Act
    const report = await p.publish('ref-1', [event(1)]);

    // Assert
    expect(eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries).toEqual([
      {
        EventBusName: 'coindirect-payouts-test',
        Source: 'coindirect.payouts',
        DetailType: 'PayoutSubmitted',
        Detail: JSON.stringify(event(1).detail),
        Time: new Date('2026-11-27T12:00:00.000Z'),
      },
    ]);
    expect(report).toEqual({ published: ['ref-1:submitted'], failed: [] });
    expect(cleared).toEqual([{ reference: 'ref-1', ids: ['ref-1:submitted'] }]);
    expect(metrics).toEqual([['LifecycleEventsPublished', 1]]);
  });

  it('sends at most ten entries per call', async () => {
    // Arrange
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
      FailedEntryCount: 0,
      Entries: input.Entries.map(() => ({ EventId: 'e' })),
    }));
    const { p } = publisher();

    // Act
    const report = await p.publish(
      'ref',
      Array.from({ length: 12 }, (_, i) => event(i)),
    );

    // Assert
    expect(eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries?.length)).toEqual([
      10, 2,
    ]);
    expect(report.published).toHaveLength(12);
  });

  it('clears only the events EventBridge accepted; the others keep their markers', async () => {
    // Arrange
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ EventId: 'e-1' }, { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }],
    });
    const { p, cleared, metrics } = publisher();

    // Act
    const report = await p.publish('ref', [event(1), event(2)]);

    // Assert
    expect(report).toEqual({ published: ['ref-1:submitted'], failed: ['ref-2:submitted'] });
    expect(cleared).toEqual([{ reference: 'ref', ids: ['ref-1:submitted'] }]);
    expect(metrics).toEqual([
      ['LifecycleEventsPublished', 1],
      ['LifecycleEventPublishFailed', 1],
    ]);
  });

  it('never throws: an EventBridge outage leaves every marker for the sweep', async () => {
    // Arrange
    eventBridge
      .on(PutEventsCommand)
      .rejects(Object.assign(new Error('down'), { name: 'ServiceUnavailable' }));
    const { p, cleared, logger } = publisher();

    // Act
    const report = await p.publish('ref', [event(1)]);

    // Assert
    expect(report).toEqual({ published: [], failed: ['ref-1:submitted'] });
    expect(cleared).toEqual([]);
    expect(logger.lines.join('\n')).toMatch(/the sweep will publish them/);
  });

  it('never throws when the markers cannot be cleared (the event is only published once more later)', async () => {
    // Arrange
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    const logger = new CapturingLogger();
    const p = new EventPublisher({
      client: new EventBridgeClient({ region: 'eu-west-1' }),
      eventBusName: 'bus',
      ledger: {
        clearPendingEvents: async () => {
          throw new Error('ProvisionedThroughputExceeded');
        },
      },
      metrics: { count: () => undefined },
      logger,
    });

    // Act
    const report = await p.publish('ref', [event(1)]);

    // Assert
    expect(report.published).toEqual(['ref-1:submitted']);
    expect(logger.lines.join('\n')).toMatch(/could not clear their markers/);
  });
});
