import { describe, expect, it } from 'vitest';
import { payoutAttributes, recordFromItem } from '#shared/ledger/record.ts';
import type { ValidPayout } from '#shared/payout/schema.ts';
import { btcPayout, ETH_ADDRESS, XRP_ADDRESS } from '../coindirect/payout-fixtures.ts';
import { stored } from './ledger-fixtures.ts';

const base = { reference: { S: 'ref-000123' }, state: { S: 'CLAIMED' } };

describe('recordFromItem', () => {
  it.each([
    ['a BTC payout', btcPayout({ metadata: { orderId: 'o-1', customer: 'c-9' } })],
    [
      'a USDT payout',
      btcPayout({ destination: { currency: 'USDT', address: ETH_ADDRESS, protocol: 'TRC20' } }),
    ],
    ['an XRP payout', btcPayout({ destination: { currency: 'XRP', address: XRP_ADDRESS, tag: '0' } })],
  ])('round-trips the payout attributes when reading back %s', (_label, payout: ValidPayout) => {
    // Arrange
    const item = { ...base, ...payoutAttributes(payout) };

    // Act
    const record = recordFromItem(item);

    // Assert
    expect(record).toMatchObject({
      amount: payout.amount,
      currency: payout.currency,
      merchantId: payout.merchantId,
      destinationCurrency: payout.destination.currency,
      destinationAddress: payout.destination.address,
    });
    expect(record?.destinationProtocol).toBe(payout.destination.protocol);
    expect(record?.destinationTag).toBe(payout.destination.tag);
    expect({ ...record?.metadata }).toEqual(payout.metadata);
  });

  it('returns undefined when there is no item', () => {
    // Act
    const record = recordFromItem(undefined);

    // Assert
    expect(record).toBeUndefined();
  });

  it.each([
    ['has no reference', { state: { S: 'CLAIMED' } }],
    ['has an unknown state', { reference: { S: 'r' }, state: { S: 'PENDING' } }],
    ['has a numeric state', { reference: { S: 'r' }, state: { N: '1' } }],
  ])('returns undefined when the item %s', (_label, item) => {
    // Act
    const record = recordFromItem(item);

    // Assert
    expect(record).toBeUndefined();
  });

  it('reads lease, counters and sendAttempted when present', () => {
    // Arrange
    const item = {
      ...stored({
        state: 'CLAIMED',
        digest: 'd',
        leaseOwner: 'o',
        leaseUntil: 1_800_000_060_000,
        sendAttempted: true,
      }),
      attempts: { N: '3' },
      conflictCount: { N: '2' },
    };

    // Act
    const record = recordFromItem(item);

    // Assert
    expect(record).toMatchObject({
      state: 'CLAIMED',
      digest: 'd',
      leaseOwner: 'o',
      leaseUntil: 1_800_000_060_000,
      sendAttempted: true,
      attempts: 3,
      conflictCount: 2,
    });
  });

  it('defaults counters to 0, sendAttempted to false and metadata to empty when absent', () => {
    // Act
    const record = recordFromItem({ reference: { S: 'r' }, state: { S: 'REJECTED' } });

    // Assert
    expect(record).toMatchObject({ attempts: 0, conflictCount: 0, sendAttempted: false });
    expect(Object.keys(record?.metadata ?? { x: 1 })).toEqual([]);
    expect(record).not.toHaveProperty('leaseUntil');
  });

  it('keeps metadata keys that look like prototype names as plain data', () => {
    // Arrange
    const item = { ...base, metadata: { M: { constructor: { S: 'x' }, toString: { S: 'y' } } } };

    // Act
    const record = recordFromItem(item);

    // Assert
    expect(record?.metadata.constructor).toBe('x');
    expect(Object.getPrototypeOf(record?.metadata)).toBeNull();
  });
});

describe('payoutAttributes', () => {
  it('writes protocol and tag only when the destination has them', () => {
    // Act
    const attributes = payoutAttributes(btcPayout());

    // Assert
    expect(Object.keys(attributes).sort()).toEqual(
      ['amount', 'currency', 'destinationAddress', 'destinationCurrency', 'merchantId', 'metadata'].sort(),
    );
  });

  it('writes every value as a string attribute and metadata as a map', () => {
    // Act
    const attributes = payoutAttributes(btcPayout({ amount: '0.10000001', metadata: { k: 'v' } }));

    // Assert
    expect(attributes.amount).toEqual({ S: '0.10000001' });
    expect(attributes.metadata).toEqual({ M: { k: { S: 'v' } } });
  });
});
