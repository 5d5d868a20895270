import { describe, expect, it } from 'vitest';
import { differencesFrom } from '#shared/coindirect/reconcile.ts';
import { btcPayout, btcSummary, ETH_ADDRESS, XRP_ADDRESS } from './payout-fixtures.ts';

const xrpPayout = (tag: string) => btcPayout({ destination: { currency: 'XRP', address: XRP_ADDRESS, tag } });
const xrpSummary = (address: string, tag: string | number | null = null) =>
  btcSummary({ paidCurrency: { currency: 'XRP', amount: 80 }, address: { address, tag, protocol: null } });

describe('differencesFrom', () => {
  it('returns no differences when Coindirect holds the same content', () => {
    // Act
    const differences = differencesFrom(btcPayout(), btcSummary());

    // Assert
    expect(differences).toEqual([]);
  });

  it('returns no differences when the amount is 40.1 at Coindirect and "40.10" in the message', () => {
    // Arrange
    const payout = btcPayout({ amount: '40.10' });
    const summary = btcSummary({ displayCurrency: { currency: 'EUR', amount: 40.1, actual: 0 } });

    // Act
    const differences = differencesFrom(payout, summary);

    // Assert
    expect(differences).toEqual([]);
  });

  it('returns no differences when Coindirect writes the amount in exponent form (1E+4)', () => {
    // Arrange
    const summary = btcSummary({ displayCurrency: JSON.parse('{"currency":"EUR","amount":1E+4}') });

    // Act
    const differences = differencesFrom(btcPayout({ amount: '10000' }), summary);

    // Assert
    expect(differences).toEqual([]);
  });

  it('returns no differences when Coindirect writes the price currency in lower case', () => {
    // Arrange
    const summary = btcSummary({ displayCurrency: { currency: 'eur', amount: 40.1 } });

    // Act
    const differences = differencesFrom(btcPayout(), summary);

    // Assert
    expect(differences).toEqual([]);
  });

  it.each([
    ['amount', btcSummary({ displayCurrency: { currency: 'EUR', amount: 40.11 } })],
    ['currency', btcSummary({ displayCurrency: { currency: 'USD', amount: 40.1 } })],
    ['merchantId', btcSummary({ merchantId: 'another-merchant' })],
    [
      'destination.address',
      btcSummary({ address: { address: 'bc1qsomeoneelse', tag: null, protocol: null } }),
    ],
    ['destination.currency', btcSummary({ paidCurrency: { currency: 'LTC', amount: 1 } })],
    ['type', btcSummary({ type: 'IN' })],
  ])('names %s when only that field differs', (field, summary) => {
    // Act
    const differences = differencesFrom(btcPayout(), summary);

    // Assert
    expect(differences).toHaveLength(1);
    expect(differences[0]?.startsWith(`${field}:`)).toBe(true);
  });

  it('shows both values when the amount differs', () => {
    // Arrange
    const summary = btcSummary({ displayCurrency: { currency: 'EUR', amount: 4.01 } });

    // Act
    const differences = differencesFrom(btcPayout({ amount: '40.1' }), summary);

    // Assert
    expect(differences).toEqual(['amount: message has 40.1, Coindirect has "4.01"']);
  });

  it('reports amount and currency when displayCurrency is missing', () => {
    // Arrange
    const summary = btcSummary({ displayCurrency: null });

    // Act
    const differences = differencesFrom(btcPayout(), summary);

    // Assert
    expect(differences.some((d) => d.startsWith('amount:'))).toBe(true);
    expect(differences.some((d) => d.startsWith('currency:'))).toBe(true);
  });

  it('reports a difference when Coindirect returns no merchantId', () => {
    // Arrange
    const { merchantId: _dropped, ...rest } = btcSummary();

    // Act
    const differences = differencesFrom(btcPayout(), rest);

    // Assert
    expect(differences).toEqual([expect.stringMatching(/^merchantId:/)]);
  });

  it('reports a difference when Coindirect returns no address', () => {
    // Act
    const differences = differencesFrom(btcPayout(), btcSummary({ address: null }));

    // Assert
    expect(differences).toEqual([expect.stringMatching(/^destination\.address:/)]);
  });

  it('compares an ETH address without regard to case', () => {
    // Arrange
    const payout = btcPayout({ destination: { currency: 'ETH', address: ETH_ADDRESS } });
    const summary = btcSummary({
      paidCurrency: { currency: 'ETH', amount: 0.01 },
      address: { address: ETH_ADDRESS.toLowerCase(), tag: null, protocol: 'ETH' },
    });

    // Act
    const differences = differencesFrom(payout, summary);

    // Assert
    expect(differences).toEqual([]);
  });

  it('compares a base58 address case-sensitively', () => {
    // Arrange: base58 is case-sensitive; a legacy BTC address in another case is another address.
    const legacy = '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa';
    const payout = btcPayout({ destination: { currency: 'BTC', address: legacy } });
    const summary = btcSummary({ address: { address: legacy.toLowerCase(), tag: null, protocol: null } });

    // Act
    const differences = differencesFrom(payout, summary);

    // Assert
    expect(differences).toEqual([expect.stringMatching(/^destination\.address:/)]);
  });

  it('compares a bech32 address in any case: Coindirect may store it lower- or upper-cased', () => {
    // Arrange
    const summary = btcSummary({
      address: { address: btcPayout().destination.address.toUpperCase(), tag: null, protocol: null },
    });

    // Act
    const differences = differencesFrom(btcPayout(), summary);

    // Assert
    expect(differences).toEqual([]);
  });

  it('reads a zero-padded tag at Coindirect as the same number', () => {
    // Act
    const differences = differencesFrom(xrpPayout('7'), xrpSummary(XRP_ADDRESS, '007'));

    // Assert
    expect(differences).toEqual([]);
  });

  it('reads the XRP tag from the ?dt= suffix when Coindirect returns the address in that form', () => {
    // Act
    const differences = differencesFrom(xrpPayout('12345'), xrpSummary(`${XRP_ADDRESS}?dt=12345`));

    // Assert
    expect(differences).toEqual([]);
  });

  it('reports the tag when the ?dt= suffix holds another tag', () => {
    // Act
    const differences = differencesFrom(xrpPayout('12345'), xrpSummary(`${XRP_ADDRESS}?dt=999`));

    // Assert
    expect(differences).toEqual([expect.stringMatching(/^destination\.tag:/)]);
  });

  it('reads the XRP tag from the tag field when Coindirect returns it separately as a number', () => {
    // Act
    const differences = differencesFrom(xrpPayout('0'), xrpSummary(XRP_ADDRESS, 0));

    // Assert
    expect(differences).toEqual([]);
  });

  it('reports the tag when Coindirect returns no tag at all for an XRP payout', () => {
    // Act
    const differences = differencesFrom(xrpPayout('12345'), xrpSummary(XRP_ADDRESS));

    // Assert
    expect(differences).toEqual([expect.stringMatching(/^destination\.tag:/)]);
  });

  it('reports the protocol when a USDT payout is ERC20 and Coindirect says TRC20', () => {
    // Arrange
    const payout = btcPayout({ destination: { currency: 'USDT', address: ETH_ADDRESS, protocol: 'ERC20' } });
    const summary = btcSummary({
      paidCurrency: { currency: 'USDT', amount: 40 },
      address: { address: ETH_ADDRESS, tag: null, protocol: 'TRC20' },
    });

    // Act
    const differences = differencesFrom(payout, summary);

    // Assert
    expect(differences).toEqual([expect.stringMatching(/^destination\.protocol:/)]);
  });

  it('lists every differing field when several differ', () => {
    // Arrange
    const summary = btcSummary({
      merchantId: 'other-merchant',
      displayCurrency: { currency: 'USD', amount: 1 },
    });

    // Act
    const differences = differencesFrom(btcPayout(), summary);

    // Assert
    expect(differences.map((d) => d.split(':')[0])).toEqual(['merchantId', 'currency', 'amount']);
  });
});
