import type { PayoutSummary } from '#shared/coindirect/responses.ts';
import type { PendingEvent } from '#shared/ledger/pending-events.ts';
import type { LedgerRecord } from '#shared/ledger/record.ts';
import type { ValidPayout } from '#shared/payout/schema.ts';

/** The `source` of every lifecycle event on the bus; a producer's rule matches on it. */
export const EVENT_SOURCE = 'coindirect.payouts';

/** One detail-type per transition. */
export const DETAIL_TYPE = {
  submitted: 'PayoutSubmitted',
  rejected: 'PayoutRejected',
  conflict: 'PayoutConflict',
  completed: 'PayoutCompleted',
  cancelled: 'PayoutCancelled',
} as const;
export type DetailType = (typeof DETAIL_TYPE)[keyof typeof DETAIL_TYPE];

/** The lifecycle status an event announces. */
export type LifecycleStatus = 'SUBMITTED' | 'REJECTED' | 'CONFLICT' | 'COMPLETE' | 'CANCELLED';

/**
 * The `detail` of a lifecycle event, schema version 1 (documented in docs/producer-contract.md).
 * Fields are added, never renamed or retyped, within a version.
 */
export interface PayoutEventDetail {
  readonly schemaVersion: 1;
  /** `<reference>:<transition>`: the same transition always has the same id; drop repeats by it. */
  readonly eventId: string;
  readonly reference: string;
  readonly status: LifecycleStatus;
  /** When the transition was recorded (ISO 8601). */
  readonly occurredAt: string;
  /** Coindirect's payout uuid, once there is one. */
  readonly uuid?: string;
  /** Coindirect's own status word when the event was recorded. */
  readonly coindirectStatus?: string;
  readonly merchantId?: string;
  /** The payout's amount as an exact decimal string, in the canonical form the ledger keeps ("40.10" is "40.1"). */
  readonly amount?: string;
  readonly currency?: string;
  readonly destinationCurrency?: string;
  readonly reasonCode?: string;
  readonly reason?: string;
  /** The producer's `metadata`, as sent. */
  readonly metadata?: Readonly<Record<string, string>>;
}

type Content = Pick<
  PayoutEventDetail,
  'merchantId' | 'amount' | 'currency' | 'destinationCurrency' | 'metadata'
>;

function fromPayout(payout: ValidPayout): Content {
  return {
    merchantId: payout.merchantId,
    amount: payout.amount,
    currency: payout.currency,
    destinationCurrency: payout.destination.currency,
    metadata: payout.metadata,
  };
}

function fromRecord(record: LedgerRecord): Content {
  return {
    ...(record.merchantId === undefined ? {} : { merchantId: record.merchantId }),
    ...(record.amount === undefined ? {} : { amount: record.amount }),
    ...(record.currency === undefined ? {} : { currency: record.currency }),
    ...(record.destinationCurrency === undefined ? {} : { destinationCurrency: record.destinationCurrency }),
    metadata: { ...record.metadata },
  };
}

function event(
  detailType: DetailType,
  transition: string,
  fields: Omit<PayoutEventDetail, 'schemaVersion' | 'eventId' | 'occurredAt'>,
  at: number,
): PendingEvent {
  const eventId = `${fields.reference}:${transition}`;
  const detail: PayoutEventDetail = {
    schemaVersion: 1,
    eventId,
    occurredAt: new Date(at).toISOString(),
    ...fields,
  };
  return { eventId, detailType, detail: { ...detail } };
}

const CANCELLED_REASON =
  'Coindirect cancelled the payout: no transaction was sent and the funds are back in the merchant wallet';

/**
 * The event(s) of a payout becoming SUBMITTED: PayoutSubmitted, plus PayoutCompleted or PayoutCancelled
 * when Coindirect already reports it final (a payout found again by reference long after its creation).
 */
export function submittedEvents(payout: ValidPayout, summary: PayoutSummary, at: number): PendingEvent[] {
  const base = {
    reference: payout.reference,
    uuid: summary.uuid,
    ...(summary.status ? { coindirectStatus: summary.status } : {}),
    ...fromPayout(payout),
  };
  const events = [event(DETAIL_TYPE.submitted, 'submitted', { ...base, status: 'SUBMITTED' }, at)];
  if (summary.status === 'COMPLETE') {
    events.push(event(DETAIL_TYPE.completed, 'completed', { ...base, status: 'COMPLETE' }, at));
  }
  if (summary.status === 'CANCELLED') {
    events.push(
      event(
        DETAIL_TYPE.cancelled,
        'cancelled',
        { ...base, status: 'CANCELLED', reasonCode: 'CANCELLED', reason: CANCELLED_REASON },
        at,
      ),
    );
  }
  return events;
}

/**
 * PayoutRejected. A reference can be rejected more than once (a REJECTED reference may be tried again by a
 * corrected message), so the message id is part of the transition: `<reference>:rejected:<messageId>`.
 */
export function rejectedEvent(
  rejection: {
    readonly reference: string;
    readonly messageId: string;
    readonly reasonCode: string;
    readonly reason: string;
    readonly payout?: ValidPayout;
  },
  at: number,
): PendingEvent {
  const { reference, messageId, reasonCode, reason, payout } = rejection;
  return event(
    DETAIL_TYPE.rejected,
    `rejected:${messageId}`,
    { reference, status: 'REJECTED', reasonCode, reason, ...(payout ? fromPayout(payout) : {}) },
    at,
  );
}

/** PayoutConflict: Coindirect holds a payout with different content under the reference. */
export function conflictEvent(
  payout: ValidPayout,
  reasonCode: string,
  reason: string,
  at: number,
): PendingEvent {
  return event(
    DETAIL_TYPE.conflict,
    'conflict',
    { reference: payout.reference, status: 'CONFLICT', reasonCode, reason, ...fromPayout(payout) },
    at,
  );
}

/** PayoutCompleted or PayoutCancelled for a SUBMITTED payout Coindirect now reports final. */
export function finalStatusEvent(
  record: LedgerRecord,
  uuid: string,
  status: 'COMPLETE' | 'CANCELLED',
  at: number,
): PendingEvent {
  const base = { reference: record.reference, uuid, coindirectStatus: status, ...fromRecord(record) };
  return status === 'COMPLETE'
    ? event(DETAIL_TYPE.completed, 'completed', { ...base, status }, at)
    : event(
        DETAIL_TYPE.cancelled,
        'cancelled',
        { ...base, status, reasonCode: 'CANCELLED', reason: CANCELLED_REASON },
        at,
      );
}
