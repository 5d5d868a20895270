// A zero-latency, in-process stand-in for LifecycleLedger with the same rules (forward-only status, markers
// recorded with their transition, open index), for unit tests of the status function and the sweep. The
// DynamoDB conditions themselves are tested with the condition model and against moto.
import { isWatched, type LifecycleLedger, type StatusAdvance } from '#shared/ledger/lifecycle-ledger.ts';
import type { LedgerRecord } from '#shared/ledger/record.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Port = Pick<LifecycleLedger, 'get' | 'advanceStatus' | 'clearPendingEvents' | 'openRecords'>;

export class InMemoryLifecycleLedger implements Port {
  readonly records = new Map<string, Mutable<LedgerRecord>>();
  readonly advances: StatusAdvance[] = [];

  /** Adds a SUBMITTED payout as the worker leaves it. */
  submitted(reference: string, uuid: string, fields: Partial<LedgerRecord> = {}): void {
    this.records.set(reference, {
      reference,
      state: 'SUBMITTED',
      uuid,
      sendAttempted: true,
      attempts: 1,
      conflictCount: 0,
      metadata: {},
      amount: '40.10',
      currency: 'EUR',
      merchantId: 'merchant-0001',
      destinationCurrency: 'ETH',
      coindirectStatus: 'PROCESSING',
      statusRank: 2,
      openSince: 0,
      pendingEvents: [],
      ...fields,
    });
  }

  async get(reference: string): Promise<LedgerRecord | undefined> {
    const record = this.records.get(reference);
    return record === undefined ? undefined : structuredClone(record);
  }

  async advanceStatus(advance: StatusAdvance): Promise<boolean> {
    const record = this.records.get(advance.reference);
    const held = record?.state === 'SUBMITTED' || record?.state === 'CONFLICT';
    if (record === undefined || !held || record.uuid !== advance.uuid) return false;
    if (record.statusRank !== undefined && record.statusRank >= advance.rank) return false;
    this.advances.push(advance);
    record.coindirectStatus = advance.status;
    record.statusRank = advance.rank;
    if (advance.events.length > 0) {
      record.pendingEvents = [...(record.pendingEvents ?? []), ...advance.events];
      record.eventsVersion = (record.eventsVersion ?? 0) + 1;
      record.openSince ??= 0;
    }
    return true;
  }

  async clearPendingEvents(reference: string, eventIds: readonly string[]): Promise<void> {
    const record = this.records.get(reference);
    if (record === undefined) return;
    record.pendingEvents = (record.pendingEvents ?? []).filter((event) => !eventIds.includes(event.eventId));
    if (record.pendingEvents.length === 0 && !isWatched(record)) delete record.openSince;
  }

  async *openRecords(): AsyncGenerator<LedgerRecord> {
    for (const record of [...this.records.values()]) {
      if (record.openSince !== undefined) yield structuredClone(record);
    }
  }
}
