import { describe, expect, it } from 'vitest';
import type { PayoutGuardrails } from '#shared/payout/schema.ts';
import { NO_CAP, resolveGuardrails, settingsFromWorkerEnv } from '#tools/lib/guardrails.ts';
import { validateRows } from '#tools/lib/validate-rows.ts';

const GUARDRAILS: PayoutGuardrails = {
  defaultMerchantId: 'merchant-default-01',
  allowedMerchantIds: [],
  maxAmounts: { EUR: '1000' },
  addressNetwork: 'mainnet',
  maxBodyBytes: 16_384,
};

const payout = (reference: string, extra: Record<string, unknown> = {}) => ({
  reference,
  amount: '40.10',
  currency: 'EUR',
  destination: { currency: 'BTC', address: '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa' },
  ...extra,
});

describe('validateRows', () => {
  it('keeps valid rows as written and reports every issue of the others with line and field', () => {
    // Arrange
    const rows = [
      { line: 2, value: payout('row-000001', { amount: '40.10' }) },
      { line: 3, value: payout('row-000002', { amount: 40.1, currency: 'GBP' }) },
      { line: 4, value: 'not an object' },
    ];

    // Act
    const { valid, issues } = validateRows(rows, GUARDRAILS);

    // Assert
    expect(valid).toEqual([{ line: 2, reference: 'row-000001', message: payout('row-000001') }]);
    expect(issues.map((i) => [i.line, i.field])).toEqual([
      [3, 'amount'],
      [3, 'currency'],
      [4, '(body)'],
    ]);
    expect(issues[0]?.reason).toMatch(/decimal string/);
  });

  it('reports a reference repeated in the same file, naming the first line', () => {
    // Arrange
    const rows = [
      { line: 2, value: payout('row-000001') },
      { line: 9, value: payout('row-000001', { amount: '12' }) },
    ];

    // Act
    const { valid, issues } = validateRows(rows, GUARDRAILS);

    // Assert
    expect(valid.map((v) => v.line)).toEqual([2]);
    expect(issues).toEqual([
      { line: 9, field: 'reference', reason: 'repeats line 2: one reference is at most one payout' },
    ]);
  });
});

describe('resolveGuardrails', () => {
  it('is permissive about caps and merchants when no source sets them, but still checks addresses', () => {
    // Arrange
    const rows = [
      payout('row-000001', { amount: '99999999', currency: 'JPY', merchantId: 'other-merchant-7' }),
      payout('row-000002', {
        destination: { currency: 'BTC', address: '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb' },
      }),
    ];

    // Act
    const { guardrails, description } = resolveGuardrails([], rows);
    const { valid, issues } = validateRows(
      rows.map((value, i) => ({ line: i + 2, value })),
      guardrails,
    );

    // Assert
    expect(guardrails.maxAmounts).toEqual({ JPY: NO_CAP, EUR: NO_CAP });
    expect(valid.map((v) => v.reference)).toEqual(['row-000001']);
    expect(issues.map((i) => [i.line, i.field])).toEqual([[3, 'destination.address']]);
    expect(description[0]).toBe('amount caps: permissive: no cap, any price currency');
  });

  it('takes each value from the first source that sets it', () => {
    // Arrange
    const flags = { name: 'flags', settings: { addressNetwork: 'testnet' as const } };
    const worker = {
      name: 'the deployed worker',
      settings: settingsFromWorkerEnv(
        {
          PAYOUT_MAX_AMOUNTS: '{"EUR":"500"}',
          COINDIRECT_MERCHANT_ID: 'merchant-a-01',
          ADDRESS_NETWORK: 'mainnet',
        },
        'worker',
      ),
    };
    const shell = {
      name: 'environment variables',
      settings: { maxAmounts: { EUR: '9' }, maxBodyBytes: 2048 },
    };

    // Act
    const { guardrails, description } = resolveGuardrails([flags, worker, shell], []);

    // Assert
    expect(guardrails).toEqual({
      maxAmounts: { EUR: '500' },
      defaultMerchantId: 'merchant-a-01',
      allowedMerchantIds: [],
      addressNetwork: 'testnet',
      maxBodyBytes: 2048,
    });
    expect(description).toEqual([
      'amount caps: the deployed worker',
      'merchants: the deployed worker',
      'address network: testnet (flags)',
      'body limit: 2048 bytes (environment variables)',
    ]);
  });

  it('rejects a malformed cap setting with a message naming where it came from', () => {
    // Act
    const read = () => settingsFromWorkerEnv({ PAYOUT_MAX_AMOUNTS: '{"EUR": 5000}' }, 'environment variable');

    // Assert
    expect(read).toThrow(/environment variable PAYOUT_MAX_AMOUNTS: amounts must be decimal strings/);
  });
});
