import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { ValidPayout } from '#shared/payout/schema.ts';
import type { LimitReservation } from './daily-limits.ts';
import { type PendingEvent, parsePendingEvents } from './pending-events.ts';

/** Where a reference stands. CLAIMED is the only state a worker holds a lease in. */
export const LEDGER_STATE = {
  claimed: 'CLAIMED',
  submitted: 'SUBMITTED',
  rejected: 'REJECTED',
  conflict: 'CONFLICT',
} as const;
export type LedgerState = (typeof LEDGER_STATE)[keyof typeof LEDGER_STATE];

/** One ledger item, keyed by the payout reference. */
export interface LedgerRecord {
  readonly reference: string;
  readonly state: LedgerState;
  readonly digest?: string;
  readonly leaseOwner?: string;
  readonly leaseUntil?: number;
  /** A POST may have reached Coindirect: whoever takes the reference over must look it up first. */
  readonly sendAttempted: boolean;
  /** Epoch ms of the last POST that may have reached Coindirect; set with `sendAttempted`. */
  readonly lastSendAttemptAt?: number;
  /** The lease owner whose write made the item final (lets a retried final write recognise itself). */
  readonly completedBy?: string;
  readonly attempts: number;
  readonly uuid?: string;
  /** Coindirect's status as last seen (at create, then from webhooks and the sweep). */
  readonly coindirectStatus?: string;
  /** How far along the payout is (shared/coindirect/statuses.ts); only ever moves up. */
  readonly statusRank?: number;
  /** Epoch ms; present while the sweep must look at this reference (shared/ledger/open-index.ts). */
  readonly openSince?: number;
  /** Lifecycle events recorded with their transition and not yet on the event bus (read back: always set). */
  readonly pendingEvents?: readonly PendingEvent[];
  /** Bumped by every change to `pendingEvents`. */
  readonly eventsVersion?: number;
  readonly reasonCode?: string;
  readonly reason?: string;
  readonly lastError?: string;
  /**
   * What the payout holds against a day's limit (shared/ledger/daily-limits.ts): set before its POST,
   * removed only when Coindirect definitively refuses it, so a redelivery never counts it twice.
   */
  readonly limitReservation?: LimitReservation;
  readonly conflictCount: number;
  readonly lastConflictReason?: string;
  readonly messageId?: string;
  readonly amount?: string;
  readonly currency?: string;
  readonly merchantId?: string;
  readonly destinationCurrency?: string;
  readonly destinationAddress?: string;
  readonly destinationProtocol?: string;
  readonly destinationTag?: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly createdAt?: string;
  readonly updatedAt?: string;
}

type Item = Record<string, AttributeValue>;

const STATES: readonly LedgerState[] = Object.values(LEDGER_STATE);

function str(item: Item, name: string): string | undefined {
  const value = item[name];
  return value !== undefined && 'S' in value ? value.S : undefined;
}

function num(item: Item, name: string): number | undefined {
  const value = item[name];
  return value !== undefined && 'N' in value && value.N !== undefined ? Number(value.N) : undefined;
}

/** Reads a DynamoDB item back into a record; `undefined` when it is not a ledger item. */
export function recordFromItem(item: Item | undefined): LedgerRecord | undefined {
  if (item === undefined) return undefined;
  const reference = str(item, 'reference');
  const state = str(item, 'state');
  if (reference === undefined || !STATES.includes(state as LedgerState)) return undefined;
  const metadata: Record<string, string> = Object.create(null);
  const map = item.metadata;
  if (map !== undefined && 'M' in map && map.M) {
    for (const [key, value] of Object.entries(map.M))
      if ('S' in value && value.S !== undefined) metadata[key] = value.S;
  }
  const optional = (name: keyof LedgerRecord, value: string | number | undefined) =>
    value === undefined ? {} : { [name]: value };
  const sendAttempted = item.sendAttempted;
  const reservation = limitReservationFrom(item.limitReservation);
  return {
    reference,
    state: state as LedgerState,
    sendAttempted: sendAttempted !== undefined && 'BOOL' in sendAttempted && sendAttempted.BOOL === true,
    attempts: num(item, 'attempts') ?? 0,
    conflictCount: num(item, 'conflictCount') ?? 0,
    metadata,
    pendingEvents: parsePendingEvents(item.pendingEvents),
    ...optional('digest', str(item, 'digest')),
    ...optional('leaseOwner', str(item, 'leaseOwner')),
    ...optional('leaseUntil', num(item, 'leaseUntil')),
    ...optional('lastSendAttemptAt', num(item, 'lastSendAttemptAt')),
    ...optional('completedBy', str(item, 'completedBy')),
    ...optional('uuid', str(item, 'uuid')),
    ...optional('coindirectStatus', str(item, 'coindirectStatus')),
    ...optional('statusRank', num(item, 'statusRank')),
    ...optional('openSince', num(item, 'openSince')),
    ...optional('eventsVersion', num(item, 'eventsVersion')),
    ...optional('reasonCode', str(item, 'reasonCode')),
    ...optional('reason', str(item, 'reason')),
    ...optional('lastError', str(item, 'lastError')),
    ...optional('lastConflictReason', str(item, 'lastConflictReason')),
    ...optional('messageId', str(item, 'messageId')),
    ...optional('amount', str(item, 'amount')),
    ...optional('currency', str(item, 'currency')),
    ...optional('merchantId', str(item, 'merchantId')),
    ...optional('destinationCurrency', str(item, 'destinationCurrency')),
    ...optional('destinationAddress', str(item, 'destinationAddress')),
    ...optional('destinationProtocol', str(item, 'destinationProtocol')),
    ...optional('destinationTag', str(item, 'destinationTag')),
    ...optional('createdAt', str(item, 'createdAt')),
    ...optional('updatedAt', str(item, 'updatedAt')),
    ...(reservation === undefined ? {} : { limitReservation: reservation }),
  };
}

/** The `limitReservation` map of a ledger item, when it has a whole one. */
export function limitReservationFrom(value: AttributeValue | undefined): LimitReservation | undefined {
  if (value === undefined || !('M' in value) || value.M === undefined) return undefined;
  const currency = str(value.M, 'currency');
  const day = str(value.M, 'day');
  const amount = str(value.M, 'amount');
  return currency === undefined || day === undefined || amount === undefined
    ? undefined
    : { currency, day, amount };
}

/** A reservation as the `limitReservation` map of a ledger item. */
export function limitReservationItem(reservation: LimitReservation): AttributeValue {
  return {
    M: {
      currency: { S: reservation.currency },
      day: { S: reservation.day },
      amount: { S: reservation.amount },
    },
  };
}

/** The payout's content as ledger attributes (for SET clauses), so an operator can read what was asked. */
export function payoutAttributes(payout: ValidPayout): Item {
  const { destination } = payout;
  const metadata: Record<string, AttributeValue> = {};
  for (const [key, value] of Object.entries(payout.metadata)) metadata[key] = { S: value };
  return {
    amount: { S: payout.amount },
    currency: { S: payout.currency },
    merchantId: { S: payout.merchantId },
    destinationCurrency: { S: destination.currency },
    destinationAddress: { S: destination.address },
    metadata: { M: metadata },
    ...(destination.protocol === undefined ? {} : { destinationProtocol: { S: destination.protocol } }),
    ...(destination.tag === undefined ? {} : { destinationTag: { S: destination.tag } }),
  };
}
