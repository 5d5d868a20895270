import {
  DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { btcPayout } from '../coindirect/payout-fixtures.ts';
import { conditionHolds, reservedWordsUsed, unusedPlaceholders } from './condition-expression.ts';
import {
  afterRemove,
  conditionFailed,
  DIGEST,
  type Item,
  LEASE_MS,
  ledgerAt,
  NOW,
  OTHER_DIGEST,
  stored,
  TABLE,
} from './ledger-fixtures.ts';

const dynamo = mockClient(DynamoDBClient);

beforeEach(() => {
  dynamo.reset();
});

/** Claims and returns the UpdateItem input the ledger sent. */
async function sentClaim(): Promise<UpdateItemCommandInput> {
  dynamo.on(UpdateItemCommand).resolves({});
  await ledgerAt().claim({ payout: btcPayout(), digest: DIGEST, owner: 'owner-b', messageId: 'message-2' });
  const [call] = dynamo.commandCalls(UpdateItemCommand);
  if (call === undefined) throw new Error('claim sent no UpdateItem');
  return call.args[0].input;
}

describe('Ledger.claim: the request', () => {
  it('sends a conditional UpdateItem for the reference that returns the old item on failure', async () => {
    // Act
    const input = await sentClaim();

    // Assert
    expect(input.TableName).toBe(TABLE);
    expect(input.Key).toEqual({ reference: { S: 'ref-000123' } });
    expect(input.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
    expect(input.ConditionExpression).toBeTruthy();
  });

  it('writes CLAIMED with the owner, digest, message id and a lease ending leaseMs from now', async () => {
    // Act
    const input = await sentClaim();

    // Assert
    const values = input.ExpressionAttributeValues ?? {};
    const update = input.UpdateExpression ?? '';
    expect(update).toMatch(/leaseOwner = :owner/);
    expect(update).toMatch(/leaseUntil = :until/);
    expect(values[':owner']).toEqual({ S: 'owner-b' });
    expect(values[':digest']).toEqual({ S: DIGEST });
    expect(values[':until']).toEqual({ N: String(NOW + LEASE_MS) });
    expect(values[':messageId']).toEqual({ S: 'message-2' });
    expect(Object.values(values)).toContainEqual({ S: 'CLAIMED' });
  });

  it.each([
    ['no item exists', undefined, true],
    ['the item is REJECTED', stored({ state: 'REJECTED', digest: OTHER_DIGEST }), true],
    [
      'the item is CLAIMED, same digest, lease expired',
      stored({ state: 'CLAIMED', digest: DIGEST, leaseOwner: 'owner-a', leaseUntil: NOW - 1 }),
      true,
    ],
    [
      'the item is CLAIMED, same digest, lease live',
      stored({ state: 'CLAIMED', digest: DIGEST, leaseOwner: 'owner-a', leaseUntil: NOW + 5_000 }),
      false,
    ],
    [
      'the item is CLAIMED, other digest, lease expired',
      stored({ state: 'CLAIMED', digest: OTHER_DIGEST, leaseOwner: 'owner-a', leaseUntil: NOW - 1 }),
      false,
    ],
    [
      'the item is SUBMITTED with the same digest',
      stored({ state: 'SUBMITTED', digest: DIGEST, uuid: 'u' }),
      false,
    ],
    ['the item is CONFLICT with the same digest', stored({ state: 'CONFLICT', digest: DIGEST }), false],
  ])('has a condition that holds exactly when %s → %s', async (_label, item, expected) => {
    // Arrange
    const input = await sentClaim();

    // Act
    const holds = conditionHolds(input, item);

    // Assert
    expect(holds).toBe(expected);
  });

  it('can claim again a reference whose previous holder gave its lease back with release()', async () => {
    // Arrange: owner-a held the lease and released it after a transient failure (a 503, say).
    dynamo.on(UpdateItemCommand).resolves({});
    await ledgerAt().release({ reference: 'ref-000123', owner: 'owner-a', lastError: 'HTTP 503' });
    const releaseInput = dynamo.commandCalls(UpdateItemCommand)[0]?.args[0].input;
    const held = stored({ state: 'CLAIMED', digest: DIGEST, leaseOwner: 'owner-a', leaseUntil: NOW + 5_000 });
    const released = afterRemove(held, releaseInput?.UpdateExpression);
    dynamo.reset();

    // Act: the next delivery, an hour later.
    const input = await sentClaim();

    // Assert
    expect(conditionHolds(input, released)).toBe(true);
  });

  it('uses no DynamoDB reserved word as a bare attribute name in its expressions', async () => {
    // Act
    const input = await sentClaim();

    // Assert
    expect(reservedWordsUsed(input)).toEqual([]);
  });

  it('defines no expression name or value that its expressions do not use', async () => {
    // Act
    const input = await sentClaim();

    // Assert
    expect(unusedPlaceholders(input)).toEqual([]);
  });

  it('writes the payout content so an operator can read what was asked', async () => {
    // Act
    const input = await sentClaim();

    // Assert
    const values = Object.values(input.ExpressionAttributeValues ?? {});
    expect(values).toContainEqual({ S: '40.1' });
    expect(values).toContainEqual({ S: 'EUR' });
    expect(values).toContainEqual({ S: btcPayout().destination.address });
  });
});

describe('Ledger.claim: the result', () => {
  it('returns claimed without reconcile when the reference was new', async () => {
    // Arrange
    dynamo.on(UpdateItemCommand).resolves({});

    // Act
    const result = await ledgerAt().claim({
      payout: btcPayout(),
      digest: DIGEST,
      owner: 'owner-b',
      messageId: 'm-2',
    });

    // Assert
    expect(result).toEqual({ kind: 'claimed', mustReconcile: false });
  });

  const reconcile = (lastSendAttemptAt: number) => ({
    kind: 'claimed',
    mustReconcile: true,
    lastSendAttemptAt,
  });
  const fresh = { kind: 'claimed', mustReconcile: false };
  it.each([
    [
      'CLAIMED with sendAttempted',
      stored({ state: 'CLAIMED', digest: DIGEST, sendAttempted: true, lastSendAttemptAt: NOW - 5_000 }),
      reconcile(NOW - 5_000),
    ],
    ['CLAIMED without sendAttempted', stored({ state: 'CLAIMED', digest: DIGEST }), fresh],
    [
      'CLAIMED with sendAttempted false',
      stored({ state: 'CLAIMED', digest: DIGEST, sendAttempted: false }),
      fresh,
    ],
    // A redriven REJECTED item that may have been sent is looked up before any POST.
    [
      'REJECTED with sendAttempted',
      stored({ state: 'REJECTED', digest: DIGEST, sendAttempted: true, lastSendAttemptAt: NOW - 9_000 }),
      reconcile(NOW - 9_000),
    ],
    [
      'CLAIMED with sendAttempted from before lastSendAttemptAt existed',
      stored({
        state: 'CLAIMED',
        digest: DIGEST,
        sendAttempted: true,
        updatedAt: new Date(NOW - 2_000).toISOString(),
      }),
      reconcile(NOW - 2_000),
    ],
  ])('answers for a previous item %s', async (_label, previous, expected) => {
    // Arrange
    dynamo.on(UpdateItemCommand).resolves({ Attributes: previous });

    // Act
    const result = await ledgerAt().claim({
      payout: btcPayout(),
      digest: DIGEST,
      owner: 'owner-b',
      messageId: 'm-2',
    });

    // Assert
    expect(result).toEqual(expected);
  });

  it('recognises its own claim when the response was lost and the retry finds its lease', async () => {
    // Arrange: the first write committed; the SDK's retry fails its condition on our own lease.
    const ours = stored({
      state: 'CLAIMED',
      digest: DIGEST,
      leaseOwner: 'owner-b',
      leaseUntil: NOW + 60_000,
      sendAttempted: true,
      lastSendAttemptAt: NOW - 1_000,
    });
    dynamo.on(UpdateItemCommand).rejects(conditionFailed(ours));

    // Act
    const result = await ledgerAt().claim({
      payout: btcPayout(),
      digest: DIGEST,
      owner: 'owner-b',
      messageId: 'm-2',
    });

    // Assert
    expect(result).toEqual(reconcile(NOW - 1_000));
  });

  it('returns alreadySubmitted with the record when the item is SUBMITTED with the same digest', async () => {
    // Arrange
    const item = stored({ state: 'SUBMITTED', digest: DIGEST, uuid: 'cd-uuid-1' });
    dynamo.on(UpdateItemCommand).rejects(conditionFailed(item));

    // Act
    const result = await ledgerAt().claim({
      payout: btcPayout(),
      digest: DIGEST,
      owner: 'owner-b',
      messageId: 'm-2',
    });

    // Assert
    expect(result).toMatchObject({
      kind: 'alreadySubmitted',
      record: { state: 'SUBMITTED', uuid: 'cd-uuid-1' },
    });
  });

  it.each([
    ['SUBMITTED with another digest', stored({ state: 'SUBMITTED', digest: OTHER_DIGEST, uuid: 'u' })],
    ['CLAIMED with another digest', stored({ state: 'CLAIMED', digest: OTHER_DIGEST, leaseUntil: NOW + 1 })],
    ['CONFLICT with the same digest', stored({ state: 'CONFLICT', digest: DIGEST, reason: 'amount' })],
    ['CONFLICT with another digest', stored({ state: 'CONFLICT', digest: OTHER_DIGEST })],
  ])('returns conflict when the item is %s', async (_label, item) => {
    // Arrange
    dynamo.on(UpdateItemCommand).rejects(conditionFailed(item));

    // Act
    const result = await ledgerAt().claim({
      payout: btcPayout(),
      digest: DIGEST,
      owner: 'owner-b',
      messageId: 'm-2',
    });

    // Assert
    expect(result.kind).toBe('conflict');
  });

  it('returns busy with the lease time left when another delivery holds a live lease', async () => {
    // Arrange
    const item = stored({
      state: 'CLAIMED',
      digest: DIGEST,
      leaseOwner: 'owner-a',
      leaseUntil: NOW + 42_000,
    });
    dynamo.on(UpdateItemCommand).rejects(conditionFailed(item));

    // Act
    const result = await ledgerAt().claim({
      payout: btcPayout(),
      digest: DIGEST,
      owner: 'owner-b',
      messageId: 'm-2',
    });

    // Assert
    expect(result).toEqual({ kind: 'busy', retryInMs: 42_000 });
  });

  it('returns busy for at least a second when the live lease is about to end', async () => {
    // Arrange
    const item = stored({ state: 'CLAIMED', digest: DIGEST, leaseOwner: 'owner-a', leaseUntil: NOW + 10 });
    dynamo.on(UpdateItemCommand).rejects(conditionFailed(item));

    // Act
    const result = await ledgerAt().claim({
      payout: btcPayout(),
      digest: DIGEST,
      owner: 'owner-b',
      messageId: 'm-2',
    });

    // Assert
    expect(result).toEqual({ kind: 'busy', retryInMs: 1_000 });
  });

  it('reads the item consistently when the failure carries no item', async () => {
    // Arrange
    dynamo.on(UpdateItemCommand).rejects(conditionFailed());
    dynamo.on(GetItemCommand).resolves({ Item: stored({ state: 'SUBMITTED', digest: DIGEST, uuid: 'u-9' }) });

    // Act
    const result = await ledgerAt().claim({
      payout: btcPayout(),
      digest: DIGEST,
      owner: 'owner-b',
      messageId: 'm-2',
    });

    // Assert
    expect(result.kind).toBe('alreadySubmitted');
    expect(dynamo.commandCalls(GetItemCommand)[0]?.args[0].input).toMatchObject({
      TableName: TABLE,
      Key: { reference: { S: 'ref-000123' } },
      ConsistentRead: true,
    });
  });

  it('returns busy when the item vanished between the failed write and the read', async () => {
    // Arrange
    dynamo.on(UpdateItemCommand).rejects(conditionFailed());
    dynamo.on(GetItemCommand).resolves({});

    // Act
    const result = await ledgerAt().claim({
      payout: btcPayout(),
      digest: DIGEST,
      owner: 'owner-b',
      messageId: 'm-2',
    });

    // Assert
    expect(result.kind).toBe('busy');
  });

  it('rethrows when DynamoDB fails for another reason', async () => {
    // Arrange
    const failure: Item | Error = new Error('ProvisionedThroughputExceededException');
    dynamo.on(UpdateItemCommand).rejects(failure);

    // Act
    const result = ledgerAt().claim({
      payout: btcPayout(),
      digest: DIGEST,
      owner: 'owner-b',
      messageId: 'm-2',
    });

    // Assert
    await expect(result).rejects.toThrow('ProvisionedThroughputExceededException');
  });
});
