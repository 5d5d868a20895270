// A zero-latency, in-process stand-in for the DynamoDB ledger with the same claim rules, for fuzzing and
// benchmarks where the ledger is not what is being tested. Integration tests use the real one on moto.
import type { ClaimResult, Completion } from '#shared/ledger/ledger.ts';
import type { LedgerRecord } from '#shared/ledger/record.ts';
import type { ValidPayout } from '#shared/payout/schema.ts';
import type { LedgerPort } from '#shared/processing/ports.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class InMemoryLedger implements LedgerPort {
  readonly records = new Map<string, Mutable<LedgerRecord>>();
  readonly #leaseMs: number;
  readonly #clock: () => number;

  constructor(leaseMs = 60_000, clock: () => number = Date.now) {
    this.#leaseMs = leaseMs;
    this.#clock = clock;
  }

  async claim(payout: ValidPayout, digest: string, owner: string, messageId: string): Promise<ClaimResult> {
    const now = this.#clock();
    const existing = this.records.get(payout.reference);
    const claimable =
      existing === undefined ||
      existing.state === 'REJECTED' ||
      (existing.state === 'CLAIMED' && existing.digest === digest && (existing.leaseUntil ?? 0) < now);
    if (!claimable) {
      if (existing.state === 'CONFLICT' || existing.digest !== digest)
        return { kind: 'conflict', record: { ...existing } };
      if (existing.state === 'SUBMITTED') return { kind: 'alreadySubmitted', record: { ...existing } };
      return { kind: 'busy', retryInMs: Math.max(1_000, (existing.leaseUntil ?? now) - now) };
    }
    const mustReconcile = existing?.state === 'CLAIMED' && existing.sendAttempted;
    this.records.set(payout.reference, {
      reference: payout.reference,
      state: 'CLAIMED',
      digest,
      leaseOwner: owner,
      leaseUntil: now + this.#leaseMs,
      sendAttempted: existing?.sendAttempted ?? false,
      attempts: (existing?.attempts ?? 0) + 1,
      conflictCount: existing?.conflictCount ?? 0,
      messageId,
      amount: payout.amount,
      currency: payout.currency,
      merchantId: payout.merchantId,
      metadata: payout.metadata,
    });
    return { kind: 'claimed', mustReconcile };
  }

  #owned(reference: string, owner: string): Mutable<LedgerRecord> | undefined {
    const record = this.records.get(reference);
    return record?.state === 'CLAIMED' && record.leaseOwner === owner ? record : undefined;
  }

  async markSendAttempted(reference: string, owner: string): Promise<boolean> {
    const record = this.#owned(reference, owner);
    if (record) record.sendAttempted = true;
    return record !== undefined;
  }

  async complete(reference: string, owner: string, completion: Completion): Promise<boolean> {
    const record = this.#owned(reference, owner);
    if (!record) return false;
    record.state = completion.state;
    if (completion.state === 'SUBMITTED') record.uuid = completion.uuid;
    else {
      record.reasonCode = completion.reasonCode;
      record.reason = completion.reason;
    }
    delete record.leaseOwner;
    delete record.leaseUntil;
    return true;
  }

  async release(reference: string, owner: string, lastError: string): Promise<boolean> {
    const record = this.#owned(reference, owner);
    if (!record) return false;
    record.lastError = lastError;
    delete record.leaseOwner;
    delete record.leaseUntil;
    return true;
  }

  async recordInvalid(
    reference: string,
    messageId: string,
    reasonCode: string,
    reason: string,
  ): Promise<boolean> {
    const existing = this.records.get(reference);
    if (existing !== undefined && existing.state !== 'REJECTED') return false;
    this.records.set(reference, {
      reference,
      state: 'REJECTED',
      reasonCode,
      reason,
      messageId,
      sendAttempted: false,
      attempts: 0,
      conflictCount: 0,
      metadata: {},
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
}
