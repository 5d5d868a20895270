// Webhook replay protection: each `(uuid, status)` pair whose Coindirect read has been done is marked in
// the ledger table for 24 h, under the key `#webhook#<uuid>#<status>`. Payout references never contain
// `#`, so no payout can take such a key; the item has no `state` and no `openSince`, so neither the
// ledger's reads nor the sweep's open index see it. DynamoDB's TTL (attribute `expiresAt`, epoch seconds)
// deletes it afterwards; TTL deletes late (up to days), so an expired mark also counts as absent here.
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';

/** How long a pair whose read was done is remembered: a replay within this triggers no read. */
export const WEBHOOK_MARK_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * How long a status function holds a pair it is reading: longer than the function's timeout (30 s,
 * infra/constructs/payout-status-functions.ts), so a live reader is never overtaken. A reader that died
 * leaves a lapsed lease; the next delivery of the pair then reads.
 */
export const WEBHOOK_READ_LEASE_MS = 60_000;

export function webhookMarkKey(uuid: string, status: string): string {
  return `#webhook#${uuid}#${status}`;
}

/** The answer to `begin`: read now, drop it (read in the last 24 h), or come back later (being read). */
export type MarkStart =
  | { readonly kind: 'first' }
  | { readonly kind: 'seen'; readonly readAt?: string }
  | { readonly kind: 'busy'; readonly retryInMs: number };

export interface WebhookMarksPort {
  begin(uuid: string, status: string, owner: string): Promise<MarkStart>;
  done(uuid: string, status: string, owner: string): Promise<void>;
  abandon(uuid: string, status: string, owner: string): Promise<void>;
}

/**
 * The marks, as conditional writes on the ledger table. A pair is marked READ only after its read was
 * done and applied: a delivery whose read failed (Coindirect down, the function timed out) leaves at most
 * a lease, and its retry, or Coindirect's next delivery, reads after all. Marking before the read would
 * lose the status for a day whenever the first read failed.
 */
export class WebhookMarks implements WebhookMarksPort {
  readonly #client: DynamoDBClient;
  readonly #tableName: string;
  readonly #clock: () => number;

  constructor(options: { client: DynamoDBClient; tableName: string; clock?: () => number }) {
    this.#client = options.client;
    this.#tableName = options.tableName;
    this.#clock = options.clock ?? Date.now;
  }

  /** Takes the pair for reading unless it was read in the last 24 h or another reader holds it. */
  async begin(uuid: string, status: string, owner: string): Promise<MarkStart> {
    const now = this.#clock();
    try {
      await this.#client.send(
        new UpdateItemCommand({
          TableName: this.#tableName,
          Key: { reference: { S: webhookMarkKey(uuid, status) } },
          UpdateExpression:
            'SET #mark = :reading, leaseOwner = :owner, leaseUntil = :until, expiresAt = :expires, firstSeenAt = if_not_exists(firstSeenAt, :nowIso)',
          ConditionExpression:
            'attribute_not_exists(#ref) OR expiresAt < :nowSeconds OR (#mark = :reading AND (attribute_not_exists(leaseUntil) OR leaseUntil < :nowMs))',
          ExpressionAttributeNames: { '#mark': 'mark', '#ref': 'reference' },
          ExpressionAttributeValues: {
            ':reading': { S: 'READING' },
            ':owner': { S: owner },
            ':until': { N: String(now + WEBHOOK_READ_LEASE_MS) },
            ':expires': { N: String(epochSeconds(now + WEBHOOK_MARK_TTL_MS)) },
            ':nowIso': { S: new Date(now).toISOString() },
            ':nowSeconds': { N: String(epochSeconds(now)) },
            ':nowMs': { N: String(now) },
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { kind: 'first' };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const item = error.Item ?? {};
      if (text(item, 'mark') === 'READ') {
        const readAt = text(item, 'readAt');
        return { kind: 'seen', ...(readAt === undefined ? {} : { readAt }) };
      }
      const until = Number(text(item, 'leaseUntil', 'N') ?? now);
      return { kind: 'busy', retryInMs: Math.max(1_000, until - now) };
    }
  }

  /** The read was done and applied: replays of the pair are dropped for the next 24 h. */
  async done(uuid: string, status: string, owner: string): Promise<void> {
    const now = this.#clock();
    await this.#fenced(
      uuid,
      status,
      owner,
      'SET #mark = :read, readAt = :nowIso, expiresAt = :expires REMOVE leaseOwner, leaseUntil',
      {
        ':read': { S: 'READ' },
        ':nowIso': { S: new Date(now).toISOString() },
        ':expires': { N: String(epochSeconds(now + WEBHOOK_MARK_TTL_MS)) },
      },
    );
  }

  /** The read failed or did not confirm the webhook: the next delivery of the pair may read at once. */
  async abandon(uuid: string, status: string, owner: string): Promise<void> {
    await this.#fenced(uuid, status, owner, 'REMOVE leaseOwner, leaseUntil', {});
  }

  /** A write made only while `owner` holds the pair's lease; a lost lease is not an error. */
  async #fenced(
    uuid: string,
    status: string,
    owner: string,
    update: string,
    values: Record<string, AttributeValue>,
  ): Promise<void> {
    try {
      await this.#client.send(
        new UpdateItemCommand({
          TableName: this.#tableName,
          Key: { reference: { S: webhookMarkKey(uuid, status) } },
          UpdateExpression: update,
          ConditionExpression: 'leaseOwner = :owner',
          ExpressionAttributeNames: update.includes('#mark') ? { '#mark': 'mark' } : undefined,
          ExpressionAttributeValues: { ...values, ':owner': { S: owner } },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

function epochSeconds(epochMs: number): number {
  return Math.floor(epochMs / 1000);
}

function text(item: Record<string, AttributeValue>, name: string, type: 'S' | 'N' = 'S'): string | undefined {
  const value = item[name];
  if (value === undefined) return undefined;
  return type === 'S' ? ('S' in value ? value.S : undefined) : 'N' in value ? value.N : undefined;
}
