// A zero-latency, in-process stand-in for the DynamoDB ledger with the same claim rules, for fuzzing and
// benchmarks where the ledger is not what is being tested. Integration tests use the real one on moto;
// test/shared/ledger/ledger-contract.ts holds both to the same observable behaviour.
import { statusRank } from '#shared/coindirect/statuses.ts';
import {
  type DailyTotal,
  dailyLimitKey,
  type LimitReservation,
  type ReserveDailyRequest,
  type ReserveDailyResult,
} from '#shared/ledger/daily-limits.ts';
import {
  type ClaimRequest,
  type ClaimResult,
  type CompleteRequest,
  claimedOver,
  type LeaseHolder,
  type MarkSendAttemptedRequest,
  type RecordInvalidRequest,
  type ReleaseRequest,
  whyNotClaimed,
} from '#shared/ledger/ledger.ts';
import { LEDGER_STATE, type LedgerRecord } from '#shared/ledger/record.ts';
import { addDecimal, compareDecimal, subtractDecimal } from '#shared/payout/decimal.ts';
import type { DailyLimitLedgerPort, LedgerPort } from '#shared/processing/ports.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class InMemoryLedger implements LedgerPort, DailyLimitLedgerPort {
  readonly records = new Map<string, Mutable<LedgerRecord>>();
  /** Daily-limit totals by counter key (`#limit#EUR#2026-11-30`). */
  readonly counters = new Map<string, string>();
  readonly #leaseMs: number;
  readonly #clock: () => number;

  constructor(leaseMs = 60_000, clock: () => number = Date.now) {
    this.#leaseMs = leaseMs;
    this.#clock = clock;
  }

  /** The same rules as `Ledger.claim`, applied to the map (one call at a time: no races to model). */
  async claim({ payout, digest, owner, messageId }: ClaimRequest): Promise<ClaimResult> {
    const now = this.#clock();
    const existing = this.records.get(payout.reference);
    const claimable =
      existing === undefined ||
      existing.state === LEDGER_STATE.rejected ||
      (existing.state === LEDGER_STATE.claimed &&
        existing.digest === digest &&
        (existing.leaseUntil === undefined || existing.leaseUntil < now));
    // Not claimable, including a claim repeated by the lease's own holder: answered like a retried write.
    if (!claimable) return whyNotClaimed(copy(existing), digest, owner, now);
    const { destination } = payout;
    // Like the UpdateItem: what the claim does not set is kept (sendAttempted, markers, uuid, lastError…).
    const next: Mutable<LedgerRecord> = {
      ...(existing ?? { reference: payout.reference, conflictCount: 0, pendingEvents: [] }),
      state: LEDGER_STATE.claimed,
      digest,
      leaseOwner: owner,
      leaseUntil: now + this.#leaseMs,
      sendAttempted: existing?.sendAttempted ?? false,
      updatedAt: iso(now),
      createdAt: existing?.createdAt ?? iso(now),
      messageId,
      attempts: (existing?.attempts ?? 0) + 1,
      amount: payout.amount,
      currency: payout.currency,
      merchantId: payout.merchantId,
      destinationCurrency: destination.currency,
      destinationAddress: destination.address,
      metadata: { ...payout.metadata },
      ...(destination.protocol === undefined ? {} : { destinationProtocol: destination.protocol }),
      ...(destination.tag === undefined ? {} : { destinationTag: destination.tag }),
    };
    delete next.reasonCode;
    delete next.reason;
    this.records.set(payout.reference, next);
    return claimedOver(existing === undefined ? undefined : copy(existing));
  }

  #owned(reference: string, owner: string): Mutable<LedgerRecord> | undefined {
    const record = this.records.get(reference);
    return record?.state === LEDGER_STATE.claimed && record.leaseOwner === owner ? record : undefined;
  }

  async markSendAttempted({ reference, owner, leaseValidForMs }: MarkSendAttemptedRequest): Promise<boolean> {
    const record = this.#owned(reference, owner);
    const now = this.#clock();
    if (record?.leaseUntil === undefined || record.leaseUntil < now + leaseValidForMs) return false;
    record.sendAttempted = true;
    record.lastSendAttemptAt = now;
    record.updatedAt = iso(now);
    return true;
  }

  async complete({ reference, owner, completion, events = [] }: CompleteRequest): Promise<boolean> {
    const record = this.#owned(reference, owner);
    if (!record) {
      // As `Ledger.complete` after a lost response: the same final state written by the same owner.
      const current = this.records.get(reference);
      return current?.state === completion.state && current.completedBy === owner;
    }
    const now = this.#clock();
    record.state = completion.state;
    record.updatedAt = iso(now);
    record.completedBy = owner;
    const held = completion.state === LEDGER_STATE.rejected ? undefined : completion;
    if (held?.uuid !== undefined) {
      record.uuid = held.uuid;
      record.openSince = now;
      if (held.coindirectStatus !== undefined) {
        record.coindirectStatus = held.coindirectStatus;
        const rank = statusRank(held.coindirectStatus);
        if (rank !== undefined) record.statusRank = rank;
      }
    }
    if (completion.state !== LEDGER_STATE.submitted) {
      record.reasonCode = completion.reasonCode;
      record.reason = completion.reason;
      if (events.length > 0 && held?.uuid === undefined) record.openSince ??= now;
    }
    if (events.length > 0) {
      record.pendingEvents = [...(record.pendingEvents ?? []), ...events];
      record.eventsVersion = (record.eventsVersion ?? 0) + 1;
    }
    delete record.leaseOwner;
    delete record.leaseUntil;
    return true;
  }

  async release({ reference, owner, lastError, undoAttempt = false }: ReleaseRequest): Promise<boolean> {
    const record = this.#owned(reference, owner);
    if (!record) return false;
    record.lastError = lastError;
    if (undoAttempt) record.attempts -= 1;
    record.updatedAt = iso(this.#clock());
    delete record.leaseOwner;
    delete record.leaseUntil;
    return true;
  }

  async recordInvalid({
    reference,
    messageId,
    reasonCode,
    reason,
    events = [],
  }: RecordInvalidRequest): Promise<boolean> {
    const existing = this.records.get(reference);
    if (existing !== undefined && (existing.state !== LEDGER_STATE.rejected || existing.sendAttempted)) {
      return false;
    }
    const now = this.#clock();
    // Like the PutItem: the item is replaced whole; only markers still pending are carried over.
    this.records.set(reference, {
      reference,
      state: LEDGER_STATE.rejected,
      reasonCode,
      reason,
      messageId,
      sendAttempted: false,
      attempts: 0,
      conflictCount: 0,
      metadata: {},
      createdAt: iso(now),
      updatedAt: iso(now),
      pendingEvents: events.length === 0 ? [] : [...(existing?.pendingEvents ?? []), ...events],
      ...(events.length === 0
        ? {}
        : { eventsVersion: (existing?.eventsVersion ?? 0) + 1, openSince: existing?.openSince ?? now }),
    });
    return true;
  }

  async noteConflict(reference: string, reason: string): Promise<void> {
    const record = this.records.get(reference);
    if (record) {
      record.conflictCount += 1;
      record.lastConflictReason = reason;
    }
  }

  /** The same rules as `Ledger.reserveDailyAmount` (one call at a time: the counter cannot be contended). */
  async reserveDailyAmount(request: ReserveDailyRequest): Promise<ReserveDailyResult> {
    const { reference, owner, currency, amount, limit, day } = request;
    const record = this.#owned(reference, owner);
    if (!record) return { kind: 'leaseLost' };
    if (record.limitReservation !== undefined) {
      return { kind: 'alreadyReserved', reservation: record.limitReservation };
    }
    const key = dailyLimitKey(currency, day);
    const total = this.counters.get(key) ?? '0';
    const next = addDecimal(total, amount);
    if (compareDecimal(next, limit) > 0) return { kind: 'overLimit', total };
    this.counters.set(key, next);
    const reservation: LimitReservation = { currency, day, amount };
    record.limitReservation = reservation;
    record.updatedAt = iso(this.#clock());
    return { kind: 'reserved', reservation, total: next };
  }

  async releaseDailyAmount({ reference, owner }: LeaseHolder): Promise<LimitReservation | undefined> {
    const record = this.#owned(reference, owner);
    const reservation = record?.limitReservation;
    if (!record || reservation === undefined) return undefined;
    delete record.limitReservation;
    record.updatedAt = iso(this.#clock());
    const key = dailyLimitKey(reservation.currency, reservation.day);
    this.counters.set(key, subtractDecimal(this.counters.get(key) ?? '0', reservation.amount) ?? '0');
    return reservation;
  }

  async dailyTotal(currency: string, day: string): Promise<DailyTotal> {
    return { currency, day, total: this.counters.get(dailyLimitKey(currency, day)) ?? '0' };
  }

  /** The record for a reference, as a copy (like a read). */
  async get(reference: string): Promise<LedgerRecord | undefined> {
    const record = this.records.get(reference);
    return record === undefined ? undefined : copy(record);
  }
}

function copy(record: LedgerRecord): LedgerRecord {
  return {
    ...record,
    metadata: { ...record.metadata },
    pendingEvents: [...(record.pendingEvents ?? [])],
  };
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
