import { describe, expect, it } from 'vitest';
import type { PayoutSummary } from '#shared/coindirect/responses.ts';
import { InMemoryLedger } from '#shared/ledger/in-memory-ledger.ts';
import type { ValidPayout } from '#shared/payout/schema.ts';
import type { LoggerPort } from '#shared/processing/ports.ts';
import { type BatchDeps, processBatch, type QueuedDelivery } from '#shared/processing/process-batch.ts';
import { recordLogger } from '#shared/processing/record-logger.ts';

const ETH = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
const body = (reference: string, amount = '40.10') =>
  JSON.stringify({ reference, amount, currency: 'EUR', destination: { currency: 'ETH', address: ETH } });

interface Line {
  readonly level: string;
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

/** A logger keeping each line's fields merged the way Powertools merges them (later objects win). */
function capturingLogger() {
  const lines: Line[] = [];
  const at =
    (level: string) =>
    (message: string, ...extra: Record<string, unknown>[]) =>
      void lines.push({ level, message, fields: Object.assign({}, ...extra) });
  const logger: LoggerPort = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}

const summary = (reference: string): PayoutSummary => ({
  uuid: `uuid-${reference}`,
  reference,
  merchantId: 'merchant-0001',
  type: 'OUT',
  status: 'PROCESSING',
  displayCurrency: { currency: 'EUR', amount: 40.1 },
  paidCurrency: { currency: 'ETH' },
  address: { address: ETH, tag: null, protocol: 'ETH' },
});

const delivery = (messageId: string, text: string): QueuedDelivery => ({
  messageId,
  body: text,
  receiveCount: 1,
  receiptHandle: `rh-${messageId}`,
  queueArn: 'arn:aws:sqs:eu-west-1:123456789012:payouts',
});

describe('recordLogger', () => {
  it('puts messageId, then the reference once set, on every line before the line’s own fields', () => {
    const { logger, lines } = capturingLogger();
    const log = recordLogger(logger, 'm-1');

    log.info('before');
    log.setReference('ref-0001');
    log.warn('after', { cause: 'throttled' });

    expect(lines).toEqual([
      { level: 'info', message: 'before', fields: { messageId: 'm-1' } },
      {
        level: 'warn',
        message: 'after',
        fields: { messageId: 'm-1', reference: 'ref-0001', cause: 'throttled' },
      },
    ]);
  });
});

describe('processBatch logging', () => {
  it('tags every line about a record with its own reference and messageId while records run concurrently', async () => {
    const { logger, lines } = capturingLogger();
    let release: () => void = () => undefined;
    const allStarted = new Promise<void>((resolve) => {
      release = resolve;
    });
    let creates = 0;
    const deps: BatchDeps = {
      ledger: new InMemoryLedger(),
      coindirect: {
        // Each create waits until all three have started, so the records' work interleaves.
        async createPayout(payout: ValidPayout) {
          if (++creates === 3) release();
          await allStarted;
          if (payout.reference === 'ref-b-0002') return { kind: 'throttled' };
          if (payout.reference === 'ref-c-0003')
            return { kind: 'created', payout: summary(payout.reference) };
          return { kind: 'ambiguous', detail: `HTTP 502 for ${payout.reference}` };
        },
        async findPayoutByReference() {
          return { kind: 'notFound' };
        },
      },
      guardrails: {
        defaultMerchantId: 'merchant-0001',
        allowedMerchantIds: [],
        maxAmounts: { EUR: '5000' },
        addressNetwork: 'mainnet',
        maxBodyBytes: 16_384,
      },
      metrics: { count: () => undefined },
      logger,
      ownerToken: (d) => `owner-${d.messageId}`,
      resendSettleMs: 0,
      httpTimeoutMs: 2_000,
      leaseMs: 60_000,
      deadLetters: { send: async () => undefined },
      visibility: { change: async () => ({ failed: 0 }) },
      concurrency: 5,
      // The publisher logs through the logger it is given, then fails: the processor logs that too.
      events: {
        async publish(reference, _events, log) {
          log?.warn('publisher could not put the events', { reference });
          throw new Error('EventBridge unavailable');
        },
      },
    };

    await processBatch(
      [
        delivery('m-a', body('ref-a-0001')),
        delivery('m-b', body('ref-b-0002')),
        delivery('m-c', body('ref-c-0003')),
        delivery('m-d', body('ref-d-0004', '99999')),
        delivery('m-e', 'not json'),
      ],
      deps,
    );

    const keys = lines.map((l) => [l.fields.messageId, l.fields.reference]);
    expect(new Set(keys.map((k) => JSON.stringify(k)))).toEqual(
      new Set(
        [
          ['m-a', 'ref-a-0001'],
          ['m-b', 'ref-b-0002'],
          ['m-c', 'ref-c-0003'],
          ['m-d', 'ref-d-0004'],
          // No reference can be read from a body that is not JSON: its lines carry the messageId alone.
          ['m-e', undefined],
        ].map((k) => JSON.stringify(k)),
      ),
    );
    expect(lines.map((l) => l.message)).toEqual(
      expect.arrayContaining([
        'payout will be retried',
        'payout rejected',
        'publisher could not put the events',
        'lifecycle event publishing failed; the sweep will publish it',
      ]),
    );
  });
});
