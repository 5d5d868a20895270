import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { statusRank } from '#shared/coindirect/statuses.ts';
import type { ValidPayout } from '#shared/payout/schema.ts';
import { appendEventsClauses, type PendingEvent, serializeEvent } from './pending-events.ts';
import { type LedgerRecord, payoutAttributes, recordFromItem } from './record.ts';

export interface LedgerOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** How long a claim is held before another delivery may take the reference over. */
  readonly leaseMs: number;
  readonly clock?: () => number;
}

/** The answer to a claim. Only `claimed` lets the caller talk to Coindirect. */
export type ClaimResult =
  /** The caller holds the lease. `mustReconcile`: an earlier holder may have sent a POST; look it up first. */
  | { readonly kind: 'claimed'; readonly mustReconcile: boolean }
  /** The same payout is already SUBMITTED: a duplicate delivery, acknowledged without any API call. */
  | { readonly kind: 'alreadySubmitted'; readonly record: LedgerRecord }
  /** The reference belongs to different content, or is in CONFLICT already. */
  | { readonly kind: 'conflict'; readonly record: LedgerRecord }
  /** Another delivery holds a live lease on it right now. */
  | { readonly kind: 'busy'; readonly retryInMs: number };

/** How a claimed reference ends. */
export type Completion =
  | { readonly state: 'SUBMITTED'; readonly uuid: string; readonly coindirectStatus?: string }
  | { readonly state: 'REJECTED' | 'CONFLICT'; readonly reasonCode: string; readonly reason: string };

/**
 * The DynamoDB ledger: one item per reference. Every transition is a conditional write, and every write
 * made while holding a lease is fenced by the lease owner token, so a worker that lost its lease (it was
 * too slow and another delivery took over) can never overwrite the newer holder's result.
 */
export class Ledger {
  readonly #o: LedgerOptions;

  constructor(options: LedgerOptions) {
    this.#o = options;
  }

  #now(): number {
    return (this.#o.clock ?? Date.now)();
  }

  /**
   * Claims `payout.reference` for `owner`. Succeeds on a new reference, a REJECTED one (nothing was paid,
   * so a corrected or redriven message may try again) or a CLAIMED one with the same content whose lease
   * has expired (its holder died or gave up).
   */
  async claim(payout: ValidPayout, digest: string, owner: string, messageId: string): Promise<ClaimResult> {
    const now = this.#now();
    const values: Record<string, AttributeValue> = {
      ':claimed': { S: 'CLAIMED' },
      ':rejected': { S: 'REJECTED' },
      ':digest': { S: digest },
      ':owner': { S: owner },
      ':until': { N: String(now + this.#o.leaseMs) },
      ':nowMs': { N: String(now) },
      ':now': { S: new Date(now).toISOString() },
      ':messageId': { S: messageId },
      ':one': { N: '1' },
      ':zero': { N: '0' },
    };
    const sets = ['#state = :claimed', 'digest = :digest', 'leaseOwner = :owner', 'leaseUntil = :until'];
    sets.push('updatedAt = :now', 'createdAt = if_not_exists(createdAt, :now)', 'messageId = :messageId');
    sets.push('attempts = if_not_exists(attempts, :zero) + :one');
    for (const [name, value] of Object.entries(payoutAttributes(payout))) {
      values[`:p_${name}`] = value;
      sets.push(`${name} = :p_${name}`);
    }
    try {
      const out = await this.#o.client.send(
        new UpdateItemCommand({
          TableName: this.#o.tableName,
          Key: { reference: { S: payout.reference } },
          UpdateExpression: `SET ${sets.join(', ')} REMOVE reasonCode, reason`,
          ConditionExpression:
            'attribute_not_exists(#ref) OR #state = :rejected OR ' +
            '(#state = :claimed AND digest = :digest AND (attribute_not_exists(leaseUntil) OR leaseUntil < :nowMs))',
          ExpressionAttributeNames: { '#state': 'state', '#ref': 'reference' },
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_OLD',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      const previous = recordFromItem(out.Attributes);
      return { kind: 'claimed', mustReconcile: previous?.state === 'CLAIMED' && previous.sendAttempted };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = recordFromItem(error.Item) ?? (await this.get(payout.reference));
      return this.#whyNotClaimed(existing, digest, now);
    }
  }

  #whyNotClaimed(existing: LedgerRecord | undefined, digest: string, now: number): ClaimResult {
    // The item changed between the failed write and the read: try again shortly.
    if (existing === undefined) return { kind: 'busy', retryInMs: 1_000 };
    if (existing.state === 'CONFLICT' || existing.digest !== digest) {
      return existing.state === 'REJECTED'
        ? { kind: 'busy', retryInMs: 1_000 }
        : { kind: 'conflict', record: existing };
    }
    if (existing.state === 'SUBMITTED') return { kind: 'alreadySubmitted', record: existing };
    if (existing.state === 'CLAIMED') {
      return { kind: 'busy', retryInMs: Math.max(1_000, (existing.leaseUntil ?? now) - now) };
    }
    return { kind: 'busy', retryInMs: 1_000 };
  }

  /**
   * Records, before the POST, that a create may reach Coindirect. Returns false if the lease was lost: the
   * caller must then not send.
   */
  async markSendAttempted(reference: string, owner: string): Promise<boolean> {
    return this.#fenced(reference, owner, 'SET sendAttempted = :true, updatedAt = :now', {
      ':true': { BOOL: true },
    });
  }

  /**
   * Moves a claimed reference to its final state. Returns false if the lease was lost meanwhile.
   *
   * A SUBMITTED item also gets its status rank and `openSince` (the sweep watches it until Coindirect says
   * it is final). `events` are recorded in the same conditional write, as markers to publish afterwards.
   */
  async complete(
    reference: string,
    owner: string,
    completion: Completion,
    events: readonly PendingEvent[] = [],
  ): Promise<boolean> {
    const values: Record<string, AttributeValue> = { ':final': { S: completion.state } };
    const sets = ['#state = :final', 'updatedAt = :now'];
    if (completion.state === 'SUBMITTED') {
      values[':uuid'] = { S: completion.uuid };
      values[':openNow'] = { N: String(this.#now()) };
      sets.push('#uuid = :uuid', 'openSince = :openNow');
      if (completion.coindirectStatus !== undefined) {
        values[':cdStatus'] = { S: completion.coindirectStatus };
        sets.push('coindirectStatus = :cdStatus');
        const rank = statusRank(completion.coindirectStatus);
        if (rank !== undefined) {
          values[':rank'] = { N: String(rank) };
          sets.push('statusRank = :rank');
        }
      }
    } else {
      values[':code'] = { S: completion.reasonCode };
      values[':reason'] = { S: completion.reason };
      sets.push('reasonCode = :code', 'reason = :reason');
      if (events.length > 0) {
        values[':openNow'] = { N: String(this.#now()) };
        sets.push('openSince = if_not_exists(openSince, :openNow)');
      }
    }
    const append = appendEventsClauses(events);
    Object.assign(values, append.values);
    sets.push(...append.sets);
    return this.#fenced(reference, owner, `SET ${sets.join(', ')} REMOVE leaseOwner, leaseUntil`, values);
  }

  /** Gives the lease back after a transient failure, so the next delivery need not wait for it to expire. */
  async release(reference: string, owner: string, lastError: string): Promise<boolean> {
    return this.#fenced(
      reference,
      owner,
      'SET lastError = :error, updatedAt = :now REMOVE leaseOwner, leaseUntil',
      {
        ':error': { S: lastError },
      },
    );
  }

  /**
   * Records a message rejected before any claim (it failed the schema or a guardrail) under its reference,
   * unless the reference already stands for something else. Returns whether it was written. With `events`,
   * markers still pending on a REJECTED item it replaces are carried over, never dropped.
   */
  async recordInvalid(
    reference: string,
    messageId: string,
    reasonCode: string,
    reason: string,
    events: readonly PendingEvent[] = [],
  ): Promise<boolean> {
    const now = this.#now();
    const item: Record<string, AttributeValue> = {
      reference: { S: reference },
      state: { S: 'REJECTED' },
      reasonCode: { S: reasonCode },
      reason: { S: reason },
      messageId: { S: messageId },
      attempts: { N: '0' },
      createdAt: { S: new Date(now).toISOString() },
      updatedAt: { S: new Date(now).toISOString() },
    };
    let condition = 'attribute_not_exists(#ref) OR #state = :rejected';
    let version: number | undefined;
    if (events.length > 0) {
      const existing = await this.get(reference);
      if (existing !== undefined && existing.state !== 'REJECTED') return false;
      version = existing?.eventsVersion;
      item.pendingEvents = { L: [...(existing?.pendingEvents ?? []), ...events].map(serializeEvent) };
      item.eventsVersion = { N: String((version ?? 0) + 1) };
      item.openSince = { N: String(existing?.openSince ?? now) };
      // Replace exactly what was read, so a marker added since cannot be overwritten.
      if (existing === undefined) condition = 'attribute_not_exists(#ref)';
      else if (version === undefined)
        condition = '#state = :rejected AND attribute_not_exists(eventsVersion)';
      else condition = '#state = :rejected AND eventsVersion = :version';
    }
    const values: Record<string, AttributeValue> = {
      ...(condition.includes(':rejected') ? { ':rejected': { S: 'REJECTED' } } : {}),
      ...(condition.includes(':version') ? { ':version': { N: String(version) } } : {}),
    };
    try {
      await this.#o.client.send(
        new PutItemCommand({
          TableName: this.#o.tableName,
          Item: item,
          ConditionExpression: condition,
          ExpressionAttributeNames: {
            ...(condition.includes('#state') ? { '#state': 'state' } : {}),
            ...(condition.includes('#ref') ? { '#ref': 'reference' } : {}),
          },
          ...(Object.keys(values).length === 0 ? {} : { ExpressionAttributeValues: values }),
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
    try {
      await this.#o.client.send(
        new UpdateItemCommand({
          TableName: this.#o.tableName,
          Key: { reference: { S: reference } },
          UpdateExpression: 'SET lastConflictReason = :reason, lastConflictAt = :now ADD conflictCount :one',
          ConditionExpression: 'attribute_exists(#ref)',
          ExpressionAttributeNames: { '#ref': 'reference' },
          ExpressionAttributeValues: {
            ':reason': { S: reason },
            ':now': { S: new Date(this.#now()).toISOString() },
            ':one': { N: '1' },
          },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** The record for a reference, read consistently. */
  async get(reference: string): Promise<LedgerRecord | undefined> {
    return readLedgerRecord(this.#o.client, this.#o.tableName, reference);
  }

  async #fenced(
    reference: string,
    owner: string,
    update: string,
    values: Record<string, AttributeValue>,
  ): Promise<boolean> {
    try {
      await this.#o.client.send(
        new UpdateItemCommand({
          TableName: this.#o.tableName,
          Key: { reference: { S: reference } },
          UpdateExpression: update,
          ConditionExpression: 'leaseOwner = :owner AND #state = :claimed',
          ExpressionAttributeNames: {
            '#state': 'state',
            ...(update.includes('#uuid') ? { '#uuid': 'uuid' } : {}),
          },
          ExpressionAttributeValues: {
            ...values,
            ':owner': { S: owner },
            ':claimed': { S: 'CLAIMED' },
            ':now': { S: new Date(this.#now()).toISOString() },
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
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
