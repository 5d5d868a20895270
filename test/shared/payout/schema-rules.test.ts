import { describe, expect, it } from 'vitest';
import { payoutDigest } from '#shared/payout/digest.ts';
import { BTC_MESSAGE, GUARDRAILS, issuesOf, issuesOfBody, parse } from './fixtures.ts';

const BECH32 = 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq';

const XRP = { currency: 'XRP', address: 'rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh' };
const ETH = { currency: 'ETH', address: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed' };
const TRON = 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t';
const REFERENCE_RULE = 'must be 6–255 characters of A–Z a–z 0–9 . _ : -';

describe('parsePayoutMessage: reference', () => {
  it.each([
    ['too short', 'abc12', `${REFERENCE_RULE}, got "abc12"`],
    ['too long', 'r'.repeat(256), `${REFERENCE_RULE}, got a string of 256 characters`],
    ['with a space', 'order 123', `${REFERENCE_RULE}, got "order 123"`],
    ['a number', 1234567, `${REFERENCE_RULE}, got number`],
    ['missing', undefined, 'is required: 6–255 characters of A–Z a–z 0–9 . _ : -'],
  ])('rejects a reference that is %s', (_, reference, message) => {
    // Act
    const issues = issuesOf({ ...BTC_MESSAGE, reference });

    // Assert
    expect(issues).toEqual([{ path: 'reference', message }]);
  });
});

describe('parsePayoutMessage: amount', () => {
  it.each([
    ['a JSON number', '40.1', 'must be a decimal string like "40.10", got number'],
    ['a JSON number in exponent form', '1e5', 'must be a decimal string like "40.10", got number'],
    ['a string in exponent form', '"1e5"', 'must be a decimal string like "40.10", not exponent notation'],
    ['negative zero', '"-0"', 'must be a decimal string like "40.10" without a sign'],
    ['zero', '"0"', 'must be greater than 0'],
    ['zero with decimals', '"0.00"', 'must be greater than 0'],
    ['too precise', '"1.123456789"', 'must have at most 8 decimal places'],
    ['null', 'null', 'must be a decimal string like "40.10", got null'],
  ])('rejects an amount that is %s', (_, amountJson, message) => {
    // Arrange
    const body = `{"reference":"order-000123","amount":${amountJson},"currency":"EUR","destination":${JSON.stringify(BTC_MESSAGE.destination)}}`;

    // Act
    const issues = issuesOfBody(body);

    // Assert
    expect(issues).toEqual([{ path: 'amount', message }]);
  });

  it('rejects an amount one unit of the last decimal above the cap', () => {
    // Act
    const issues = issuesOf({ ...BTC_MESSAGE, amount: '1000.00000001' });

    // Assert
    expect(issues).toEqual([
      { path: 'amount', message: 'EUR has 2 decimals, got 1000.00000001' },
      { path: 'amount', message: 'must be at most 1000 EUR in this environment, got 1000.00000001' },
    ]);
  });

  it('refuses fiat amounts with more decimals than the currency has, naming the rule', () => {
    // Act
    const issues = issuesOf({ ...BTC_MESSAGE, amount: '10.125' });

    // Assert
    expect(issues).toEqual([{ path: 'amount', message: 'EUR has 2 decimals, got 10.125' }]);
  });

  it('accepts trailing zeros past the minor unit, since the value has no more decimals', () => {
    // Act
    const result = parse({ ...BTC_MESSAGE, amount: '10.1200' });

    // Assert
    expect(result.ok && result.payout.amount).toBe('10.12');
  });
});

describe('parsePayoutMessage: currency', () => {
  it.each([
    ['not enabled', 'GBP', 'GBP is not enabled in this environment; enabled: EUR, USD'],
    [
      'lower case',
      'eur',
      'must be an upper-case currency code like "EUR" (2–10 characters of A–Z 0–9), got "eur"',
    ],
    [
      'too long',
      'ABCDEFGHIJK',
      'must be an upper-case currency code like "EUR" (2–10 characters of A–Z 0–9), got "ABCDEFGHIJK"',
    ],
    [
      'an inherited key',
      'constructor',
      'must be an upper-case currency code like "EUR" (2–10 characters of A–Z 0–9), got "constructor"',
    ],
  ])('rejects a currency that is %s', (_, currency, message) => {
    // Act
    const issues = issuesOf({ ...BTC_MESSAGE, currency });

    // Assert
    expect(issues).toEqual([{ path: 'currency', message }]);
  });

  it('says none are enabled when the environment enables no currency', () => {
    // Act
    const issues = issuesOf(BTC_MESSAGE, { ...GUARDRAILS, maxAmounts: {} });

    // Assert
    expect(issues).toEqual([
      { path: 'currency', message: 'EUR is not enabled in this environment; enabled: none' },
    ]);
  });
});

describe('parsePayoutMessage: destination', () => {
  it.each([
    [
      'USDT without protocol',
      { currency: 'USDT', address: TRON },
      'destination.protocol',
      'is required for USDT: "ERC20" (Ethereum) or "TRC20" (Tron); wrong network = funds lost',
    ],
    [
      'USDT with an unknown protocol',
      { currency: 'USDT', address: TRON, protocol: 'BEP20' },
      'destination.protocol',
      'must be "ERC20" (Ethereum) or "TRC20" (Tron); wrong network = funds lost',
    ],
    [
      'ETH with a protocol',
      { ...ETH, protocol: 'ERC20' },
      'destination.protocol',
      'is only allowed for USDT, not ETH; remove it (wrong network = funds lost)',
    ],
    [
      'XRP without tag',
      XRP,
      'destination.tag',
      'is required for XRP: a string of digits like "12345" ("0" if none)',
    ],
    [
      'BTC with a tag',
      { ...BTC_MESSAGE.destination, tag: '1' },
      'destination.tag',
      'is only allowed for XRP, not BTC; remove it',
    ],
    [
      'XRP with a numeric tag',
      { ...XRP, tag: 12345 },
      'destination.tag',
      'must be a string of digits like "12345" ("0" if none), got number',
    ],
    [
      'XRP with a non-digit tag',
      { ...XRP, tag: '12a' },
      'destination.tag',
      'must be digits only, no leading zeros, like "12345" ("0" if none)',
    ],
    [
      'XRP with a leading-zero tag',
      { ...XRP, tag: '007' },
      'destination.tag',
      'must be digits only, no leading zeros, like "12345" ("0" if none)',
    ],
    [
      'XRP with a tag above uint32',
      { ...XRP, tag: '4294967296' },
      'destination.tag',
      'must be at most 4294967295 (uint32)',
    ],
    [
      'an unknown field',
      { ...BTC_MESSAGE.destination, memo: 'x' },
      'destination.memo',
      'is not a destination field (allowed: currency, address, protocol for USDT, tag for XRP)',
    ],
    [
      'an unsupported currency',
      { currency: 'DOGE', address: 'D8x' },
      'destination.currency',
      'unsupported destination currency DOGE; supported: BTC, ETH, LTC, USDT, XRP',
    ],
    [
      'an address over 128 characters',
      { currency: 'BTC', address: 'b'.repeat(129) },
      'destination.address',
      'must be at most 128 characters',
    ],
    [
      'an address with a bad checksum',
      { currency: 'BTC', address: '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb' },
      'destination.address',
      'is not a valid Bitcoin mainnet address (1…, 3…, bc1q… or bc1p…): checksum mismatch (typo?)',
    ],
    [
      'a testnet address on mainnet',
      { currency: 'BTC', address: 'mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn' },
      'destination.address',
      'is a Bitcoin testnet address, but this environment pays out on mainnet (1…, 3…, bc1q… or bc1p…)',
    ],
    [
      'a Tron address on ERC20',
      { currency: 'USDT', address: TRON, protocol: 'ERC20' },
      'destination.address',
      'looks like a Tron (TRC20) address, but destination.protocol is ERC20; wrong network = funds lost',
    ],
  ])('rejects %s', (_, destination, path, message) => {
    // Act
    const issues = issuesOf({ ...BTC_MESSAGE, destination });

    // Assert
    expect(issues).toEqual([{ path, message }]);
  });

  it('rejects a missing destination', () => {
    // Act
    const issues = issuesOf({ ...BTC_MESSAGE, destination: undefined });

    // Assert
    expect(issues).toEqual([
      { path: 'destination', message: 'is required: an object with currency and address' },
    ]);
  });
});

describe('parsePayoutMessage: merchantId, expiryMinutes and unknown fields', () => {
  it('rejects a merchantId that the environment does not allow', () => {
    // Act
    const issues = issuesOf({ ...BTC_MESSAGE, merchantId: 'merchant-unknown-9' });

    // Assert
    expect(issues).toEqual([
      { path: 'merchantId', message: 'is not allowed in this environment (omit it to use the default)' },
    ]);
  });

  it.each([0, 43_201, 1.5, '60', -5])('rejects expiryMinutes %j', (expiryMinutes) => {
    // Act
    const issues = issuesOf({ ...BTC_MESSAGE, expiryMinutes });

    // Assert
    expect(issues).toEqual([
      {
        path: 'expiryMinutes',
        message: `must be a whole number of minutes from 1 to 43200${typeof expiryMinutes === 'string' ? ', got string' : ''}`,
      },
    ]);
  });

  it('rejects each unknown top-level field by name', () => {
    // Act
    const issues = issuesOf({ ...BTC_MESSAGE, amountEur: '40', type: 'OUT' });

    // Assert
    const message =
      'is not a field of payout message v1 (allowed: reference, amount, currency, destination, merchantId, expiryMinutes, metadata)';
    expect(issues).toEqual([
      { path: 'amountEur', message },
      { path: 'type', message },
    ]);
  });

  it('caps the report at 100 issues and says how many more there were', () => {
    // Arrange
    const extra = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`field${i}`, 1]));

    // Act
    const issues = issuesOf({ ...BTC_MESSAGE, ...extra });

    // Assert
    expect(issues).toHaveLength(101);
    expect(issues.at(-1)).toEqual({ path: '(body)', message: '50 more issues not shown' });
  });
});

describe('parsePayoutMessage: metadata', () => {
  it.each([
    [
      '21 keys',
      Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v'])),
      'metadata',
      'must have at most 20 keys, got 21',
    ],
    [
      'a key with a space',
      { 'order id': 'x' },
      'metadata["order id"]',
      'is not a valid metadata key (1–64 characters of A–Z a–z 0–9 _ . : -)',
    ],
    [
      'a 65-character key',
      { ['k'.repeat(65)]: 'x' },
      `metadata.${'k'.repeat(65)}`,
      'is not a valid metadata key (1–64 characters of A–Z a–z 0–9 _ . : -)',
    ],
    ['a 513-character value', { note: 'v'.repeat(513) }, 'metadata.note', 'must be at most 512 characters'],
    ['a number value', { count: 3 }, 'metadata.count', 'must be a string, got number'],
    ['a nested object', { nested: { a: 'b' } }, 'metadata.nested', 'must be a string, got object'],
    ['an array', ['a'], 'metadata', 'must be a flat object of string values, got array'],
  ])('rejects metadata with %s', (_, metadata, path, message) => {
    // Act
    const issues = issuesOf({ ...BTC_MESSAGE, metadata });

    // Assert
    expect(issues).toEqual([{ path, message }]);
  });
});

describe('parsePayoutMessage: prototype pollution', () => {
  it.each([
    ['top level', '{"__proto__":{"polluted":"yes"}}', '__proto__', '__proto__'],
    [
      'destination',
      '{"destination":{"currency":"BTC","address":"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa","__proto__":{"polluted":"yes"}}}',
      'destination.__proto__',
      '__proto__',
    ],
    ['metadata', '{"metadata":{"__proto__":{"polluted":"yes"}}}', 'metadata.__proto__', '__proto__'],
    ['metadata (string value)', '{"metadata":{"__proto__":"x"}}', 'metadata.__proto__', '__proto__'],
    ['metadata (constructor)', '{"metadata":{"constructor":"x"}}', 'metadata.constructor', 'constructor'],
    ['metadata (prototype)', '{"metadata":{"prototype":"x"}}', 'metadata.prototype', 'prototype'],
    [
      'a nested unknown field',
      '{"extra":{"deep":[{"constructor":{"prototype":1}}]}}',
      'extra.deep[0].constructor',
      'constructor',
    ],
  ])('rejects a reserved key in %s and pollutes no prototype', (_, fragment, path, key) => {
    // Arrange: splice the fragment's fields into an otherwise valid message body.
    const fields = fragment.slice(1, -1);
    const base = JSON.stringify({
      ...BTC_MESSAGE,
      ...(fragment.includes('"destination"') ? { destination: undefined } : {}),
    });
    const body = `${base.slice(0, -1)},${fields}}`;

    // Act
    const issues = issuesOfBody(body);

    // Assert
    expect(issues).toContainEqual({
      path,
      message: `uses the reserved key name "${key}", which is never accepted`,
    });
    expect(issues.filter((issue) => issue.path === path)).toHaveLength(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('builds metadata without a prototype, so even odd keys cannot reach one', () => {
    // Act
    const result = parse({ ...BTC_MESSAGE, metadata: { toString: 'x', hasOwnProperty: 'y' } });

    // Assert
    expect(result.ok && Object.getPrototypeOf(result.payout.metadata)).toBeNull();
    expect(result.ok && result.payout.metadata.toString).toBe('x');
  });
});

describe('parsePayoutMessage: canonical forms', () => {
  it('lower-cases a bech32 address, so the digest and the request carry one form', () => {
    // Act
    const upper = parse({ ...BTC_MESSAGE, destination: { currency: 'BTC', address: BECH32.toUpperCase() } });
    const lower = parse({ ...BTC_MESSAGE, destination: { currency: 'BTC', address: BECH32 } });

    // Assert
    expect(upper.ok && upper.payout.destination.address).toBe(BECH32);
    expect(upper.ok && lower.ok && payoutDigest(upper.payout)).toBe(lower.ok && payoutDigest(lower.payout));
  });

  it('keeps a base58 address exactly as given', () => {
    // Act
    const result = parse(BTC_MESSAGE);

    // Assert
    expect(result.ok && result.payout.destination.address).toBe(BTC_MESSAGE.destination.address);
  });
});
