import { describe, expect, it } from 'vitest';
import { loadStatusConfig, StatusConfigError } from '#functions/payout-status/config.ts';
import { loadWebhookConfig, WebhookConfigError } from '#functions/payout-webhook/config.ts';
import { ConfigError, loadConfig } from '#functions/payout-worker/config.ts';
import {
  type WholeNumberSetting,
  WORKER_SETTINGS,
  type WorkerSettingName,
  workerEnvironment,
} from '#shared/config/worker-settings.ts';

const REQUIRED = {
  COINDIRECT_BASE_URL: 'https://api.sandbox.coindirect.com',
  COINDIRECT_MERCHANT_ID: 'merchant-0001',
  HAWK_SECRET_ID: 'hawk',
  LEDGER_TABLE_NAME: 'payout-ledger',
  DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/payouts-dlq',
} as const;

const wholeNumberSettings = (Object.keys(WORKER_SETTINGS) as WorkerSettingName[]).flatMap((name) => {
  const setting = WORKER_SETTINGS[name];
  return 'min' in setting ? [[name, setting as WholeNumberSetting] as const] : [];
});

describe('WORKER_SETTINGS', () => {
  it('writes what the stack has so that the worker reads the same values back', () => {
    const env = workerEnvironment({
      ...REQUIRED,
      ALLOWED_MERCHANT_IDS: ['a-merchant-1', 'b-merchant-2'],
      PAYOUT_MAX_AMOUNTS: { EUR: '5000', JPY: '100000' },
      ADDRESS_NETWORK: 'testnet',
      RECORD_CONCURRENCY: 7,
      LEASE_SECONDS: 90,
      EVENT_BUS_NAME: 'payout-events',
    });

    expect(env).toMatchObject({
      ALLOWED_MERCHANT_IDS: 'a-merchant-1,b-merchant-2',
      PAYOUT_MAX_AMOUNTS: '{"EUR":"5000","JPY":"100000"}',
      RECORD_CONCURRENCY: '7',
    });
    expect(loadConfig(env)).toMatchObject({
      allowedMerchantIds: ['a-merchant-1', 'b-merchant-2'],
      maxAmounts: { EUR: '5000', JPY: '100000' },
      addressNetwork: 'testnet',
      recordConcurrency: 7,
      leaseMs: 90_000,
      eventBusName: 'payout-events',
    });
  });

  it('reads COINDIRECT_MAX_RPS as a positive number of requests per second, unset meaning no pacing', () => {
    const paced = loadConfig({
      ...REQUIRED,
      ...workerEnvironment({ COINDIRECT_MAX_RPS: 2.5, WORKER_MAX_CONCURRENCY: 5 }),
    });
    const unpaced = loadConfig(REQUIRED);

    expect(paced).toMatchObject({ coindirectMaxRps: 2.5, workerMaxConcurrency: 5 });
    expect(unpaced.coindirectMaxRps).toBeUndefined();
    expect(unpaced.workerMaxConcurrency).toBe(1);
    expect(() => loadConfig({ ...REQUIRED, COINDIRECT_MAX_RPS: '0' })).toThrow(
      'COINDIRECT_MAX_RPS: must be greater than 0 (unset it to turn pacing off)',
    );
    expect(() => loadConfig({ ...REQUIRED, COINDIRECT_MAX_RPS: 'fast' })).toThrow(
      'COINDIRECT_MAX_RPS: must be a number of requests per second like "20" or "2.5"',
    );
  });

  it('writes only the values given, in the order given', () => {
    expect(Object.entries(workerEnvironment({ RECORD_CONCURRENCY: 3, ADDRESS_NETWORK: 'testnet' }))).toEqual([
      ['RECORD_CONCURRENCY', '3'],
      ['ADDRESS_NETWORK', 'testnet'],
    ]);
  });

  it.each(wholeNumberSettings)(
    '%s: the worker takes its default, its range and nothing outside it',
    (name, s) => {
      expect(s.default).toBeGreaterThanOrEqual(s.min);
      expect(s.default).toBeLessThanOrEqual(s.max);
      // LEASE_SECONDS must also cover 3 × HTTP_TIMEOUT_MS; keep that cross-check out of the range test.
      const base = { ...REQUIRED, LEASE_SECONDS: '43200', HTTP_TIMEOUT_MS: '500' };
      for (const value of [s.min, s.max]) {
        expect(() => loadConfig({ ...base, [name]: String(value) })).not.toThrow();
      }
      expect(() => loadConfig({ ...base, [name]: String(s.max + 1) })).toThrow(
        `${name}: must be at most ${s.max}`,
      );
      if (s.min > 0) {
        expect(() => loadConfig({ ...base, [name]: String(s.min - 1) })).toThrow(
          `${name}: must be at least ${s.min}`,
        );
      }
    },
  );
});

describe('the functions’ configuration errors (shared/config/config-error.ts)', () => {
  it('share one format and keep their own names', () => {
    const errors = [() => loadConfig({}), () => loadStatusConfig({}), () => loadWebhookConfig({})].map(
      (load) => {
        try {
          load();
        } catch (error) {
          return error;
        }
        throw new Error('expected the configuration to be refused');
      },
    );

    expect(errors.map((error) => error instanceof ConfigError)).toEqual([true, true, true]);
    expect(errors.map((error) => (error as Error).name)).toEqual([
      'ConfigError',
      'StatusConfigError',
      'WebhookConfigError',
    ]);
    expect(errors[1]).toBeInstanceOf(StatusConfigError);
    expect(errors[2]).toBeInstanceOf(WebhookConfigError);
    expect((errors[0] as Error).message).toMatch(
      /^payout-worker configuration is invalid:\n {2}- COINDIRECT_BASE_URL: is required\n/,
    );
    expect((errors[1] as Error).message).toMatch(/^payout-status configuration is invalid:\n {2}- /);
    expect((errors[2] as Error).message).toBe(
      'payout-webhook configuration is invalid:\n  - WEBHOOK_SECRET_ID: is required\n  - STATUS_QUEUE_URL: is required',
    );
  });
});
