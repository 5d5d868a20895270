import { describe, expect, it } from 'vitest';
import { parseQueuedSqsEvent, parseSqsEvent, toBatchResponse } from '#functions/sqs-records.ts';

// Moved from test/functions/payout-worker/handler.test.ts (toDeliveries → parseQueuedSqsEvent).
const record = (messageId: string, extra: Record<string, unknown> = {}) => ({
  messageId,
  receiptHandle: `rh-${messageId}`,
  body: '{}',
  attributes: { ApproximateReceiveCount: '3' },
  eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:payouts',
  ...extra,
});

describe('parseQueuedSqsEvent (the payout worker)', () => {
  it('reads the receive count and queue of each record', () => {
    const { deliveries, malformedIds } = parseQueuedSqsEvent({ Records: [record('a')] });

    expect(malformedIds).toEqual([]);
    expect(deliveries).toEqual([
      {
        messageId: 'a',
        receiptHandle: 'rh-a',
        body: '{}',
        receiveCount: 3,
        queueArn: 'arn:aws:sqs:eu-west-1:123456789012:payouts',
      },
    ]);
  });

  it('reports a malformed record as a failure without touching its neighbours', () => {
    const { deliveries, malformedIds } = parseQueuedSqsEvent({
      Records: [record('a'), record('b', { body: 42 }), record('c')],
    });

    expect(deliveries.map((d) => d.messageId)).toEqual(['a', 'c']);
    expect(malformedIds).toEqual(['b']);
    expect(toBatchResponse({ failedMessageIds: ['c'], results: [] }, malformedIds)).toEqual({
      batchItemFailures: [{ itemIdentifier: 'b' }, { itemIdentifier: 'c' }],
    });
  });

  it('fails the whole batch when a record has no messageId, so nothing is silently dropped', () => {
    expect(() => parseQueuedSqsEvent({ Records: [record('a'), { body: '{}' }] })).toThrow(
      /without a messageId/,
    );
  });

  it('refuses something that is not an SQS event', () => {
    expect(() => parseQueuedSqsEvent({ detail: {} })).toThrow(/not an SQS event/);
  });
});

// Moved from test/functions/payout-status/handler.test.ts (toStatusDeliveries → parseSqsEvent).
const statusRecord = (messageId: string, body: string, receiveCount = '1') => ({
  messageId,
  receiptHandle: `rh-${messageId}`,
  body,
  attributes: { ApproximateReceiveCount: receiveCount },
  eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:status',
});

describe('parseSqsEvent (the payout-status handler)', () => {
  it('reads the receive count of each record and reports records it cannot read as failures', () => {
    // Act
    const { deliveries, malformedIds } = parseSqsEvent({
      Records: [statusRecord('a', '{}', '2'), { messageId: 'b', body: '{}' }],
    });

    // Assert
    expect(deliveries).toEqual([{ messageId: 'a', body: '{}', receiveCount: 2 }]);
    expect(malformedIds).toEqual(['b']);
  });

  it('fails the whole batch for a record without a messageId, so nothing is dropped', () => {
    // Act
    const act = () => parseSqsEvent({ Records: [{ body: '{}' }] });

    // Assert
    expect(act).toThrow('SQS record without a messageId');
  });
});
