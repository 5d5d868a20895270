import { describe, expect, it } from 'vitest';
import type { CreateOutcome, LookupOutcome } from '#shared/coindirect/classify.ts';
import type { PayoutSummary } from '#shared/coindirect/responses.ts';
import type { ValidPayout } from '#shared/payout/schema.ts';
import { type ProcessorDeps, processDelivery } from '#shared/processing/process-payout.ts';
import { InMemoryLedger } from '#test/support/in-memory-ledger.ts';

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

/** A processor whose Coindirect answers from scripts, one entry per call. */
function processor(creates: CreateOutcome[], lookups: LookupOutcome[] = [], ledger = new InMemoryLedger()) {
  const calls: string[] = [];
  const metrics: string[] = [];
  let owner = 0;
  const deps: ProcessorDeps = {
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
    ledger.markSendAttempted = async () => false;
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
