import { setTimeout as sleep } from 'node:timers/promises';
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { statusRank } from '#shared/coindirect/statuses.ts';
import { addDecimal, compareDecimal, subtractDecimal } from '#shared/payout/decimal.ts';
import type { ValidPayout } from '#shared/payout/schema.ts';
import {
  counterRetryDelayMs,
  type DailyTotal,
  dailyLimitKey,
  type LimitReservation,
  MAX_COUNTER_WRITES,
  type ReserveDailyRequest,
  type ReserveDailyResult,
} from './daily-limits.ts';
import {
  type AttributeValuePlaceholder,
  allOf,
  anyOf,
  attributeName,
  attributeValue,
  type Clause,
  type ClausePart,
  clause,
  expressionFields,
  path,
  update,
} from './expression.ts';
import { appendEventsClauses, type PendingEvent, serializeEvent } from './pending-events.ts';
import {
  LEDGER_STATE,
  type LedgerRecord,
  type LedgerState,
  limitReservationFrom,
  limitReservationItem,
  payoutAttributes,
  recordFromItem,
} from './record.ts';

export interface LedgerOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** How long a claim is held before another delivery may take the reference over. */
  readonly leaseMs: number;
  readonly clock?: () => number;
}

/** The answer to a claim. Only `claimed` lets the caller talk to Coindirect. */
export type ClaimResult =
  /**
   * The caller holds the lease. `mustReconcile`: an earlier attempt may have sent a POST (the item has
   * `sendAttempted`, whatever its state); look the reference up first, and resend only after a lookup made
   * `RESEND_SETTLE_SECONDS` after `lastSendAttemptAt` (epoch ms) finds nothing.
   */
  | { readonly kind: 'claimed'; readonly mustReconcile: false }
  | { readonly kind: 'claimed'; readonly mustReconcile: true; readonly lastSendAttemptAt: number }
  /** The same payout is already SUBMITTED: a duplicate delivery, acknowledged without any API call. */
  | { readonly kind: 'alreadySubmitted'; readonly record: LedgerRecord }
  /** The reference belongs to different content, or is in CONFLICT already. */
  | { readonly kind: 'conflict'; readonly record: LedgerRecord }
  /** Another delivery holds a live lease on it right now. */
  | { readonly kind: 'busy'; readonly retryInMs: number };

/** How a claimed reference ends. */
export type Completion =
  | { readonly state: 'SUBMITTED'; readonly uuid: string; readonly coindirectStatus?: string }
  | { readonly state: 'REJECTED'; readonly reasonCode: string; readonly reason: string }
  | {
      readonly state: 'CONFLICT';
      readonly reasonCode: string;
      readonly reason: string;
      /**
       * Coindirect's payout under the reference, when it holds one: the ledger keeps its uuid and status so
       * that status sync and the sweep follow it to its final status like any SUBMITTED payout.
       */
      readonly uuid?: string;
      readonly coindirectStatus?: string;
    };

/** A claim of `payout.reference` for the delivery `owner` (its owner token) carrying message `messageId`. */
export interface ClaimRequest {
  readonly payout: ValidPayout;
  /** The payout's content digest (shared/payout/digest.ts). */
  readonly digest: string;
  readonly owner: string;
  readonly messageId: string;
}

/** The reference and lease owner a fenced write is made for. */
export interface LeaseHolder {
  readonly reference: string;
  readonly owner: string;
}

export interface MarkSendAttemptedRequest extends LeaseHolder {
  /** How long the lease must stay valid from now on: the POST's timeout. */
  readonly leaseValidForMs: number;
}

export interface CompleteRequest extends LeaseHolder {
  readonly completion: Completion;
  /** Lifecycle events recorded in the same conditional write, as markers to publish afterwards. */
  readonly events?: readonly PendingEvent[];
}

export interface ReleaseRequest extends LeaseHolder {
  readonly lastError: string;
  /**
   * Takes back the attempt the claim counted: the delivery gave up before it made any request (payouts
   * are paused, or no request slot came before the deadline, shared/coindirect/pacer.ts), so `attempts`
   * stays the number of attempts that did.
   */
  readonly undoAttempt?: boolean;
}

/** A message rejected before any claim, recorded under the reference it names. */
export interface RecordInvalidRequest {
  readonly reference: string;
  readonly messageId: string;
  readonly reasonCode: string;
  readonly reason: string;
  /** Lifecycle events recorded with it; markers pending on a REJECTED item it replaces are kept. */
  readonly events?: readonly PendingEvent[];
}

/**
 * The DynamoDB ledger: one item per reference. Every transition is a conditional write, and every write
 * made while holding a lease is fenced by the lease owner token, so a worker that lost its lease (it was
 * too slow and another delivery took over) can never overwrite the newer holder's result. Expressions are
 * built from the named clauses at the end of this file (shared/ledger/expression.ts).
 */
export class Ledger {
  readonly #options: LedgerOptions;

  constructor(options: LedgerOptions) {
    this.#options = options;
  }

  #now(): number {
    return (this.#options.clock ?? Date.now)();
  }

  /**
   * Claims `payout.reference` for `owner`. Succeeds on a new reference, a REJECTED one (nothing was paid,
   * so a corrected or redriven message may try again) or a CLAIMED one with the same content whose lease
   * has expired (its holder died or gave up).
   */
  async claim({ payout, digest, owner, messageId }: ClaimRequest): Promise<ClaimResult> {
    const now = this.#now();
    const claimable = anyOf(
      ITEM_ABSENT,
      stateIs(LEDGER_STATE.rejected),
      allOf(stateIs(LEDGER_STATE.claimed), digestIs(digest), leaseLapsedAt(now)),
    );
    const claimed = update({
      set: [
        assign(STATE, STATE_VALUE[LEDGER_STATE.claimed]),
        assign(path('digest'), digestValue(digest)),
        assign(path('leaseOwner'), ownerValue(owner)),
        assign(path('leaseUntil'), attributeValue(':until', { N: String(now + this.#options.leaseMs) })),
        touchedAt(now),
        clause`createdAt = if_not_exists(createdAt, ${isoValue(now)})`,
        assign(path('messageId'), attributeValue(':messageId', { S: messageId })),
        clause`attempts = if_not_exists(attempts, ${ZERO}) + ${ONE}`,
        ...payoutAssignments(payout),
      ],
      remove: [path('reasonCode'), path('reason')],
    });
    try {
      const out = await this.#options.client.send(
        new UpdateItemCommand({
          TableName: this.#options.tableName,
          Key: { reference: { S: payout.reference } },
          ...expressionFields({ condition: claimable, update: claimed }),
          ReturnValues: 'ALL_OLD',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return claimedOver(recordFromItem(out.Attributes));
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = recordFromItem(error.Item) ?? (await this.get(payout.reference));
      return whyNotClaimed(existing, digest, owner, now);
    }
  }

  /**
   * Records, before the POST, that a create may reach Coindirect, and when (`lastSendAttemptAt`). Succeeds
   * only while the caller's lease stays valid for at least `leaseValidForMs` more (the POST's timeout), so
   * no other delivery can take the reference over while the POST is in flight. Returns false otherwise:
   * the caller must then not send.
   */
  async markSendAttempted({ reference, owner, leaseValidForMs }: MarkSendAttemptedRequest): Promise<boolean> {
    const now = this.#now();
    return this.#fenced({
      reference,
      owner,
      update: update({
        set: [
          assign(path('sendAttempted'), attributeValue(':true', { BOOL: true })),
          assign(path('lastSendAttemptAt'), attributeValue(':sentAt', { N: String(now) })),
          touchedAt(now),
        ],
      }),
      alsoRequire: leaseValidUntil(now + leaseValidForMs),
    });
  }

  /**
   * Moves a claimed reference to its final state. Returns false if the lease was lost meanwhile.
   *
   * A SUBMITTED item also gets its status rank and `openSince` (the sweep watches it until Coindirect says
   * it is final). `events` are recorded in the same conditional write, as markers to publish afterwards.
   */
  async complete({ reference, owner, completion, events = [] }: CompleteRequest): Promise<boolean> {
    const now = this.#now();
    const openNow = attributeValue(':openNow', { N: String(now) });
    // `completedBy` lets a retried write whose first response was lost recognise its own result.
    const set: (Clause | undefined)[] = [
      assign(STATE, attributeValue(':final', { S: completion.state })),
      touchedAt(now),
      assign(path('completedBy'), ownerValue(owner)),
    ];
    // A payout Coindirect holds (SUBMITTED, or a CONFLICT found there) is followed to its final status.
    const held = completion.state === LEDGER_STATE.rejected ? undefined : completion;
    if (held?.uuid !== undefined) {
      set.push(assign(UUID, attributeValue(':uuid', { S: held.uuid })), assign(path('openSince'), openNow));
      if (held.coindirectStatus !== undefined) {
        set.push(assign(path('coindirectStatus'), attributeValue(':cdStatus', { S: held.coindirectStatus })));
        const rank = statusRank(held.coindirectStatus);
        if (rank !== undefined)
          set.push(assign(path('statusRank'), attributeValue(':rank', { N: String(rank) })));
      }
    }
    if (completion.state !== LEDGER_STATE.submitted) {
      set.push(
        assign(path('reasonCode'), attributeValue(':code', { S: completion.reasonCode })),
        assign(path('reason'), attributeValue(':reason', { S: completion.reason })),
      );
      if (events.length > 0 && held?.uuid === undefined) {
        set.push(clause`openSince = if_not_exists(openSince, ${openNow})`);
      }
    }
    set.push(eventsAppended(events));
    return this.#fenced({
      reference,
      owner,
      update: update({ set, remove: LEASE }),
      alreadyDone: (item) => item.state === completion.state && item.completedBy === owner,
    });
  }

  /** Gives the lease back after a transient failure, so the next delivery need not wait for it to expire. */
  async release({ reference, owner, lastError, undoAttempt = false }: ReleaseRequest): Promise<boolean> {
    return this.#fenced({
      reference,
      owner,
      update: update({
        set: [
          assign(path('lastError'), attributeValue(':error', { S: lastError })),
          touchedAt(this.#now()),
          // The claim that counted it is ours (the fence), so `attempts` is at least 1 here.
          undoAttempt ? clause`attempts = attempts - ${ONE}` : undefined,
        ],
        remove: LEASE,
      }),
    });
  }

  /**
   * Reserves the payout's amount against the day's limit of its currency, for the lease holder, before its
   * POST. The counter is changed by a write conditional on the total read, retried up to
   * {@link MAX_COUNTER_WRITES} times, so containers running at once can never pass the limit together;
   * then the reservation is recorded on the payout's item (fenced by the lease). A payout whose item holds
   * a reservation already is never counted again. Every crash between the two writes leaves the counter
   * too high, never too low: a limit can be reached early, never passed.
   */
  async reserveDailyAmount(request: ReserveDailyRequest): Promise<ReserveDailyResult> {
    const { reference, owner, currency, amount, limit, day } = request;
    const current = await this.get(reference);
    if (current?.state !== LEDGER_STATE.claimed || current.leaseOwner !== owner) return { kind: 'leaseLost' };
    if (current.limitReservation !== undefined) {
      return { kind: 'alreadyReserved', reservation: current.limitReservation };
    }
    const reservation: LimitReservation = { currency, day, amount };
    const counted = await this.#changeCounter(reservation, owner, (total) => {
      const next = addDecimal(total, amount);
      return compareDecimal(next, limit) > 0 ? undefined : next;
    });
    if (counted.kind !== 'changed')
      return counted.kind === 'refused' ? { kind: 'overLimit', total: counted.total } : counted;
    const recorded = await this.#fenced({
      reference,
      owner,
      update: update({
        set: [
          assign(path('limitReservation'), attributeValue(':reservation', limitReservationItem(reservation))),
          touchedAt(this.#now()),
        ],
      }),
      alsoRequire: clause`attribute_not_exists(limitReservation)`,
    });
    if (recorded) return { kind: 'reserved', reservation, total: counted.total };
    // The lease went while counting: the payout is not sent by us, so the amount is given back.
    await this.#changeCounter(reservation, `${owner}#undo`, (total) => subtractDecimal(total, amount) ?? '0');
    return { kind: 'leaseLost' };
  }

  /**
   * Gives back the payout's reservation (Coindirect definitively refused it): removes the marker from its
   * item, fenced by the lease, then subtracts the amount from that day's counter. Returns the reservation
   * given back, or undefined when the item holds none (released already, or never reserved) or the lease
   * is gone. A crash between the writes leaves the counter too high, never too low.
   */
  async releaseDailyAmount({ reference, owner }: LeaseHolder): Promise<LimitReservation | undefined> {
    let reservation: LimitReservation | undefined;
    try {
      const out = await this.#options.client.send(
        new UpdateItemCommand({
          TableName: this.#options.tableName,
          Key: { reference: { S: reference } },
          ...expressionFields({
            condition: allOf(heldBy(owner), clause`attribute_exists(limitReservation)`),
            update: update({ set: [touchedAt(this.#now())], remove: [path('limitReservation')] }),
          }),
          ReturnValues: 'UPDATED_OLD',
        }),
      );
      reservation = limitReservationFrom(out.Attributes?.limitReservation);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
    if (reservation === undefined) return undefined;
    const { amount } = reservation;
    const changed = await this.#changeCounter(
      reservation,
      `${owner}#release`,
      (total) => subtractDecimal(total, amount) ?? '0',
    );
    if (changed.kind !== 'changed') {
      throw new Error(
        `the ${reservation.currency} counter of ${reservation.day} stayed ${amount} too high: it kept changing`,
      );
    }
    return reservation;
  }

  /** The day's reserved total of a currency, read consistently ('0' when nothing was reserved). */
  async dailyTotal(currency: string, day: string): Promise<DailyTotal> {
    const stored = await this.#readCounter(currency, day);
    return { currency, day, total: stored ?? '0' };
  }

  /** A counter's total as stored, or undefined when the day has no counter yet. */
  async #readCounter(currency: string, day: string): Promise<string | undefined> {
    const out = await this.#options.client.send(
      new GetItemCommand({
        TableName: this.#options.tableName,
        Key: { reference: { S: dailyLimitKey(currency, day) } },
        ConsistentRead: true,
      }),
    );
    return counterTotal(out.Item);
  }

  /**
   * Sets a counter to `next(total)` with a write conditional on the total read; `next` returning undefined
   * refuses the change. `token` marks the write, so a retry of a write whose first response was lost (the
   * SDK retries by itself) recognises its own committed change instead of counting twice.
   */
  async #changeCounter(
    { currency, day }: LimitReservation,
    token: string,
    next: (total: string) => string | undefined,
  ): Promise<
    | { readonly kind: 'changed'; readonly total: string }
    | { readonly kind: 'refused'; readonly total: string }
    | { readonly kind: 'contended' }
  > {
    for (let tryNumber = 1; tryNumber <= MAX_COUNTER_WRITES; tryNumber++) {
      const stored = await this.#readCounter(currency, day);
      const total = stored ?? '0';
      const changed = next(total);
      if (changed === undefined) return { kind: 'refused', total };
      try {
        await this.#options.client.send(
          new UpdateItemCommand({
            TableName: this.#options.tableName,
            Key: { reference: { S: dailyLimitKey(currency, day) } },
            ...expressionFields({
              condition:
                stored === undefined
                  ? ITEM_ABSENT
                  : clause`${TOTAL} = ${attributeValue(':read', { S: stored })}`,
              update: update({
                set: [
                  assign(TOTAL, attributeValue(':total', { S: changed })),
                  assign(path('currency'), attributeValue(':currency', { S: currency })),
                  assign(DAY, attributeValue(':day', { S: day })),
                  assign(path('lastChangeBy'), attributeValue(':token', { S: token })),
                  touchedAt(this.#now()),
                ],
              }),
            }),
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { kind: 'changed', total: changed };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const by = error.Item?.lastChangeBy;
        if (by !== undefined && 'S' in by && by.S === token) {
          return { kind: 'changed', total: counterTotal(error.Item) ?? changed };
        }
      }
      await sleep(counterRetryDelayMs(tryNumber));
    }
    return { kind: 'contended' };
  }

  /**
   * Records a message rejected before any claim (it failed the schema or a guardrail) under its reference,
   * unless the reference already stands for something else. Returns whether it was written. With `events`,
   * markers still pending on a REJECTED item it replaces are carried over, never dropped.
   */
  async recordInvalid({
    reference,
    messageId,
    reasonCode,
    reason,
    events = [],
  }: RecordInvalidRequest): Promise<boolean> {
    const now = this.#now();
    const item: Record<string, AttributeValue> = {
      reference: { S: reference },
      state: { S: LEDGER_STATE.rejected },
      reasonCode: { S: reasonCode },
      reason: { S: reason },
      messageId: { S: messageId },
      attempts: { N: '0' },
      createdAt: { S: new Date(now).toISOString() },
      updatedAt: { S: new Date(now).toISOString() },
    };
    // An item that may have been sent keeps its history (`sendAttempted` is never cleared): the invalid
    // message still goes to the DLQ with its reason, but the ledger item is left as it is.
    const replaceable = allOf(stateIs(LEDGER_STATE.rejected), NEVER_SENT);
    let condition = anyOf(ITEM_ABSENT, replaceable);
    if (events.length > 0) {
      const existing = await this.get(reference);
      if (existing !== undefined && (existing.state !== LEDGER_STATE.rejected || existing.sendAttempted)) {
        return false;
      }
      const version = existing?.eventsVersion;
      item.pendingEvents = { L: [...(existing?.pendingEvents ?? []), ...events].map(serializeEvent) };
      item.eventsVersion = { N: String((version ?? 0) + 1) };
      item.openSince = { N: String(existing?.openSince ?? now) };
      // Replace exactly what was read, so a marker added since cannot be overwritten.
      condition = existing === undefined ? ITEM_ABSENT : allOf(replaceable, eventsVersionIs(version));
    }
    try {
      await this.#options.client.send(
        new PutItemCommand({
          TableName: this.#options.tableName,
          Item: item,
          ...expressionFields({ condition }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Notes on an existing reference that a message with different content tried to use it. */
  async noteConflict(reference: string, reason: string): Promise<void> {
    const noted = update({
      set: [
        assign(path('lastConflictReason'), attributeValue(':reason', { S: reason })),
        assign(path('lastConflictAt'), isoValue(this.#now())),
      ],
      add: [clause`conflictCount ${ONE}`],
    });
    try {
      await this.#options.client.send(
        new UpdateItemCommand({
          TableName: this.#options.tableName,
          Key: { reference: { S: reference } },
          ...expressionFields({ condition: ITEM_EXISTS, update: noted }),
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** The record for a reference, read consistently. */
  async get(reference: string): Promise<LedgerRecord | undefined> {
    return readLedgerRecord(this.#options.client, this.#options.tableName, reference);
  }

  async #fenced(write: FencedWrite): Promise<boolean> {
    const { alreadyDone } = write;
    try {
      await this.#options.client.send(
        new UpdateItemCommand({
          TableName: this.#options.tableName,
          Key: { reference: { S: write.reference } },
          ...expressionFields({
            condition: allOf(heldBy(write.owner), write.alsoRequire),
            update: write.update,
          }),
          ...(alreadyDone === undefined ? {} : { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
        }),
      );
      return true;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      if (alreadyDone === undefined) return false;
      const current = recordFromItem(error.Item);
      return current !== undefined && alreadyDone(current);
    }
  }
}

/** A write made while holding the lease (see `heldBy`). */
interface FencedWrite extends LeaseHolder {
  readonly update: Clause;
  /** A further condition the write needs (ANDed with the owner fence). */
  readonly alsoRequire?: Clause;
  /**
   * Recognises the write's own result when its condition fails: the SDK retried a write whose first
   * response was lost, and the first one had committed. Then the write counts as done.
   */
  readonly alreadyDone?: (current: LedgerRecord) => boolean;
}

/** Why a claim's condition failed, from the item as it is now (also the in-memory ledger's rule). */
export function whyNotClaimed(
  existing: LedgerRecord | undefined,
  digest: string,
  owner: string,
  now: number,
): ClaimResult {
  // The item changed between the failed write and the read: try again shortly.
  if (existing === undefined) return { kind: 'busy', retryInMs: 1_000 };
  // Our own claim committed but its response was lost, and the SDK's retry found our lease: we hold it.
  // What the item held before is gone, but `sendAttempted` survives every write, so nothing is missed.
  if (existing.state === LEDGER_STATE.claimed && existing.leaseOwner === owner) return claimedOver(existing);
  if (existing.state === LEDGER_STATE.conflict || existing.digest !== digest) {
    return existing.state === LEDGER_STATE.rejected
      ? { kind: 'busy', retryInMs: 1_000 }
      : { kind: 'conflict', record: existing };
  }
  if (existing.state === LEDGER_STATE.submitted) return { kind: 'alreadySubmitted', record: existing };
  if (existing.state === LEDGER_STATE.claimed) {
    return { kind: 'busy', retryInMs: Math.max(1_000, (existing.leaseUntil ?? now) - now) };
  }
  return { kind: 'busy', retryInMs: 1_000 };
}

/** The claim's answer from the item as it was before the claim (or is, after our own committed claim). */
export function claimedOver(previous: LedgerRecord | undefined): ClaimResult {
  if (previous === undefined || !previous.sendAttempted) return { kind: 'claimed', mustReconcile: false };
  return { kind: 'claimed', mustReconcile: true, lastSendAttemptAt: lastSendAttemptAt(previous) };
}

/** When the last maybe-sent POST was made; items written before the field existed fall back to `updatedAt`. */
function lastSendAttemptAt(record: LedgerRecord): number {
  if (record.lastSendAttemptAt !== undefined) return record.lastSendAttemptAt;
  const updated = record.updatedAt === undefined ? Number.NaN : Date.parse(record.updatedAt);
  return Number.isNaN(updated) ? 0 : updated;
}

// The named clauses the ledger's expressions are made of. Each carries the names and values it uses.

/** `state` and `uuid` are DynamoDB reserved words; `#ref` keeps `reference` apart from the key value. */
const STATE = attributeName('#state', 'state');
const REFERENCE = attributeName('#ref', 'reference');
const UUID = attributeName('#uuid', 'uuid');
/** A daily-limit counter's total and day (both reserved words). */
const TOTAL = attributeName('#total', 'total');
const DAY = attributeName('#day', 'day');

/** The `total` of a daily-limit counter item, if it has one. */
function counterTotal(item: Record<string, AttributeValue> | undefined): string | undefined {
  const total = item?.total;
  return total !== undefined && 'S' in total ? total.S : undefined;
}

/** One placeholder per state, so that one expression can name several states. */
const STATE_VALUE: Readonly<Record<LedgerState, AttributeValuePlaceholder>> = {
  [LEDGER_STATE.claimed]: attributeValue(':claimed', { S: LEDGER_STATE.claimed }),
  [LEDGER_STATE.submitted]: attributeValue(':submitted', { S: LEDGER_STATE.submitted }),
  [LEDGER_STATE.rejected]: attributeValue(':rejected', { S: LEDGER_STATE.rejected }),
  [LEDGER_STATE.conflict]: attributeValue(':conflict', { S: LEDGER_STATE.conflict }),
};

const ZERO = attributeValue(':zero', { N: '0' });
const ONE = attributeValue(':one', { N: '1' });
const ownerValue = (owner: string) => attributeValue(':owner', { S: owner });
const digestValue = (digest: string) => attributeValue(':digest', { S: digest });
const isoValue = (now: number) => attributeValue(':now', { S: new Date(now).toISOString() });

/** A SET action: `target = source`. */
function assign(target: ClausePart, source: ClausePart): Clause {
  return clause`${target} = ${source}`;
}

/** No item under the reference yet. */
const ITEM_ABSENT = clause`attribute_not_exists(${REFERENCE})`;
/** An item exists under the reference. */
const ITEM_EXISTS = clause`attribute_exists(${REFERENCE})`;

function stateIs(state: LedgerState): Clause {
  return clause`${STATE} = ${STATE_VALUE[state]}`;
}

/** The item was claimed for the same payout content. */
function digestIs(digest: string): Clause {
  return clause`digest = ${digestValue(digest)}`;
}

/** Nobody holds a live lease: never leased, given back, or run out before `now`. */
function leaseLapsedAt(now: number): Clause {
  return anyOf(
    clause`attribute_not_exists(leaseUntil)`,
    clause`leaseUntil < ${attributeValue(':nowMs', { N: String(now) })}`,
  );
}

/** A write made while holding the lease: only the lease's owner, and only while the item is CLAIMED. */
function heldBy(owner: string): Clause {
  return allOf(clause`leaseOwner = ${ownerValue(owner)}`, stateIs(LEDGER_STATE.claimed));
}

/** The lease lasts at least until `until` (epoch ms). */
function leaseValidUntil(until: number): Clause {
  return clause`leaseUntil >= ${attributeValue(':holdUntil', { N: String(until) })}`;
}

/** An item no POST may have left for: it has never had `sendAttempted`. */
const NEVER_SENT = anyOf(
  clause`attribute_not_exists(sendAttempted)`,
  clause`sendAttempted <> ${attributeValue(':sent', { BOOL: true })}`,
);

/** The marker list is at the version read (`undefined`: it never had one). */
function eventsVersionIs(version: number | undefined): Clause {
  return version === undefined
    ? clause`attribute_not_exists(eventsVersion)`
    : clause`eventsVersion = ${attributeValue(':version', { N: String(version) })}`;
}

/** SET action stamping the write's time. */
function touchedAt(now: number): Clause {
  return assign(path('updatedAt'), isoValue(now));
}

/** REMOVE actions giving the lease up. */
const LEASE: readonly Clause[] = [path('leaseOwner'), path('leaseUntil')];

/** SET actions writing the payout's content, so an operator can read what was asked. */
function payoutAssignments(payout: ValidPayout): Clause[] {
  return Object.entries(payoutAttributes(payout)).map(([name, value]) =>
    assign(path(name), attributeValue(`:p_${name}`, value)),
  );
}

/** SET actions appending lifecycle-event markers (shared/ledger/pending-events.ts); none without events. */
function eventsAppended(events: readonly PendingEvent[]): Clause | undefined {
  if (events.length === 0) return undefined;
  const append = appendEventsClauses(events);
  return { text: append.sets.join(', '), names: {}, values: append.values };
}

/** Reads one ledger item consistently (after a conditional write, an eventually consistent read may be stale). */
export async function readLedgerRecord(
  client: DynamoDBClient,
  tableName: string,
  reference: string,
): Promise<LedgerRecord | undefined> {
  const out = await client.send(
    new GetItemCommand({ TableName: tableName, Key: { reference: { S: reference } }, ConsistentRead: true }),
  );
  return recordFromItem(out.Item);
}
