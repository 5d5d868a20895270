// The processor with a pacer: a record that cannot get a Coindirect request slot before its deadline
// goes back to the queue with nothing sent and no attempt counted.
import { describe, expect, it } from 'vitest';
import type { CreateOutcome, LookupOutcome } from '#shared/coindirect/classify.ts';
import { type Pacer, TokenBucketPacer } from '#shared/coindirect/pacer.ts';
import { InMemoryLedger } from '#shared/ledger/in-memory-ledger.ts';
import { type ProcessorDeps, processDelivery } from '#shared/processing/process-payout.ts';
import { sendReserveMs } from '#shared/processing/time-budget.ts';

const ETH = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
const body = (reference: string) =>
  JSON.stringify({
    reference,
    amount: '40.10',
    currency: 'EUR',
    destination: { currency: 'ETH', address: ETH },
  });
const HTTP_TIMEOUT_MS = 2_000;
/** Enough time left for a create, with 5 s to spare. */
const TIME_LEFT_MS = sendReserveMs({ httpTimeoutMs: HTTP_TIMEOUT_MS }) + 10_000;

function processor(pacer: Pacer, creates: CreateOutcome[] = [], lookups: LookupOutcome[] = []) {
  const calls: string[] = [];
  const ledger = new InMemoryLedger();
  let owner = 0;
  const deps: ProcessorDeps = {
    resendSettleMs: 0,
    httpTimeoutMs: HTTP_TIMEOUT_MS,
    leaseMs: 120_000,
    remainingTimeMs: () => TIME_LEFT_MS,
    ledger,
    pacer,
    coindirect: {
      async createPayout(payout) {
        calls.push(`create ${payout.reference}`);
        return creates.shift() ?? { kind: 'ambiguous', detail: 'script exhausted' };
      },
      async findPayoutByReference(_merchant, reference) {
        calls.push(`lookup ${reference}`);
        return lookups.shift() ?? { kind: 'notFound' };
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
    logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    ownerToken: () => `owner-${++owner}`,
  };
  const run = (reference: string, receiveCount = 1) =>
    processDelivery(
      { messageId: `m-${reference}-${receiveCount}`, body: body(reference), receiveCount },
      deps,
    );
  return { run, calls, ledger };
}

/** A pacer whose slots other records book between this one's claim and its create. */
function bookedUpAfterTheClaim(): Pacer {
  let asked = 0;
  return {
    acquire: async () => true,
    delayMs: () => (asked++ === 0 ? 0 : 60_000),
    pauseFor: () => undefined,
  };
}

describe('processDelivery with a pacer', () => {
  it('leaves a record unclaimed when the pacer is paused past its deadline', async () => {
    // Arrange: a 429 paused the container for 60 s; the invocation has less than that.
    const pacer = new TokenBucketPacer({ ratePerSecond: 10 });
    pacer.pauseFor(60_000);
    const p = processor(pacer);

    // Act
    const outcome = await p.run('ref-paced-1');

    // Assert
    expect(outcome).toMatchObject({ kind: 'retry', cause: 'paced', reference: 'ref-paced-1' });
    expect((outcome as { atLeastSeconds?: number }).atLeastSeconds).toBeGreaterThanOrEqual(59);
    expect(p.calls).toEqual([]);
    expect(p.ledger.records.get('ref-paced-1')).toBeUndefined();
  });

  it('sends nothing, never marks sendAttempted and counts no attempt when the create gets no slot', async () => {
    // Arrange
    const p = processor(bookedUpAfterTheClaim());

    // Act
    const outcome = await p.run('ref-paced-2');

    // Assert
    expect(outcome).toMatchObject({ kind: 'retry', cause: 'paced' });
    expect(p.calls).toEqual([]);
    const record = p.ledger.records.get('ref-paced-2');
    expect(record).toMatchObject({ state: 'CLAIMED', attempts: 0 });
    expect(record?.sendAttempted).toBeFalsy();
    expect(record?.leaseOwner).toBeUndefined();
    expect(record?.lastError).toContain('no Coindirect request slot');
  });

  it('counts no attempt when the lookup before a resend gets no slot', async () => {
    // Arrange: the first attempt's POST went unanswered, so the next one must look up first.
    const pacer: Pacer = {
      acquire: async () => true,
      delayMs: () => 0,
      pauseFor: () => undefined,
    };
    const p = processor(
      pacer,
      [{ kind: 'ambiguous', detail: 'no response: ECONNRESET' }],
      [{ kind: 'outOfTime', detail: 'not sent: no request slot before the deadline (pacing)', paced: true }],
    );
    await p.run('ref-paced-3');

    // Act
    const outcome = await p.run('ref-paced-3', 2);

    // Assert
    expect(outcome).toMatchObject({ kind: 'retry', cause: 'paced' });
    expect(p.calls).toEqual(['create ref-paced-3', 'lookup ref-paced-3']);
    expect(p.ledger.records.get('ref-paced-3')).toMatchObject({ attempts: 1, sendAttempted: true });
  });
});
