import { describe, expect, it } from 'vitest';
import { payoutDigest } from '#shared/payout/digest.ts';
import type { ValidPayout } from '#shared/payout/schema.ts';

const PAYOUT: ValidPayout = {
  reference: 'order-000123',
  amount: '40.1',
  currency: 'EUR',
  destination: { currency: 'USDT', address: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', protocol: 'TRC20' },
  merchantId: '9a57c17a-1eef-48ff-83d0-b5892c99f767',
  metadata: { order: 'A-1' },
};

const XRP_PAYOUT: ValidPayout = {
  ...PAYOUT,
  destination: { currency: 'XRP', address: 'rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh', tag: '0' },
};

describe('payoutDigest', () => {
  it('returns a 64-character lower-case hex SHA-256', () => {
    // Act
    const digest = payoutDigest(PAYOUT);

    // Assert
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['the amount has trailing zeros', { ...PAYOUT, amount: '40.10' }],
    ['the metadata differs', { ...PAYOUT, metadata: { order: 'B-2', extra: 'x' } }],
    ['the expiry differs', { ...PAYOUT, expiryMinutes: 60 }],
    ['the reference differs', { ...PAYOUT, reference: 'order-000999' }],
  ])('is the same when only %s', (_, other: ValidPayout) => {
    // Act
    const [a, b] = [payoutDigest(PAYOUT), payoutDigest(other)];

    // Assert
    expect(b).toBe(a);
  });

  it.each([
    ['amount', PAYOUT, { ...PAYOUT, amount: '40.11' }],
    ['currency', PAYOUT, { ...PAYOUT, currency: 'USD' }],
    ['merchant', PAYOUT, { ...PAYOUT, merchantId: 'merchant-second-01' }],
    [
      'destination currency',
      XRP_PAYOUT,
      { ...XRP_PAYOUT, destination: { ...XRP_PAYOUT.destination, currency: 'BTC' } },
    ],
    [
      'address',
      PAYOUT,
      { ...PAYOUT, destination: { ...PAYOUT.destination, address: 'TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7' } },
    ],
    ['protocol', PAYOUT, { ...PAYOUT, destination: { ...PAYOUT.destination, protocol: 'ERC20' } }],
    ['tag', XRP_PAYOUT, { ...XRP_PAYOUT, destination: { ...XRP_PAYOUT.destination, tag: '1' } }],
    [
      'tag presence',
      XRP_PAYOUT,
      { ...XRP_PAYOUT, destination: { currency: 'XRP', address: XRP_PAYOUT.destination.address } },
    ],
  ] as const)('differs when the %s changes', (_, base: ValidPayout, other: ValidPayout) => {
    // Act
    const [a, b] = [payoutDigest(base), payoutDigest(other)];

    // Assert
    expect(b).not.toBe(a);
  });

  it('does not let a value shift between fields and collide', () => {
    // Arrange: naive concatenation would make these equal ("EUR" + "40.1" vs "EU" + "R40.1").
    const a = { ...PAYOUT, merchantId: 'merchant-1', currency: 'EUR' };
    const b = { ...PAYOUT, merchantId: 'merchant-1E', currency: 'UR' };

    // Act + Assert
    expect(payoutDigest(a)).not.toBe(payoutDigest(b));
  });
});
