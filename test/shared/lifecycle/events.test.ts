import { describe, expect, it } from 'vitest';
import type { PayoutSummary } from '#shared/coindirect/responses.ts';
import { conflictEvent, rejectedEvent, submittedEvents } from '#shared/lifecycle/events.ts';
import type { ValidPayout } from '#shared/payout/schema.ts';

const AT = Date.UTC(2026, 10, 27, 12, 0, 0);
const payout: ValidPayout = {
  reference: 'order-0001',
  amount: '0.10000001',
  currency: 'EUR',
  merchantId: 'merchant-0001',
  destination: { currency: 'USDT', address: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', protocol: 'TRC20' },
  metadata: { customer: 'c-42' },
};
const created = (status: string): PayoutSummary => ({ uuid: 'cd-uuid', reference: 'order-0001', status });

describe('lifecycle events', () => {
  it('describes a submission with the exact amount, the uuid and the producer metadata, never the address', () => {
    // Act
    const [event] = submittedEvents(payout, created('PROCESSING'), AT);

    // Assert
    expect(event).toEqual({
      eventId: 'order-0001:submitted',
      detailType: 'PayoutSubmitted',
      detail: {
        schemaVersion: 1,
        eventId: 'order-0001:submitted',
        reference: 'order-0001',
        status: 'SUBMITTED',
        occurredAt: '2026-11-27T12:00:00.000Z',
        uuid: 'cd-uuid',
        coindirectStatus: 'PROCESSING',
        merchantId: 'merchant-0001',
        amount: '0.10000001',
        currency: 'EUR',
        destinationCurrency: 'USDT',
        metadata: { customer: 'c-42' },
      },
    });
    expect(JSON.stringify(event)).not.toContain(payout.destination.address);
  });

  it.each([
    ['COMPLETE', ['PayoutSubmitted', 'PayoutCompleted']],
    ['CANCELLED', ['PayoutSubmitted', 'PayoutCancelled']],
    ['PENDING', ['PayoutSubmitted']],
  ])('announces a payout already %s when submitted with %j', (status, types) => {
    // Act
    const events = submittedEvents(payout, created(status), AT);

    // Assert
    expect(events.map((e) => e.detailType)).toEqual(types);
  });

  it('gives the same transition the same id every time, and each rejection of a reference its own', () => {
    // Act
    const ids = [
      submittedEvents(payout, created('PENDING'), AT)[0]?.eventId,
      submittedEvents(payout, created('PENDING'), AT + 60_000)[0]?.eventId,
      rejectedEvent({ reference: 'order-0001', messageId: 'm-1', reasonCode: 'X', reason: 'x' }, AT).eventId,
      rejectedEvent({ reference: 'order-0001', messageId: 'm-2', reasonCode: 'X', reason: 'x' }, AT).eventId,
      conflictEvent(payout, 'REFERENCE_CONFLICT', 'amount differs', AT).eventId,
    ];

    // Assert
    expect(ids).toEqual([
      'order-0001:submitted',
      'order-0001:submitted',
      'order-0001:rejected:m-1',
      'order-0001:rejected:m-2',
      'order-0001:conflict',
    ]);
  });

  it('carries the reason of a rejection and a conflict', () => {
    // Act
    const rejected = rejectedEvent(
      {
        reference: 'order-0001',
        messageId: 'm-1',
        reasonCode: 'MER-PAY-2027',
        reason: 'bad address',
        payout,
      },
      AT,
    );
    const conflict = conflictEvent(payout, 'REFERENCE_CONFLICT', 'amount differs', AT);

    // Assert
    expect(rejected.detail).toMatchObject({
      status: 'REJECTED',
      reasonCode: 'MER-PAY-2027',
      reason: 'bad address',
    });
    expect(conflict.detail).toMatchObject({
      status: 'CONFLICT',
      reasonCode: 'REFERENCE_CONFLICT',
      amount: '0.10000001',
    });
  });
});
