import { createHash } from 'node:crypto';
import { canonicalDecimal } from './decimal.ts';
import type { ValidPayout } from './schema.ts';

/**
 * Fingerprint of a payout's money-relevant content: merchant, canonical amount, price currency and the
 * full destination (currency, address, protocol, tag). Metadata and expiry are left out, so a redelivery
 * that only changes them is still the same payout; any change that moves money differently is a
 * different digest (a CONFLICT for the same reference).
 *
 * Addresses are compared exactly as sent (no case folding), so a re-sent address in another case is a
 * conflict rather than silently treated as equal.
 *
 * @returns lower-case hex SHA-256 of a canonical JSON document, versioned with `v: 1`.
 * @example
 * payoutDigest({ ...payout, amount: '40.10' }) === payoutDigest({ ...payout, amount: '40.1' }); // true
 */
export function payoutDigest(payout: ValidPayout): string {
  // Fixed key order and explicit nulls: the JSON text is the canonical form.
  const content = {
    v: 1,
    merchantId: payout.merchantId,
    amount: canonicalDecimal(payout.amount),
    currency: payout.currency,
    destination: {
      currency: payout.destination.currency,
      address: payout.destination.address,
      protocol: payout.destination.protocol ?? null,
      tag: payout.destination.tag ?? null,
    },
  };
  return createHash('sha256').update(JSON.stringify(content), 'utf8').digest('hex');
}
