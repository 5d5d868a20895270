import { describe, expect, it } from 'vitest';
import { createPayoutBody } from '#shared/coindirect/client.ts';
import { BTC_ADDRESS, btcPayout, ETH_ADDRESS, MERCHANT_ID, XRP_ADDRESS } from './payout-fixtures.ts';

describe('createPayoutBody', () => {
  it('writes the exact Coindirect body when the payout is BTC', () => {
    // Act
    const body = createPayoutBody(btcPayout({ amount: '40.1', metadata: { orderId: 'o-1' } }));

    // Assert
    expect(body).toBe(
      `{"amount":40.1,"currency":"EUR","reference":"ref-000123","type":"OUT","merchantId":"${MERCHANT_ID}",` +
        `"payOutDetails":{"code":"crypto","currency":"BTC","address":"${BTC_ADDRESS}"}}`,
    );
  });

  it.each(['0.10000001', '12345678901234.5', '123456789012345678.12345678', '0.3'])(
    'writes amount %s as a JSON number with the same digits',
    (amount) => {
      // Act
      const body = createPayoutBody(btcPayout({ amount }));

      // Assert
      expect(body.startsWith(`{"amount":${amount},"currency"`)).toBe(true);
      expect(typeof JSON.parse(body).amount).toBe('number');
    },
  );

  it('appends ?dt=<tag> to the address and sends no protocol when the payout is XRP', () => {
    // Arrange
    const payout = btcPayout({ destination: { currency: 'XRP', address: XRP_ADDRESS, tag: '12345' } });

    // Act
    const details = JSON.parse(createPayoutBody(payout)).payOutDetails;

    // Assert
    expect(details).toEqual({ code: 'crypto', currency: 'XRP', address: `${XRP_ADDRESS}?dt=12345` });
  });

  it('appends ?dt=0 when the XRP tag is "0"', () => {
    // Arrange
    const payout = btcPayout({ destination: { currency: 'XRP', address: XRP_ADDRESS, tag: '0' } });

    // Act
    const details = JSON.parse(createPayoutBody(payout)).payOutDetails;

    // Assert
    expect(details.address).toBe(`${XRP_ADDRESS}?dt=0`);
  });

  it.each(['ERC20', 'TRC20'] as const)('includes protocol %s when the payout is USDT', (protocol) => {
    // Arrange
    const payout = btcPayout({ destination: { currency: 'USDT', address: ETH_ADDRESS, protocol } });

    // Act
    const details = JSON.parse(createPayoutBody(payout)).payOutDetails;

    // Assert
    expect(details).toEqual({ code: 'crypto', currency: 'USDT', address: ETH_ADDRESS, protocol });
  });

  it('sends no protocol key when the payout is ETH', () => {
    // Arrange
    const payout = btcPayout({ destination: { currency: 'ETH', address: ETH_ADDRESS } });

    // Act
    const details = JSON.parse(createPayoutBody(payout)).payOutDetails;

    // Assert
    expect(Object.keys(details)).toEqual(['code', 'currency', 'address']);
  });

  it('includes expiryMinutes and leaves metadata out when both are set', () => {
    // Act
    const body = JSON.parse(createPayoutBody(btcPayout({ expiryMinutes: 60, metadata: { a: 'b' } })));

    // Assert
    expect(body.expiryMinutes).toBe(60);
    expect(body.type).toBe('OUT');
    expect(body).not.toHaveProperty('metadata');
  });

  it.each(['1e5', '-1', '1,5', '1.'])('throws when the amount %j is not a plain decimal', (amount) => {
    // Act / Assert
    expect(() => createPayoutBody(btcPayout({ amount }))).toThrow(TypeError);
  });
});
