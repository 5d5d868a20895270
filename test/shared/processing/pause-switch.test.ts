import { describe, expect, it } from 'vitest';
import type { PayoutSummary } from '#shared/coindirect/responses.ts';
import type { PauseState } from '#shared/ledger/control.ts';
import { InMemoryLedger } from '#shared/ledger/in-memory-ledger.ts';
import { backoffSeconds } from '#shared/processing/backoff.ts';
import { CachedPauseSwitch, type PauseSwitchPort } from '#shared/processing/pause-switch.ts';
import { type ProcessorDeps, processDelivery } from '#shared/processing/process-payout.ts';

const ETH = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
const body = (reference: string) =>
  JSON.stringify({
    reference,
    amount: '40.10',
    currency: 'EUR',
    destination: { currency: 'ETH', address: ETH },
  });
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
const PAUSED: PauseState = {
  paused: true,
  reason: 'incident 42',
  by: 'alice',
  at: '2026-11-30T17:00:00.000Z',
};

/** A processor whose pause switch answers from `answers`, one per check (the last one repeats). */
function processor(answers: Array<PauseState | Error>) {
  const creates: string[] = [];
  const metrics: string[] = [];
  const ledger = new InMemoryLedger();
  let owner = 0;
  const pauseSwitch: PauseSwitchPort = {
    async state() {
      const answer = answers.length > 1 ? answers.shift() : answers[0];
      if (answer === undefined) throw new Error('no answer scripted');
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  const deps: ProcessorDeps = {
    resendSettleMs: 0,
    httpTimeoutMs: 2_000,
    leaseMs: 60_000,
    ledger,
    coindirect: {
      async createPayout(payout) {
        creates.push(payout.reference);
        return { kind: 'created', payout: summary(payout.reference) };
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
    metrics: { count: (name) => void metrics.push(name) },
    logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    ownerToken: () => `owner-${++owner}`,
    pauseSwitch,
  };
  const run = (reference: string, receiveCount = 1) =>
    processDelivery(
      { messageId: `m-${reference}-${receiveCount}`, body: body(reference), receiveCount },
      deps,
    );
  return { run, creates, metrics, ledger };
}

describe('the pause switch in the processor', () => {
  it('sends a paused record back unclaimed: no ledger item, no POST, who paused and why in the reason', async () => {
    const p = processor([PAUSED]);

    const outcome = await p.run('ref-paused-1');

    expect(outcome).toEqual({
      kind: 'retry',
      reference: 'ref-paused-1',
      cause: 'paused',
      reason: 'not sent: payouts are paused by alice at 2026-11-30T17:00:00.000Z (incident 42)',
    });
    expect(p.ledger.records.has('ref-paused-1')).toBe(false);
    expect(p.creates).toEqual([]);
    expect(p.metrics).toEqual(['PausedRecords']);
  });

  it('gives a claim back with its attempt undone when the pause is seen after the claim', async () => {
    const p = processor([{ paused: false }, PAUSED]);

    const outcome = await p.run('ref-paused-2');

    expect(outcome).toMatchObject({ kind: 'retry', cause: 'paused' });
    const record = p.ledger.records.get('ref-paused-2');
    expect(record).toMatchObject({ state: 'CLAIMED', attempts: 0, sendAttempted: false });
    expect(record?.leaseOwner).toBeUndefined();
    expect(p.creates).toEqual([]);
  });

  it('keeps the attempts of earlier deliveries when it undoes its own, and sends once resumed', async () => {
    const p = processor([{ paused: false }, PAUSED, { paused: false }]);

    await p.run('ref-paused-3');
    const resumed = await p.run('ref-paused-3', 2);

    expect(resumed).toMatchObject({ kind: 'submitted', reference: 'ref-paused-3', duplicate: false });
    expect(p.ledger.records.get('ref-paused-3')).toMatchObject({ state: 'SUBMITTED', attempts: 1 });
    expect(p.creates).toEqual(['ref-paused-3']);
  });

  it('does not send when the flag cannot be read (fail safe), and sends once it can', async () => {
    const p = processor([new Error('ProvisionedThroughputExceededException'), { paused: false }]);

    const unread = await p.run('ref-paused-4');
    const read = await p.run('ref-paused-4', 2);

    expect(unread).toMatchObject({
      kind: 'retry',
      cause: 'unavailable',
      reason: 'not sent: the pause flag could not be read',
    });
    expect(read.kind).toBe('submitted');
    expect(p.creates).toEqual(['ref-paused-4']);
    expect(p.ledger.records.get('ref-paused-4')?.attempts).toBe(1);
  });

  it('waits about a minute before a paused record comes back', () => {
    expect(backoffSeconds({ cause: 'paused', receiveCount: 1, random: () => 0.5 })).toBe(60);
  });
});

describe('CachedPauseSwitch', () => {
  it('reads the flag once per maxAgeMs, shares a read in flight, and reads again once it is older', async () => {
    let now = 0;
    let reads = 0;
    let flag: PauseState = { paused: false };
    const cached = new CachedPauseSwitch(
      async () => {
        reads += 1;
        return flag;
      },
      { maxAgeMs: 5_000, clock: () => now },
    );

    await Promise.all([cached.state(), cached.state(), cached.state()]);
    flag = PAUSED;
    now = 4_999;
    const stale = await cached.state();
    now = 5_000;
    const fresh = await cached.state();

    expect(reads).toBe(2);
    expect(stale.paused).toBe(false);
    expect(fresh).toEqual(PAUSED);
  });

  it('does not cache a failed read', async () => {
    let reads = 0;
    const cached = new CachedPauseSwitch(async () => {
      reads += 1;
      if (reads === 1) throw new Error('throttled');
      return { paused: false };
    });

    await expect(cached.state()).rejects.toThrow('throttled');
    await expect(cached.state()).resolves.toEqual({ paused: false });
    expect(reads).toBe(2);
  });
});
