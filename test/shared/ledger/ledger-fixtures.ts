// Shared set-up for the ledger unit tests: a Ledger on a mocked DynamoDBClient with a pinned clock, and
// stored items in the shape the ledger writes.
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { Ledger } from '#shared/ledger/ledger.ts';

export const TABLE = 'payout-ledger-test';
export const NOW = 1_800_000_000_000;
export const LEASE_MS = 60_000;
export const DIGEST = 'a'.repeat(64);
export const OTHER_DIGEST = 'b'.repeat(64);

export type Item = Record<string, AttributeValue>;

export function ledgerAt(now = NOW): Ledger {
  return new Ledger({
    client: new DynamoDBClient({ region: 'eu-west-1' }),
    tableName: TABLE,
    leaseMs: LEASE_MS,
    clock: () => now,
  });
}

export interface StoredFields {
  readonly state: 'CLAIMED' | 'SUBMITTED' | 'REJECTED' | 'CONFLICT';
  readonly digest?: string;
  readonly leaseOwner?: string;
  readonly leaseUntil?: number;
  readonly sendAttempted?: boolean;
  readonly uuid?: string;
  readonly reason?: string;
  readonly lastSendAttemptAt?: number;
  readonly updatedAt?: string;
  readonly completedBy?: string;
}

/** A ledger item as DynamoDB would hold it. */
export function stored(fields: StoredFields, reference = 'ref-000123'): Item {
  const item: Item = { reference: { S: reference }, state: { S: fields.state }, attempts: { N: '1' } };
  if (fields.digest !== undefined) item.digest = { S: fields.digest };
  if (fields.leaseOwner !== undefined) item.leaseOwner = { S: fields.leaseOwner };
  if (fields.leaseUntil !== undefined) item.leaseUntil = { N: String(fields.leaseUntil) };
  if (fields.sendAttempted !== undefined) item.sendAttempted = { BOOL: fields.sendAttempted };
  if (fields.uuid !== undefined) item.uuid = { S: fields.uuid };
  if (fields.reason !== undefined) item.reason = { S: fields.reason };
  if (fields.lastSendAttemptAt !== undefined)
    item.lastSendAttemptAt = { N: String(fields.lastSendAttemptAt) };
  if (fields.updatedAt !== undefined) item.updatedAt = { S: fields.updatedAt };
  if (fields.completedBy !== undefined) item.completedBy = { S: fields.completedBy };
  return item;
}

export function conditionFailed(item?: Item): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: {},
    ...(item === undefined ? {} : { Item: item }),
  });
}

/** Applies the REMOVE clause of an update expression to a copy of `item` (enough for the lease fields). */
export function afterRemove(item: Item, updateExpression: string | undefined): Item {
  const copy = { ...item };
  const clause = /REMOVE (.*)$/.exec(updateExpression ?? '')?.[1] ?? '';
  for (const name of clause.split(',').map((n) => n.trim())) delete copy[name];
  return copy;
}
