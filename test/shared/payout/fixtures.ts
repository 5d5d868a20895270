import { type PayoutGuardrails, type PayoutIssue, parsePayoutMessage } from '#shared/payout/schema.ts';

/** Shared fixtures for the payout schema tests: an environment and one valid message. */
export const GUARDRAILS: PayoutGuardrails = {
  defaultMerchantId: '9a57c17a-1eef-48ff-83d0-b5892c99f767',
  allowedMerchantIds: ['merchant-second-01'],
  maxAmounts: { EUR: '1000', USD: '500.50' },
  addressNetwork: 'mainnet',
  maxBodyBytes: 16_384,
};

export const BTC_MESSAGE = {
  reference: 'order-000123',
  amount: '40.10',
  currency: 'EUR',
  destination: { currency: 'BTC', address: '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa' },
};

export const parse = (message: unknown, guardrails: PayoutGuardrails = GUARDRAILS) =>
  parsePayoutMessage(JSON.stringify(message), guardrails);

/** The issues of a failed parse (an ok result yields a sentinel issue so assertions fail clearly). */
export const issuesOf = (message: unknown, guardrails?: PayoutGuardrails): readonly PayoutIssue[] => {
  const result = parse(message, guardrails);
  return result.ok ? [{ path: '(unexpectedly ok)', message: '' }] : result.issues;
};

/** The issues of a failed parse of a raw body (for JSON that JSON.stringify cannot produce). */
export const issuesOfBody = (body: string): readonly PayoutIssue[] => {
  const result = parsePayoutMessage(body, GUARDRAILS);
  return result.ok ? [{ path: '(unexpectedly ok)', message: '' }] : result.issues;
};
