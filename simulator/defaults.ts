import type { HawkCredential, SimMerchant } from './types.ts';

/** The credential a simulator accepts when none are given. Test-only values, not secrets of any account. */
export const DEFAULT_CREDENTIAL: HawkCredential = {
  id: 'sim-hawk-id',
  key: 'sim-hawk-key-5f0c1e9a7d3b42e8',
};

/** The merchant a simulator knows when none are given. */
export const DEFAULT_MERCHANT: SimMerchant = {
  merchantId: '9a57c17a-1eef-48ff-83d0-b5892c99f767',
  displayName: 'Simulator Merchant',
  secret: 'sim-webhook-secret',
};

/**
 * The digit whose payouts the simulator cancels when it settles payouts on its own (`--settle-after-ms`,
 * `autoProgress.cancelDigit`): every payout whose reference ends in 3 becomes CANCELLED, the others
 * COMPLETE. In examples/payouts.csv that is sample-btc-0003 and sample-ltc-0003.
 */
export const DEFAULT_CANCEL_DIGIT = 3;
