import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { FINAL_RANK } from '#shared/coindirect/statuses.ts';
import { readLedgerRecord } from './ledger.ts';
import { OPEN_INDEX } from './open-index.ts';
import { appendEventsClauses, type PendingEvent, serializeEvent } from './pending-events.ts';
import { type LedgerRecord, recordFromItem } from './record.ts';

export interface LifecycleLedgerOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly clock?: () => number;
  /** Items read per page of the open-payouts index. Default 100. */
  readonly pageSize?: number;
}

/** A status Coindirect reported for a SUBMITTED payout, to record if it moves the payout forward. */
export interface StatusAdvance {
  readonly reference: string;
  /** The ledger's uuid must be this one: a payout with another uuid is not the one the ledger paid. */
  readonly uuid: string;
  readonly status: string;
  readonly rank: number;
  /** Recorded in the same write (for a final status: PayoutCompleted or PayoutCancelled). */
  readonly events: readonly PendingEvent[];
}

/** Clears tried before giving up on a clear that keeps racing other writers (the sweep finishes it). */
const CLEAR_ATTEMPTS = 3;

/**
 * The ledger as the payout lifecycle sees it, after submission: status changes that only ever move a
 * payout forward, the lifecycle-event markers, and the open-payouts index the sweep reads. The worker's
 * claim/lease rules are in `Ledger`; nothing here touches an item that is not SUBMITTED except to clear
 * its markers.
 */
export class LifecycleLedger {
  readonly #o: LifecycleLedgerOptions;

  constructor(options: LifecycleLedgerOptions) {
    this.#o = options;
  }

  #now(): number {
    return (this.#o.clock ?? Date.now)();
  }

  /** The record for a reference, read consistently. */
  async get(reference: string): Promise<LedgerRecord | undefined> {
    return readLedgerRecord(this.#o.client, this.#o.tableName, reference);
  }

  /**
   * Records `advance.status` if the item is SUBMITTED with `advance.uuid` and the new rank is higher than
   * the recorded one: one conditional write, so a late or duplicated status never moves a payout back and
   * a transition is recorded (with its events) exactly once. Returns whether it moved.
   */
  async advanceStatus(advance: StatusAdvance): Promise<boolean> {
    const now = this.#now();
    const append = appendEventsClauses(advance.events);
    const sets = ['coindirectStatus = :status', 'statusRank = :rank', 'statusAt = :at', 'updatedAt = :at'];
    const values: Record<string, AttributeValue> = {
      ':status': { S: advance.status },
      ':rank': { N: String(advance.rank) },
      ':at': { S: new Date(now).toISOString() },
      ':submitted': { S: 'SUBMITTED' },
      ':conflict': { S: 'CONFLICT' },
      ':uuid': { S: advance.uuid },
      ...append.values,
    };
    sets.push(...append.sets);
    if (advance.events.length > 0) {
      values[':openNow'] = { N: String(now) };
      sets.push('openSince = if_not_exists(openSince, :openNow)');
    }
    try {
      await this.#o.client.send(
        new UpdateItemCommand({
          TableName: this.#o.tableName,
          Key: { reference: { S: advance.reference } },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression:
            '(#state = :submitted OR #state = :conflict) AND #uuid = :uuid AND (attribute_not_exists(statusRank) OR statusRank < :rank)',
          ExpressionAttributeNames: { '#state': 'state', '#uuid': 'uuid' },
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /**
   * Removes the markers of events now on the bus, and takes the item out of the open index once nothing
   * is left to do (no marker, and not a SUBMITTED payout short of final). The write is conditional on the
   * state and marker version read, so a marker or transition recorded meanwhile is never lost; after
   * {@link CLEAR_ATTEMPTS} lost races it gives up (a marker left over is only republished by the sweep).
   * With no ids it only tidies the index entry.
   */
  async clearPendingEvents(reference: string, eventIds: readonly string[]): Promise<void> {
    const published = new Set(eventIds);
    for (let attempt = 1; attempt <= CLEAR_ATTEMPTS; attempt++) {
      const record = await this.get(reference);
      if (record === undefined) return;
      const pending = record.pendingEvents ?? [];
      const remaining = pending.filter((event) => !published.has(event.eventId));
      const cleared = remaining.length !== pending.length;
      const leavesIndex = remaining.length === 0 && record.openSince !== undefined && !isWatched(record);
      if (!cleared && !leavesIndex) return;

      const sets: string[] = [];
      const removes: string[] = [];
      const values: Record<string, AttributeValue> = { ':state': { S: record.state } };
      if (cleared) {
        values[':nextVersion'] = { N: String((record.eventsVersion ?? 0) + 1) };
        sets.push('eventsVersion = :nextVersion');
        if (remaining.length > 0) {
          values[':remaining'] = { L: remaining.map(serializeEvent) };
          sets.push('pendingEvents = :remaining');
        } else removes.push('pendingEvents');
      }
      if (leavesIndex) removes.push('openSince');
      let condition = '#state = :state AND attribute_not_exists(eventsVersion)';
      if (record.eventsVersion !== undefined) {
        values[':version'] = { N: String(record.eventsVersion) };
        condition = '#state = :state AND eventsVersion = :version';
      }
      try {
        await this.#o.client.send(
          new UpdateItemCommand({
            TableName: this.#o.tableName,
            Key: { reference: { S: reference } },
            UpdateExpression: [
              sets.length > 0 ? `SET ${sets.join(', ')}` : '',
              removes.length > 0 ? `REMOVE ${removes.join(', ')}` : '',
            ]
              .filter(Boolean)
              .join(' '),
            ConditionExpression: condition,
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: values,
          }),
        );
        return;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
  }

  /**
   * Every item of the open-payouts index (eventually consistent), page by page: SUBMITTED payouts not
   * final yet and references with unpublished events. A scan of a sparse index reads only those items.
   */
  async *openRecords(): AsyncGenerator<LedgerRecord> {
    let start: Record<string, AttributeValue> | undefined;
    do {
      const out = await this.#o.client.send(
        new ScanCommand({
          TableName: this.#o.tableName,
          IndexName: OPEN_INDEX.indexName,
          Limit: this.#o.pageSize ?? 100,
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      );
      for (const item of out.Items ?? []) {
        const record = recordFromItem(item);
        if (record !== undefined) yield record;
      }
      start = out.LastEvaluatedKey;
    } while (start !== undefined);
  }
}

/**
 * A payout Coindirect holds and has not finished yet: SUBMITTED, or a CONFLICT that keeps Coindirect's
 * uuid. The sweep keeps watching it.
 */
export function isWatched(record: LedgerRecord): boolean {
  const held = record.state === 'SUBMITTED' || (record.state === 'CONFLICT' && record.uuid !== undefined);
  return held && (record.statusRank ?? 0) < FINAL_RANK;
}
