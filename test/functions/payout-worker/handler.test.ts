import { describe, expect, it } from 'vitest';
import { toBatchResponse, toDeliveries } from '#functions/payout-worker/handler.ts';

const record = (messageId: string, extra: Record<string, unknown> = {}) => ({
  messageId,
  receiptHandle: `rh-${messageId}`,
  body: '{}',
  attributes: { ApproximateReceiveCount: '3' },
  eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:payouts',
  ...extra,
});

describe('toDeliveries', () => {
  it('reads the receive count and queue of each record', () => {
    const { deliveries, malformedIds } = toDeliveries({ Records: [record('a')] });

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
    const { deliveries, malformedIds } = toDeliveries({
      Records: [record('a'), record('b', { body: 42 }), record('c')],
    });

    expect(deliveries.map((d) => d.messageId)).toEqual(['a', 'c']);
    expect(malformedIds).toEqual(['b']);
    expect(toBatchResponse({ failedMessageIds: ['c'], results: [] }, malformedIds)).toEqual({
      batchItemFailures: [{ itemIdentifier: 'b' }, { itemIdentifier: 'c' }],
    });
  });

  it('fails the whole batch when a record has no messageId, so nothing is silently dropped', () => {
    expect(() => toDeliveries({ Records: [record('a'), { body: '{}' }] })).toThrow(/without a messageId/);
  });

  it('refuses something that is not an SQS event', () => {
    expect(() => toDeliveries({ detail: {} })).toThrow(/not an SQS event/);
  });
});
