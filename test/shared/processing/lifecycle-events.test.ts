import { describe, expect, it } from 'vitest';
import type { CreateOutcome, LookupOutcome } from '#shared/coindirect/classify.ts';
import type { PayoutSummary } from '#shared/coindirect/responses.ts';
import { InMemoryLedger } from '#shared/ledger/in-memory-ledger.ts';
import type { CompleteRequest } from '#shared/ledger/ledger.ts';
import type { PendingEvent } from '#shared/ledger/pending-events.ts';
import type { LifecycleEventsPort } from '#shared/lifecycle/publisher.ts';
import { type ProcessorDeps, processDelivery } from '#shared/processing/process-payout.ts';

const ETH = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
const AT = Date.UTC(2026, 10, 27, 12, 0, 0);
const body = (reference: string, amount = '40.10') =>
  JSON.stringify({ reference, amount, currency: 'EUR', destination: { currency: 'ETH', address: ETH } });
const created = (reference: string, status = 'PROCESSING', amount = 40.1): PayoutSummary => ({
  uuid: `uuid-${reference}`,
  reference,
  merchantId: 'merchant-0001',
  type: 'OUT',
  status,
  displayCurrency: { currency: 'EUR', amount },
  paidCurrency: { currency: 'ETH' },
  address: { address: ETH, tag: null, protocol: 'ETH' },
});

/** The worker's processor with a ledger that records which events each transition carried. */
function processor(creates: CreateOutcome[], lookups: LookupOutcome[] = [], events?: LifecycleEventsPort) {
  const base = new InMemoryLedger();
  const log: string[] = [];
  const recorded: Array<{ write: string; state: string; events: readonly PendingEvent[] }> = [];
  const published: Array<{ reference: string; events: readonly PendingEvent[] }> = [];
  const port: LifecycleEventsPort = events ?? {
    publish: async (reference, list) => {
      log.push('publish');
      published.push({ reference, events: list });
      return { published: list.map((e) => e.eventId), failed: [] };
    },
  };
  let owner = 0;
  const deps: ProcessorDeps = {
    resendSettleMs: 0,
    httpTimeoutMs: 2_000,
    leaseMs: 60_000,
    ledger: {
      claim: (...args) => base.claim(...args),
      markSendAttempted: (...args) => base.markSendAttempted(...args),
      release: (...args) => base.release(...args),
      noteConflict: (...args) => base.noteConflict(...args),
      async complete({ reference, owner: o, completion, events: list = [] }: CompleteRequest) {
        log.push('complete');
        recorded.push({ write: 'complete', state: completion.state, events: list });
        return base.complete({ reference, owner: o, completion });
      },
      async recordInvalid({ reference, messageId, reasonCode: code, reason, events: list = [] }) {
        log.push('recordInvalid');
        recorded.push({ write: 'recordInvalid', state: 'REJECTED', events: list });
        return base.recordInvalid({ reference, messageId, reasonCode: code, reason });
      },
    },
    coindirect: {
      createPayout: async () => creates.shift() ?? { kind: 'ambiguous', detail: 'script exhausted' },
      findPayoutByReference: async () => lookups.shift() ?? { kind: 'notFound' },
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
    events: port,
    clock: () => AT,
  };
  const run = (reference: string, messageBody = body(reference), receiveCount = 1) =>
    processDelivery({ messageId: `m-${reference}-${receiveCount}`, body: messageBody, receiveCount }, deps);
  return { run, recorded, published, log, deps };
}

const types = (events: readonly PendingEvent[]) => events.map((e) => `${e.detailType} ${e.eventId}`);

describe('processDelivery lifecycle events', () => {
  it('records PayoutSubmitted in the SUBMITTED write, then publishes it once', async () => {
    // Arrange
    const p = processor([{ kind: 'created', payout: created('ref-0001') }]);

    // Act
    const outcome = await p.run('ref-0001');

    // Assert
    expect(outcome).toMatchObject({ kind: 'submitted', duplicate: false });
    expect(p.log).toEqual(['complete', 'publish']);
    expect(types(p.recorded[0]?.events ?? [])).toEqual(['PayoutSubmitted ref-0001:submitted']);
    expect(p.published).toEqual([{ reference: 'ref-0001', events: p.recorded[0]?.events }]);
  });

  it('publishes nothing for a duplicate delivery of a SUBMITTED payout', async () => {
    // Arrange
    const p = processor([{ kind: 'created', payout: created('ref-0001') }]);
    await p.run('ref-0001');

    // Act
    const outcome = await p.run('ref-0001', body('ref-0001'), 2);

    // Assert
    expect(outcome).toMatchObject({ kind: 'submitted', duplicate: true });
    expect(p.published).toHaveLength(1);
  });

  it('records PayoutRejected, keyed by message, when Coindirect refuses the payout', async () => {
    // Arrange
    const p = processor([
      { kind: 'rejected', code: 'MER-PAY-2027', message: 'bad address', namesReference: false },
    ]);

    // Act
    await p.run('ref-0002');

    // Assert
    expect(types(p.published[0]?.events ?? [])).toEqual(['PayoutRejected ref-0002:rejected:m-ref-0002-1']);
    expect(p.published[0]?.events[0]?.detail).toMatchObject({ reasonCode: 'MER-PAY-2027', amount: '40.1' });
  });

  it('records PayoutConflict when Coindirect holds other content under the reference', async () => {
    // Arrange
    const p = processor(
      [{ kind: 'duplicateReference', code: 'unique' }],
      [{ kind: 'found', payout: created('ref-0003', 'PROCESSING', 99) }],
    );

    // Act
    const outcome = await p.run('ref-0003');

    // Assert
    expect(outcome.kind).toBe('conflict');
    expect(types(p.recorded.at(-1)?.events ?? [])).toEqual(['PayoutConflict ref-0003:conflict']);
    expect(p.published).toHaveLength(1);
  });

  it('records PayoutRejected for an invalid message whose reference is readable', async () => {
    // Arrange
    const p = processor([]);

    // Act
    const outcome = await p.run('ref-0004', body('ref-0004', '-1'));

    // Assert
    expect(outcome.kind).toBe('rejected');
    expect(p.recorded.map((r) => r.write)).toEqual(['recordInvalid']);
    expect(p.published[0]?.events[0]?.detail).toMatchObject({
      eventId: 'ref-0004:rejected:m-ref-0004-1',
      reasonCode: 'INVALID_MESSAGE',
    });
  });

  it('keeps the payout SUBMITTED and acknowledged when publishing throws', async () => {
    // Arrange
    const failing: LifecycleEventsPort = {
      publish: async () => {
        throw new Error('bug in the publisher');
      },
    };
    const p = processor([{ kind: 'created', payout: created('ref-0005') }], [], failing);

    // Act
    const outcome = await p.run('ref-0005');

    // Assert
    expect(outcome).toMatchObject({ kind: 'submitted', uuid: 'uuid-ref-0005' });
  });

  it('records no marker at all when events are off', async () => {
    // Arrange
    const p = processor([{ kind: 'created', payout: created('ref-0006') }]);
    const { events: _events, ...withoutEvents } = p.deps;

    // Act
    await processDelivery({ messageId: 'm', body: body('ref-0006'), receiveCount: 1 }, withoutEvents);

    // Assert
    expect(p.recorded.map((r) => r.events)).toEqual([[]]);
    expect(p.published).toEqual([]);
  });
});
