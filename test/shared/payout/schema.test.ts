import { describe, expect, it } from 'vitest';
import { parsePayoutMessage } from '#shared/payout/schema.ts';
import { BTC_MESSAGE, GUARDRAILS, parse } from './fixtures.ts';

describe('parsePayoutMessage: valid messages', () => {
  it.each([
    ['BTC', { currency: 'BTC', address: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq' }],
    ['ETH', { currency: 'ETH', address: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed' }],
    ['LTC', { currency: 'LTC', address: 'LTdsVS8VDw6syvfQADdhf2PHAm3rMGJvPX' }],
    [
      'USDT on ERC20',
      { currency: 'USDT', address: '0xdAC17F958D2ee523a2206206994597C13D831ec7', protocol: 'ERC20' },
    ],
    ['USDT on TRC20', { currency: 'USDT', address: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', protocol: 'TRC20' }],
    ['XRP', { currency: 'XRP', address: 'rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh', tag: '0' }],
  ])('accepts a %s payout and keeps its destination as sent', (_, destination) => {
    // Act
    const result = parse({ ...BTC_MESSAGE, destination });

    // Assert
    expect(result.ok && result.payout.destination).toEqual(destination);
  });

  it('returns the canonical amount, the default merchant and empty metadata when they are absent', () => {
    // Act
    const result = parse(BTC_MESSAGE);

    // Assert
    expect(result).toEqual({
      ok: true,
      payout: {
        reference: 'order-000123',
        amount: '40.1',
        currency: 'EUR',
        destination: BTC_MESSAGE.destination,
        merchantId: GUARDRAILS.defaultMerchantId,
        metadata: {},
      },
    });
  });

  it('keeps an allowed merchantId, expiryMinutes and metadata when they are given', () => {
    // Arrange
    const message = {
      ...BTC_MESSAGE,
      merchantId: 'merchant-second-01',
      expiryMinutes: 43_200,
      metadata: { 'order.id': 'A-1', customer: 'c-9' },
    };

    // Act
    const result = parse(message);

    // Assert
    expect(result.ok && result.payout.merchantId).toBe('merchant-second-01');
    expect(result.ok && result.payout.expiryMinutes).toBe(43_200);
    expect(result.ok && { ...result.payout.metadata }).toEqual({ 'order.id': 'A-1', customer: 'c-9' });
  });

  it('accepts the default merchantId when it is named explicitly', () => {
    // Act
    const result = parse({ ...BTC_MESSAGE, merchantId: GUARDRAILS.defaultMerchantId });

    // Assert
    expect(result.ok && result.payout.merchantId).toBe(GUARDRAILS.defaultMerchantId);
  });

  it('accepts an amount exactly at the cap, written with trailing zeros', () => {
    // Act
    const result = parse({ ...BTC_MESSAGE, currency: 'USD', amount: '500.500' });

    // Assert
    expect(result.ok && result.payout.amount).toBe('500.5');
  });

  it('accepts a testnet address when the environment pays out on testnet', () => {
    // Arrange
    const destination = {
      currency: 'BTC',
      address: 'tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7',
    };

    // Act
    const result = parse({ ...BTC_MESSAGE, destination }, { ...GUARDRAILS, addressNetwork: 'testnet' });

    // Assert
    expect(result.ok).toBe(true);
  });
});

describe('parsePayoutMessage: the body', () => {
  it('rejects a 1 MB body before parsing it', () => {
    // Arrange
    const body = JSON.stringify({ ...BTC_MESSAGE, metadata: { pad: 'x'.repeat(1024 * 1024) } });

    // Act
    const result = parsePayoutMessage(body, GUARDRAILS);

    // Assert
    expect(result).toEqual({
      ok: false,
      issues: [{ path: '(body)', message: `is ${body.length} bytes; the limit is 16384 bytes` }],
    });
  });

  it('measures the limit in UTF-8 bytes, not characters', () => {
    // Arrange: 6000 euro signs are 6000 characters but 18000 bytes.
    const body = JSON.stringify({ ...BTC_MESSAGE, metadata: { note: '€'.repeat(6000) } });

    // Act
    const result = parsePayoutMessage(body, GUARDRAILS);

    // Assert
    expect(result.ok ? [] : result.issues.map((issue) => issue.path)).toEqual(['(body)']);
  });

  it.each([
    ['not JSON', '{"reference": ', 'not valid JSON'],
    ['an empty body', '', 'not valid JSON'],
    ['an array', '[1, 2]', 'must be a JSON object, got array'],
    ['null', 'null', 'must be a JSON object, got null'],
    ['a number', '40.1', 'must be a JSON object, got number'],
    ['a string', '"hello"', 'must be a JSON object, got string'],
  ])('reports one (body) issue for %s', (_, body, message) => {
    // Act
    const result = parsePayoutMessage(body, GUARDRAILS);

    // Assert
    expect(result).toEqual({ ok: false, issues: [{ path: '(body)', message }] });
  });

  it('rejects deeply nested JSON without throwing', () => {
    // Arrange
    const body = `{"reference":"order-000123","destination":${'['.repeat(5000)}${']'.repeat(5000)}}`;

    // Act
    const result = parsePayoutMessage(body, GUARDRAILS);

    // Assert
    expect(result.ok ? [] : result.issues).toContainEqual({
      path: 'destination',
      message: 'must be an object with currency and address, got array',
    });
  });

  it('reports every issue with its path and keeps a valid reference', () => {
    // Act
    const result = parse({ reference: 'order-000123', amount: 40.1, currency: 'eur', destination: {} });

    // Assert
    expect(result).toEqual({
      ok: false,
      reference: 'order-000123',
      issues: [
        { path: 'amount', message: 'must be a decimal string like "40.10", got number' },
        {
          path: 'currency',
          message: 'must be an upper-case currency code like "EUR" (2–10 characters of A–Z 0–9), got "eur"',
        },
        {
          path: 'destination.currency',
          message: 'is required: a crypto currency code, one of BTC, ETH, LTC, USDT, XRP',
        },
      ],
    });
  });

  it('leaves reference out of a failure when the reference itself is invalid', () => {
    // Act
    const result = parse({ ...BTC_MESSAGE, reference: 'abc' });

    // Assert
    expect(result).toEqual({
      ok: false,
      issues: [{ path: 'reference', message: 'must be 6–255 characters of A–Z a–z 0–9 . _ : -, got "abc"' }],
    });
  });
});
