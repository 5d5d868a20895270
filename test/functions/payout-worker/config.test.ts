import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '#functions/payout-worker/config.ts';

const REQUIRED = {
  COINDIRECT_BASE_URL: 'https://api.sandbox.coindirect.com',
  COINDIRECT_MERCHANT_ID: '9a57c17a-1eef-48ff-83d0-b5892c99f767',
  HAWK_SECRET_ID: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:hawk',
  LEDGER_TABLE_NAME: 'payout-ledger',
  DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/payouts-dlq',
};

describe('loadConfig', () => {
  it('applies safe defaults when only the five required variables are set', () => {
    const config = loadConfig(REQUIRED);

    expect(config).toMatchObject({
      merchantId: REQUIRED.COINDIRECT_MERCHANT_ID,
      allowedMerchantIds: [],
      maxAmounts: { EUR: '1000', USD: '1000', GBP: '1000' },
      addressNetwork: 'mainnet',
      recordConcurrency: 10,
      leaseMs: 120_000,
      resendSettleMs: 30_000,
      signQuery: true,
    });
  });

  it('reads RESEND_SETTLE_SECONDS in 0–900 and refuses anything else', () => {
    expect(loadConfig({ ...REQUIRED, RESEND_SETTLE_SECONDS: '0' }).resendSettleMs).toBe(0);
    expect(loadConfig({ ...REQUIRED, RESEND_SETTLE_SECONDS: '900' }).resendSettleMs).toBe(900_000);
    expect(() => loadConfig({ ...REQUIRED, RESEND_SETTLE_SECONDS: '901' })).toThrow(
      /RESEND_SETTLE_SECONDS: must be at most 900/,
    );
    expect(() => loadConfig({ ...REQUIRED, RESEND_SETTLE_SECONDS: '2.5' })).toThrow(
      /RESEND_SETTLE_SECONDS: must be a whole number/,
    );
  });

  it('reads the metrics namespace from POWERTOOLS_METRICS_NAMESPACE, else its old name METRICS_NAMESPACE', () => {
    const both = { POWERTOOLS_METRICS_NAMESPACE: 'NewName', METRICS_NAMESPACE: 'OldName' };

    expect(loadConfig({ ...REQUIRED, ...both }).metricsNamespace).toBe('NewName');
    expect(loadConfig({ ...REQUIRED, METRICS_NAMESPACE: 'OldName' }).metricsNamespace).toBe('OldName');
    expect(loadConfig(REQUIRED).metricsNamespace).toBe('CoindirectPayouts');
    expect(() => loadConfig({ ...REQUIRED, POWERTOOLS_METRICS_NAMESPACE: '' })).toThrow(
      /POWERTOOLS_METRICS_NAMESPACE: must name the CloudWatch namespace, or be unset/,
    );
  });

  it('refuses a cap for a price currency whose minor unit it does not know', () => {
    expect(() => loadConfig({ ...REQUIRED, PAYOUT_MAX_AMOUNTS: '{"EUR":"10","XYZ":"10"}' })).toThrow(
      /PAYOUT_MAX_AMOUNTS: XYZ has no known minor unit; supported: .*EUR/,
    );
  });

  it('names every missing required variable', () => {
    expect(() => loadConfig({})).toThrow(ConfigError);
    try {
      loadConfig({});
    } catch (error) {
      const message = (error as Error).message;
      for (const name of Object.keys(REQUIRED)) expect(message).toContain(`${name}: is required`);
    }
  });

  it('says what was expected for a bad value', () => {
    expect(() => loadConfig({ ...REQUIRED, RECORD_CONCURRENCY: '0' })).toThrow(
      /RECORD_CONCURRENCY: must be at least 1/,
    );
    expect(() => loadConfig({ ...REQUIRED, ADDRESS_NETWORK: 'regtest' })).toThrow(
      /ADDRESS_NETWORK: must be "mainnet" or "testnet"/,
    );
    expect(() => loadConfig({ ...REQUIRED, COINDIRECT_BASE_URL: 'ftp://x' })).toThrow(
      /COINDIRECT_BASE_URL: must be an http\(s\) URL/,
    );
    expect(() => loadConfig({ ...REQUIRED, PAYOUT_MAX_AMOUNTS: '{"EUR": 5000}' })).toThrow(
      /PAYOUT_MAX_AMOUNTS: must map/,
    );
    expect(() => loadConfig({ ...REQUIRED, PAYOUT_MAX_AMOUNTS: 'EUR=5000' })).toThrow(
      /PAYOUT_MAX_AMOUNTS: must be JSON/,
    );
  });

  it('refuses a lease shorter than three Coindirect calls', () => {
    expect(() => loadConfig({ ...REQUIRED, LEASE_SECONDS: '30', HTTP_TIMEOUT_MS: '15000' })).toThrow(
      /LEASE_SECONDS: must cover/,
    );
  });

  it('parses the optional lists and maps', () => {
    const config = loadConfig({
      ...REQUIRED,
      ALLOWED_MERCHANT_IDS: ' a-merchant-1 , b-merchant-2,',
      PAYOUT_MAX_AMOUNTS: '{"JPY":"100000"}',
    });

    expect(config.allowedMerchantIds).toEqual(['a-merchant-1', 'b-merchant-2']);
    expect(config.maxAmounts).toEqual({ JPY: '100000' });
  });

  it('has no daily limits unless PAYOUT_DAILY_LIMITS is set, then reads them', () => {
    expect(loadConfig(REQUIRED).dailyLimits).toEqual({});
    expect(
      loadConfig({ ...REQUIRED, PAYOUT_DAILY_LIMITS: '{"EUR":"25000.50","JPY":"5000000"}' }).dailyLimits,
    ).toEqual({ EUR: '25000.50', JPY: '5000000' });
  });

  it.each([
    ['EUR=5000', /PAYOUT_DAILY_LIMITS: must be JSON/],
    ['{"EUR":5000}', /PAYOUT_DAILY_LIMITS: must map currency codes to decimal strings/],
    ['{"XYZ":"5000"}', /PAYOUT_DAILY_LIMITS: XYZ has no known minor unit/],
    ['{"EUR":"0"}', /PAYOUT_DAILY_LIMITS: EUR must be greater than 0, got 0/],
    ['{"JPY":"5000.5"}', /PAYOUT_DAILY_LIMITS: JPY has 0 decimals, got 5000.5/],
    ['{"EUR":"999.99"}', /PAYOUT_DAILY_LIMITS: EUR 999.99 is below PAYOUT_MAX_AMOUNTS EUR 1000/],
  ])('refuses PAYOUT_DAILY_LIMITS %s', (value, message) => {
    expect(() => loadConfig({ ...REQUIRED, PAYOUT_DAILY_LIMITS: value })).toThrow(message);
  });
});
