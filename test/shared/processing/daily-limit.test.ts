// The daily-limit step inside one delivery (shared/processing/daily-limit.ts), with the in-memory ledger
// (held to the DynamoDB ledger's contract) and scripted Coindirect answers: what is counted, when, and when
// it is given back. The concurrency of the real counter is tested on moto (daily-limits.int.test.ts).
import { describe, expect, it } from 'vitest';
import type { CreateOutcome, LookupOutcome } from '#shared/coindirect/classify.ts';
import type { PayoutSummary } from '#shared/coindirect/responses.ts';
import { InMemoryLedger } from '#shared/ledger/in-memory-ledger.ts';
import type { ValidPayout } from '#shared/payout/schema.ts';
import { type ProcessorDeps, processDelivery } from '#shared/processing/process-payout.ts';

const ETH = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
const NOW = Date.parse('2026-11-30T20:00:00.000Z');
const DAY = '2026-11-30';

const summary = (reference: string, amount: number): PayoutSummary => ({
  uuid: `uuid-${reference}`,
  reference,
  merchantId: 'merchant-0001',
  type: 'OUT',
  status: 'PROCESSING',
  displayCurrency: { currency: 'EUR', amount },
  paidCurrency: { currency: 'ETH' },
  address: { address: ETH, tag: null, protocol: 'ETH' },
});

/** A worker with EUR limited to 100 a day, Coindirect answering from scripts, and one crash to order. */
function worker(creates: CreateOutcome[], lookups: LookupOutcome[] = []) {
  const ledger = new InMemoryLedger(60_000, () => NOW);
  const calls: string[] = [];
  const metrics: string[] = [];
  let crashBeforeSend = false;
  let owner = 0;
  const deps: ProcessorDeps = {
    resendSettleMs: 0,
    httpTimeoutMs: 2_000,
    leaseMs: 60_000,
    clock: () => NOW,
    ledger: {
      claim: (request) => ledger.claim(request),
      async markSendAttempted(request) {
        if (crashBeforeSend) {
          crashBeforeSend = false;
          throw new Error('container died');
        }
        return ledger.markSendAttempted(request);
      },
      complete: (request) => ledger.complete(request),
      release: (request) => ledger.release(request),
      recordInvalid: (request) => ledger.recordInvalid(request),
      noteConflict: (reference, reason) => ledger.noteConflict(reference, reason),
    },
    dailyLimits: { limits: { EUR: '100' }, ledger },
    coindirect: {
      async createPayout(payout: ValidPayout) {
        calls.push(`create ${payout.reference}`);
        return creates.shift() ?? { kind: 'ambiguous', detail: 'script exhausted' };
      },
      async findPayoutByReference(_merchant: string, reference: string) {
        calls.push(`lookup ${reference}`);
        return lookups.shift() ?? { kind: 'notFound' };
      },
    },
    guardrails: {
      defaultMerchantId: 'merchant-0001',
      allowedMerchantIds: [],
      maxAmounts: { EUR: '100', USD: '100' },
      addressNetwork: 'mainnet',
      maxBodyBytes: 16_384,
    },
    metrics: { count: (name) => void metrics.push(name) },
    logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    ownerToken: () => `owner-${++owner}`,
  };
  const run = (reference: string, amount: string, receiveCount = 1, currency = 'EUR') =>
    processDelivery(
      {
        messageId: `m-${reference}`,
        body: JSON.stringify({ reference, amount, currency, destination: { currency: 'ETH', address: ETH } }),
        receiveCount,
      },
      deps,
    );
  const total = async (currency = 'EUR') => (await ledger.dailyTotal(currency, DAY)).total;
  return {
    run,
    total,
    calls,
    metrics,
    ledger,
    crashBeforeNextSend: () => {
      crashBeforeSend = true;
    },
  };
}

describe('the daily limit of a delivery', () => {
  it('counts a payout once when its container dies after the reservation, before the POST', async () => {
    // Arrange
    const w = worker([{ kind: 'created', payout: summary('crash-0001', 60) }]);
    w.crashBeforeNextSend();

    // Act
    const first = await w.run('crash-0001', '60');
    const again = await w.run('crash-0001', '60', 2);

    // Assert
    expect(first).toMatchObject({ kind: 'retry' });
    expect(again).toMatchObject({ kind: 'submitted', duplicate: false });
    expect(w.calls).toEqual(['create crash-0001']);
    expect(await w.total()).toBe('60');
  });

  it('keeps the reservation of a payout whose POST may have gone out, through the lookup that finds it', async () => {
    // Arrange
    const w = worker(
      [{ kind: 'ambiguous', detail: 'HTTP 502' }],
      [{ kind: 'found', payout: summary('amb-0001', 60) }],
    );

    // Act
    const first = await w.run('amb-0001', '60');
    const afterAmbiguous = await w.total();
    const again = await w.run('amb-0001', '60', 2);

    // Assert
    expect(first).toMatchObject({ kind: 'retry', cause: 'ambiguous' });
    expect(afterAmbiguous).toBe('60');
    expect(again).toMatchObject({ kind: 'submitted' });
    expect(await w.total()).toBe('60');
  });

  it('gives the amount back when Coindirect refuses the payout outright', async () => {
    // Arrange
    const w = worker([
      { kind: 'rejected', code: 'invalidPayout', message: 'bad address', namesReference: false },
    ]);

    // Act
    const outcome = await w.run('refused-0001', '60');

    // Assert
    expect(outcome).toMatchObject({ kind: 'rejected', code: 'invalidPayout' });
    expect(await w.total()).toBe('0');
    expect(w.ledger.records.get('refused-0001')?.limitReservation).toBeUndefined();
  });

  it('keeps the amount when a refusal follows a POST that may have gone out (it proves nothing)', async () => {
    // Arrange
    const w = worker([
      { kind: 'ambiguous', detail: 'reset' },
      { kind: 'rejected', code: 'invalidPayout', message: 'reference taken', namesReference: true },
    ]);

    // Act
    await w.run('maybe-0001', '60');
    const second = await w.run('maybe-0001', '60', 2);

    // Assert
    expect(second).toMatchObject({ kind: 'retry', cause: 'ambiguous' });
    expect(await w.total()).toBe('60');
  });

  it('sends nothing over the limit: the payout waits for the next UTC day, no attempt counted', async () => {
    // Arrange
    const w = worker([{ kind: 'created', payout: summary('first-0001', 60) }]);
    await w.run('first-0001', '60');

    // Act
    const outcome = await w.run('second-0001', '40.01');

    // Assert
    expect(outcome).toEqual({
      kind: 'retry',
      reference: 'second-0001',
      cause: 'dailyLimit',
      reason:
        'DAILY_LIMIT_REACHED: 40.01 EUR does not fit the daily limit of 100 EUR (60 reserved on 2026-11-30); waiting for the next UTC day',
      atLeastSeconds: 4 * 3_600,
    });
    expect(w.calls).toEqual(['create first-0001']);
    expect(w.metrics).toContain('DailyLimitReached');
    expect(w.ledger.records.get('second-0001')).toMatchObject({
      state: 'CLAIMED',
      attempts: 0,
      sendAttempted: false,
    });
    expect(await w.total()).toBe('60');
  });

  it('leaves a currency without a limit uncounted', async () => {
    // Arrange
    const w = worker([{ kind: 'created', payout: summary('usd-0001', 99) }]);

    // Act
    await w.run('usd-0001', '99', 1, 'USD');

    // Assert
    expect(await w.total('USD')).toBe('0');
    expect(w.ledger.records.get('usd-0001')?.limitReservation).toBeUndefined();
  });
});
