import { describe, expect, it } from 'vitest';
import type { CreateOutcome, LookupOutcome } from '#shared/coindirect/classify.ts';
import type { PayoutSummary } from '#shared/coindirect/responses.ts';
import { InMemoryLedger } from '#shared/ledger/in-memory-ledger.ts';
import type { ValidPayout } from '#shared/payout/schema.ts';
import { type ProcessorDeps, processDelivery } from '#shared/processing/process-payout.ts';

const ETH = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
const body = (reference: string, amount = '40.10') =>
  JSON.stringify({ reference, amount, currency: 'EUR', destination: { currency: 'ETH', address: ETH } });
const summary = (reference: string, amount = 40.1): PayoutSummary => ({
  uuid: `uuid-${reference}`,
  reference,
  merchantId: 'merchant-0001',
  type: 'OUT',
  status: 'PROCESSING',
  displayCurrency: { currency: 'EUR', amount },
  paidCurrency: { currency: 'ETH' },
  address: { address: ETH, tag: null, protocol: 'ETH' },
});

interface ProcessorOptions {
  /** `RESEND_SETTLE_SECONDS` in ms; default 0 (a lookup right after the attempt counts as settled). */
  readonly resendSettleMs?: number;
  /** Time left in the invocation; default unbounded. */
  readonly remainingTimeMs?: () => number;
  readonly leaseMs?: number;
  readonly clock?: () => number;
}

/** A processor whose Coindirect answers from scripts, one entry per call. */
function processor(
  creates: CreateOutcome[],
  lookups: LookupOutcome[] = [],
  ledger = new InMemoryLedger(),
  options: ProcessorOptions = {},
) {
  const calls: string[] = [];
  const metrics: string[] = [];
  let owner = 0;
  const deps: ProcessorDeps = {
    resendSettleMs: options.resendSettleMs ?? 0,
    httpTimeoutMs: 2_000,
    leaseMs: options.leaseMs ?? 60_000,
    ...(options.remainingTimeMs === undefined ? {} : { remainingTimeMs: options.remainingTimeMs }),
    ledger,
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
      maxAmounts: { EUR: '5000' },
      addressNetwork: 'mainnet',
      maxBodyBytes: 16_384,
    },
    metrics: { count: (name) => void metrics.push(name) },
    logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    ownerToken: () => `owner-${++owner}`,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  };
  const run = (reference: string, amount?: string, receiveCount = 1) =>
    processDelivery(
      { messageId: `m-${reference}-${receiveCount}`, body: body(reference, amount), receiveCount },
      deps,
    );
  return { run, calls, metrics, ledger };
}

describe('processDelivery', () => {
  it('looks up before resending after an ambiguous create, and settles on the payout it finds', async () => {
    const p = processor(
      [{ kind: 'ambiguous', detail: 'HTTP 502' }],
      [{ kind: 'found', payout: summary('ref-0001') }],
    );

    const first = await p.run('ref-0001');
    const second = await p.run('ref-0001', undefined, 2);

    expect(first).toMatchObject({ kind: 'retry', cause: 'ambiguous' });
    expect(second).toEqual({
      kind: 'submitted',
      reference: 'ref-0001',
      uuid: 'uuid-ref-0001',
      duplicate: false,
    });
    expect(p.calls).toEqual(['create ref-0001', 'lookup ref-0001']);
    expect(p.ledger.records.get('ref-0001')?.state).toBe('SUBMITTED');
  });

  it('sends again only after the lookup finds nothing', async () => {
    const p = processor([
      { kind: 'ambiguous', detail: 'reset' },
      { kind: 'created', payout: summary('ref-0002') },
    ]);

    await p.run('ref-0002');
    const second = await p.run('ref-0002', undefined, 2);

    expect(second.kind).toBe('submitted');
    expect(p.calls).toEqual(['create ref-0002', 'lookup ref-0002', 'create ref-0002']);
  });

  it('does not look up when the earlier attempt never sent anything', async () => {
    const p = processor([
      { kind: 'throttled', retryAfterSeconds: 7 },
      { kind: 'created', payout: summary('ref-0003') },
    ]);
    const ledger = p.ledger;

    const first = await p.run('ref-0003');
    // A throttled create was sent, so the flag is set; clear it to model a failure before the POST.
    const record = ledger.records.get('ref-0003');
    if (record) record.sendAttempted = false;
    await p.run('ref-0003', undefined, 2);

    expect(first).toMatchObject({ kind: 'retry', cause: 'throttled', atLeastSeconds: 7 });
    expect(p.calls).toEqual(['create ref-0003', 'create ref-0003']);
  });

  it('retries (not notFound) when the reconciling lookup itself fails', async () => {
    const p = processor([{ kind: 'ambiguous', detail: 'timeout' }], [{ kind: 'throttled' }]);

    await p.run('ref-0004');
    const second = await p.run('ref-0004', undefined, 2);

    expect(second).toMatchObject({ kind: 'retry', cause: 'throttled' });
    expect(p.calls).toEqual(['create ref-0004', 'lookup ref-0004']);
    expect(p.ledger.records.get('ref-0004')?.leaseOwner).toBeUndefined();
  });

  it('retries when Coindirect reports a duplicate reference that the search cannot find', async () => {
    const p = processor([{ kind: 'duplicateReference', code: 'unique' }], [{ kind: 'notFound' }]);

    const outcome = await p.run('ref-0005');

    expect(outcome).toMatchObject({ kind: 'retry', cause: 'ambiguous' });
    expect(p.ledger.records.get('ref-0005')?.state).toBe('CLAIMED');
  });

  it('answers CONFLICT when the payout found by reference has another amount', async () => {
    const p = processor(
      [{ kind: 'duplicateReference', code: 'MER-PAY-2010' }],
      [{ kind: 'found', payout: summary('ref-0006', 12) }],
    );

    const outcome = await p.run('ref-0006');

    expect(outcome.kind).toBe('conflict');
    expect(p.ledger.records.get('ref-0006')?.state).toBe('CONFLICT');
    expect(p.metrics).toContain('PayoutConflict');
  });

  it('acknowledges as superseded when another delivery took the lease before the POST', async () => {
    const ledger = new InMemoryLedger();
    ledger.markSendAttempted = async ({ reference }) => {
      const record = ledger.records.get(reference);
      if (record) record.leaseOwner = 'another-delivery';
      return false;
    };
    const p = processor([], [], ledger);

    const outcome = await p.run('ref-0007');

    expect(outcome).toEqual({ kind: 'superseded', reference: 'ref-0007' });
    expect(p.calls).toEqual([]);
  });

  it('turns an unexpected error into a retry and gives the lease back', async () => {
    const p = processor([]);
    p.ledger.complete = async () => {
      throw new Error('DynamoDB is down');
    };
    const created = processor([{ kind: 'created', payout: summary('ref-0008') }], [], p.ledger);

    const outcome = await created.run('ref-0008');

    expect(outcome).toMatchObject({ kind: 'retry', cause: 'unavailable' });
    expect(p.ledger.records.get('ref-0008')?.sendAttempted).toBe(true);
    expect(p.ledger.records.get('ref-0008')?.leaseOwner).toBeUndefined();
  });

  it('counts a credential failure and retries on a second 401', async () => {
    const p = processor([{ kind: 'unauthorized', status: 401 }]);

    const outcome = await p.run('ref-0009');

    expect(outcome).toMatchObject({ kind: 'retry', cause: 'credentials' });
    expect(p.metrics).toEqual(['CredentialFailure']);
  });
});

describe('processDelivery: exactly once without trusting the vendor', () => {
  const clockAt = (start: number) => {
    const clock = { now: start, read: () => clock.now };
    return clock;
  };

  it('resends only after a lookup made RESEND_SETTLE_SECONDS after the last attempt finds nothing', async () => {
    // Arrange
    const clock = clockAt(1_000_000);
    const p = processor(
      [
        { kind: 'ambiguous', detail: 'no response: ETIMEDOUT' },
        { kind: 'created', payout: summary('ref-1001') },
      ],
      [{ kind: 'notFound' }, { kind: 'notFound' }],
      new InMemoryLedger(60_000, clock.read),
      { resendSettleMs: 30_000, clock: clock.read },
    );

    // Act
    const first = await p.run('ref-1001');
    clock.now += 5_000;
    const early = await p.run('ref-1001', undefined, 2);
    clock.now += 25_000;
    const settled = await p.run('ref-1001', undefined, 3);

    // Assert
    expect(first).toMatchObject({ kind: 'retry', cause: 'ambiguous', atLeastSeconds: 30 });
    expect(early).toMatchObject({ kind: 'retry', cause: 'ambiguous', atLeastSeconds: 25 });
    expect(settled).toMatchObject({ kind: 'submitted', duplicate: false });
    expect(p.calls).toEqual(['create ref-1001', 'lookup ref-1001', 'lookup ref-1001', 'create ref-1001']);
  });

  it('looks up instead of rejecting when a refusal names the reference, and settles on what it finds', async () => {
    // Arrange
    const p = processor(
      [{ kind: 'rejected', code: 'invalidPayout', message: 'reference: taken', namesReference: true }],
      [{ kind: 'found', payout: summary('ref-1002') }],
    );

    // Act
    const outcome = await p.run('ref-1002');

    // Assert
    expect(outcome).toMatchObject({ kind: 'submitted', uuid: 'uuid-ref-1002' });
    expect(p.calls).toEqual(['create ref-1002', 'lookup ref-1002']);
    expect(p.ledger.records.get('ref-1002')?.state).toBe('SUBMITTED');
  });

  it('never writes REJECTED from a code alone after a maybe-sent attempt: it waits for a settled lookup', async () => {
    // Arrange
    const p = processor(
      [
        { kind: 'ambiguous', detail: 'HTTP 502' },
        { kind: 'rejected', code: 'MER-PAY-2027', message: 'bad address', namesReference: false },
      ],
      [{ kind: 'notFound' }, { kind: 'notFound' }],
      new InMemoryLedger(),
      { resendSettleMs: 0 },
    );

    // Act
    await p.run('ref-1003');
    const second = await p.run('ref-1003', undefined, 2);

    // Assert
    expect(second).toMatchObject({ kind: 'retry', cause: 'ambiguous' });
    expect(p.ledger.records.get('ref-1003')).toMatchObject({ state: 'CLAIMED', sendAttempted: true });
    expect(p.metrics).not.toContain('PayoutRejected');
  });

  it('rejects on a refusal when no earlier attempt was sent and the refusal is not about the reference', async () => {
    // Arrange
    const p = processor([
      { kind: 'rejected', code: 'MER-PAY-2027', message: 'bad address', namesReference: false },
    ]);

    // Act
    const outcome = await p.run('ref-1004');

    // Assert
    expect(outcome).toMatchObject({ kind: 'rejected', code: 'MER-PAY-2027' });
    expect(p.calls).toEqual(['create ref-1004']);
  });

  it('looks a redriven REJECTED payout that may have been sent up before any POST', async () => {
    // Arrange: a REJECTED item that still says a POST may have left.
    const ledger = new InMemoryLedger();
    const p = processor([], [{ kind: 'found', payout: summary('ref-1005') }], ledger);
    await p.run('ref-1005');
    const record = ledger.records.get('ref-1005');
    if (record === undefined) throw new Error('no record');
    Object.assign(record, { state: 'REJECTED', sendAttempted: true, lastSendAttemptAt: 0 });
    delete record.leaseOwner;
    p.calls.length = 0;

    // Act
    const outcome = await p.run('ref-1005', undefined, 2);

    // Assert
    expect(outcome).toMatchObject({ kind: 'submitted', uuid: 'uuid-ref-1005' });
    expect(p.calls).toEqual(['lookup ref-1005']);
  });

  it('keeps Coindirect’s uuid on a CONFLICT it holds, naming every differing field', async () => {
    // Arrange
    const other = {
      ...summary('ref-1006', 12),
      address: { address: '0x0000000000000000000000000000000000000001' },
    };
    const p = processor([{ kind: 'duplicateReference', code: 'unique' }], [{ kind: 'found', payout: other }]);

    // Act
    const outcome = await p.run('ref-1006');

    // Assert
    expect(outcome.kind).toBe('conflict');
    const record = p.ledger.records.get('ref-1006');
    expect(record).toMatchObject({ state: 'CONFLICT', uuid: 'uuid-ref-1006' });
    expect(record?.reason).toMatch(/amount: message has 40\.1, Coindirect has "12"/);
    expect(record?.reason).toMatch(/destination\.address/);
  });

  it('refuses to claim when the lease is shorter than the invocation’s time left', async () => {
    // Arrange
    const p = processor([], [], new InMemoryLedger(), { leaseMs: 10_000, remainingTimeMs: () => 30_000 });

    // Act
    const outcome = await p.run('ref-1007');

    // Assert
    expect(outcome).toMatchObject({ kind: 'retry', cause: 'configuration' });
    expect(p.calls).toEqual([]);
    expect(p.ledger.records.has('ref-1007')).toBe(false);
    expect(p.metrics).toEqual(['ConfigurationFailure']);
  });

  it('does not send when too little time is left for the POST, and gives the lease back', async () => {
    // Arrange
    const p = processor([], [], new InMemoryLedger(), { remainingTimeMs: () => 5_000 });

    // Act
    const outcome = await p.run('ref-1008');

    // Assert
    expect(outcome).toMatchObject({ kind: 'retry', cause: 'outOfTime' });
    expect(p.calls).toEqual([]);
    expect(p.ledger.records.get('ref-1008')).toMatchObject({ state: 'CLAIMED', sendAttempted: false });
    expect(p.ledger.records.get('ref-1008')?.leaseOwner).toBeUndefined();
  });
});
