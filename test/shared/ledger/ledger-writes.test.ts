import {
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type PutItemCommandInput,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Ledger } from '#shared/ledger/ledger.ts';
import { conditionHolds, reservedWordsUsed, unusedPlaceholders } from './condition-expression.ts';
import { conditionFailed, DIGEST, ledgerAt, NOW, stored, TABLE } from './ledger-fixtures.ts';

const dynamo = mockClient(DynamoDBClient);

beforeEach(() => {
  dynamo.reset();
});

type FencedWrite = (ledger: Ledger) => Promise<boolean>;

const FENCED: ReadonlyArray<readonly [string, FencedWrite]> = [
  [
    'markSendAttempted',
    (l) => l.markSendAttempted({ reference: 'ref-000123', owner: 'owner-a', leaseValidForMs: 15_000 }),
  ],
  [
    'complete SUBMITTED',
    (l) =>
      l.complete({
        reference: 'ref-000123',
        owner: 'owner-a',
        completion: { state: 'SUBMITTED', uuid: 'u-1' },
      }),
  ],
  [
    'complete REJECTED',
    (l) =>
      l.complete({
        reference: 'ref-000123',
        owner: 'owner-a',
        completion: { state: 'REJECTED', reasonCode: 'MER-PAY-2027', reason: 'bad' },
      }),
  ],
  ['release', (l) => l.release({ reference: 'ref-000123', owner: 'owner-a', lastError: 'HTTP 503' })],
];

async function sentUpdate(write: FencedWrite): Promise<UpdateItemCommandInput> {
  dynamo.on(UpdateItemCommand).resolves({});
  await write(ledgerAt());
  const input = dynamo.commandCalls(UpdateItemCommand)[0]?.args[0].input;
  if (input === undefined) throw new Error('no UpdateItem sent');
  return input;
}

const holder = (leaseOwner: string) =>
  stored({ state: 'CLAIMED', digest: DIGEST, leaseOwner, leaseUntil: NOW + 30_000 });

describe.each(FENCED)('Ledger %s', (_name, write) => {
  it('is fenced on the lease owner when it writes', async () => {
    // Act
    const input = await sentUpdate(write);

    // Assert
    expect(input.TableName).toBe(TABLE);
    expect(input.Key).toEqual({ reference: { S: 'ref-000123' } });
    expect(input.ConditionExpression).toMatch(/leaseOwner/);
    expect(input.ExpressionAttributeValues?.[':owner']).toEqual({ S: 'owner-a' });
  });

  it('has a condition that holds for the holder and fails for anyone else or a finished item', async () => {
    // Arrange
    const input = await sentUpdate(write);

    // Act
    const results = {
      holder: conditionHolds(input, holder('owner-a')),
      otherOwner: conditionHolds(input, holder('owner-b')),
      released: conditionHolds(input, stored({ state: 'CLAIMED', digest: DIGEST })),
      submitted: conditionHolds(input, stored({ state: 'SUBMITTED', digest: DIGEST, leaseOwner: 'owner-a' })),
      missing: conditionHolds(input, undefined),
    };

    // Assert
    expect(results).toEqual({
      holder: true,
      otherOwner: false,
      released: false,
      submitted: false,
      missing: false,
    });
  });

  it('returns true when the write succeeds', async () => {
    // Arrange
    dynamo.on(UpdateItemCommand).resolves({});

    // Act
    const written = await write(ledgerAt());

    // Assert
    expect(written).toBe(true);
  });

  it('returns false when the lease was lost (ConditionalCheckFailedException)', async () => {
    // Arrange
    dynamo.on(UpdateItemCommand).rejects(conditionFailed(holder('owner-b')));

    // Act
    const written = await write(ledgerAt());

    // Assert
    expect(written).toBe(false);
  });

  it('rethrows when DynamoDB fails for another reason', async () => {
    // Arrange
    dynamo.on(UpdateItemCommand).rejects(new Error('InternalServerError'));

    // Act
    const result = write(ledgerAt());

    // Assert
    await expect(result).rejects.toThrow('InternalServerError');
  });

  it('uses no reserved word bare and leaves no placeholder unused', async () => {
    // Act
    const input = await sentUpdate(write);

    // Assert
    expect(reservedWordsUsed(input)).toEqual([]);
    expect(unusedPlaceholders(input)).toEqual([]);
  });
});

describe('Ledger write contents', () => {
  it('sets sendAttempted to true when marking a send', async () => {
    // Act
    const input = await sentUpdate((l) =>
      l.markSendAttempted({ reference: 'ref-000123', owner: 'owner-a', leaseValidForMs: 15_000 }),
    );

    // Assert
    expect(input.UpdateExpression).toMatch(/sendAttempted = :true/);
    expect(input.ExpressionAttributeValues?.[':true']).toEqual({ BOOL: true });
  });

  it('stores state, uuid and Coindirect status, and drops the lease, when completing SUBMITTED', async () => {
    // Act
    const input = await sentUpdate((l) =>
      l.complete({
        reference: 'ref-000123',
        owner: 'owner-a',
        completion: {
          state: 'SUBMITTED',
          uuid: 'cd-uuid',
          coindirectStatus: 'PROCESSING',
        },
      }),
    );

    // Assert
    const values = Object.values(input.ExpressionAttributeValues ?? {});
    expect(values).toEqual(
      expect.arrayContaining([{ S: 'SUBMITTED' }, { S: 'cd-uuid' }, { S: 'PROCESSING' }]),
    );
    expect(input.UpdateExpression).toMatch(/REMOVE .*leaseOwner/);
    expect(input.UpdateExpression).toMatch(/REMOVE .*leaseUntil/);
  });

  it('stores the reason code and reason when completing CONFLICT', async () => {
    // Act
    const input = await sentUpdate((l) =>
      l.complete({
        reference: 'ref-000123',
        owner: 'owner-a',
        completion: {
          state: 'CONFLICT',
          reasonCode: 'REFERENCE_CONFLICT',
          reason: 'amount',
        },
      }),
    );

    // Assert
    const values = Object.values(input.ExpressionAttributeValues ?? {});
    expect(values).toEqual(
      expect.arrayContaining([{ S: 'CONFLICT' }, { S: 'REFERENCE_CONFLICT' }, { S: 'amount' }]),
    );
  });

  it('stores the last error when releasing', async () => {
    // Act
    const input = await sentUpdate((l) =>
      l.release({ reference: 'ref-000123', owner: 'owner-a', lastError: 'HTTP 503' }),
    );

    // Assert
    expect(Object.values(input.ExpressionAttributeValues ?? {})).toContainEqual({ S: 'HTTP 503' });
  });
});

describe('Ledger.recordInvalid', () => {
  async function sentPut(): Promise<PutItemCommandInput> {
    dynamo.on(PutItemCommand).resolves({});
    await ledgerAt().recordInvalid({
      reference: 'ref-000123',
      messageId: 'm-1',
      reasonCode: 'SCHEMA',
      reason: 'amount: must be greater than 0',
    });
    const input = dynamo.commandCalls(PutItemCommand)[0]?.args[0].input;
    if (input === undefined) throw new Error('no PutItem sent');
    return input;
  }

  it('writes a REJECTED item only over nothing or another REJECTED one', async () => {
    // Arrange
    const input = await sentPut();

    // Act
    const results = [
      conditionHolds(input, undefined),
      conditionHolds(input, stored({ state: 'REJECTED' })),
      conditionHolds(input, stored({ state: 'SUBMITTED', digest: DIGEST })),
      conditionHolds(input, stored({ state: 'CLAIMED', digest: DIGEST })),
      // A REJECTED item that may have been sent keeps `sendAttempted`: it is never replaced.
      conditionHolds(input, stored({ state: 'REJECTED', digest: DIGEST, sendAttempted: true })),
    ];

    // Assert
    expect(results).toEqual([true, true, false, false, false]);
    expect(input.Item?.state).toEqual({ S: 'REJECTED' });
    expect(input.Item?.reasonCode).toEqual({ S: 'SCHEMA' });
    expect(reservedWordsUsed(input)).toEqual([]);
    expect(unusedPlaceholders(input)).toEqual([]);
  });

  it('returns false when the reference already stands for something else', async () => {
    // Arrange
    dynamo.on(PutItemCommand).rejects(conditionFailed());

    // Act
    const written = await ledgerAt().recordInvalid({
      reference: 'ref-000123',
      messageId: 'm-1',
      reasonCode: 'SCHEMA',
      reason: 'bad',
    });

    // Assert
    expect(written).toBe(false);
  });
});

describe('Ledger.noteConflict', () => {
  it('swallows the failure when the reference has no item', async () => {
    // Arrange
    dynamo.on(UpdateItemCommand).rejects(conditionFailed());

    // Act
    const result = ledgerAt().noteConflict('ref-000123', 'amount differs');

    // Assert
    await expect(result).resolves.toBeUndefined();
  });

  it('updates only an existing item, with a valid expression, when noting a conflict', async () => {
    // Act
    const input = await sentUpdate((l) => l.noteConflict('ref-000123', 'amount differs').then(() => true));

    // Assert
    expect(conditionHolds(input, undefined)).toBe(false);
    expect(conditionHolds(input, stored({ state: 'SUBMITTED', digest: DIGEST }))).toBe(true);
    expect(Object.values(input.ExpressionAttributeValues ?? {})).toContainEqual({ S: 'amount differs' });
    expect(reservedWordsUsed(input)).toEqual([]);
    expect(unusedPlaceholders(input)).toEqual([]);
  });
});

describe('Ledger.get', () => {
  it('reads consistently and maps the item when it exists', async () => {
    // Arrange
    dynamo.on(GetItemCommand).resolves({ Item: stored({ state: 'SUBMITTED', digest: DIGEST, uuid: 'u-1' }) });

    // Act
    const record = await ledgerAt().get('ref-000123');

    // Assert
    expect(record).toMatchObject({ reference: 'ref-000123', state: 'SUBMITTED', uuid: 'u-1' });
    expect(dynamo.commandCalls(GetItemCommand)[0]?.args[0].input.ConsistentRead).toBe(true);
  });
});

describe('Ledger: a live fence and final writes that survive a lost response', () => {
  it('marks a send only while the lease stays valid for the POST timeout, and records when', async () => {
    // Arrange
    const input = await sentUpdate((l) =>
      l.markSendAttempted({ reference: 'ref-000123', owner: 'owner-a', leaseValidForMs: 15_000 }),
    );
    const leaseUntil = (ms: number) =>
      stored({ state: 'CLAIMED', digest: DIGEST, leaseOwner: 'owner-a', leaseUntil: NOW + ms });

    // Act
    const results = {
      longEnough: conditionHolds(input, leaseUntil(15_000)),
      tooShort: conditionHolds(input, leaseUntil(14_999)),
      expired: conditionHolds(input, leaseUntil(-1)),
    };

    // Assert
    expect(results).toEqual({ longEnough: true, tooShort: false, expired: false });
    expect(input.UpdateExpression).toMatch(/lastSendAttemptAt = :sentAt/);
    expect(input.ExpressionAttributeValues?.[':sentAt']).toEqual({ N: String(NOW) });
    expect(reservedWordsUsed(input)).toEqual([]);
    expect(unusedPlaceholders(input)).toEqual([]);
  });

  it('counts a final write as done when its retry finds the same state written by the same owner', async () => {
    // Arrange: the first write committed, its response was lost, the SDK's retry failed the fence.
    const mine = stored({ state: 'REJECTED', digest: DIGEST, completedBy: 'owner-a' });
    dynamo.on(UpdateItemCommand).rejects(conditionFailed(mine));

    // Act
    const written = await ledgerAt().complete({
      reference: 'ref-000123',
      owner: 'owner-a',
      completion: {
        state: 'REJECTED',
        reasonCode: 'MER-PAY-2027',
        reason: 'bad address',
      },
    });

    // Assert
    expect(written).toBe(true);
    const input = dynamo.commandCalls(UpdateItemCommand)[0]?.args[0].input;
    expect(input?.UpdateExpression).toMatch(/completedBy = :owner/);
    expect(input?.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
  });

  it.each([
    ['another owner made it final', stored({ state: 'REJECTED', digest: DIGEST, completedBy: 'owner-b' })],
    ['it ended in another state', stored({ state: 'SUBMITTED', digest: DIGEST, completedBy: 'owner-a' })],
    ['the lease went to someone else', holder('owner-b')],
  ])('still answers false when %s', async (_label, current) => {
    // Arrange
    dynamo.on(UpdateItemCommand).rejects(conditionFailed(current));

    // Act
    const written = await ledgerAt().complete({
      reference: 'ref-000123',
      owner: 'owner-a',
      completion: {
        state: 'REJECTED',
        reasonCode: 'MER-PAY-2027',
        reason: 'bad address',
      },
    });

    // Assert
    expect(written).toBe(false);
  });

  it('keeps Coindirect’s uuid and status on a CONFLICT it holds, and opens it for the sweep', async () => {
    // Act
    const input = await sentUpdate((l) =>
      l.complete({
        reference: 'ref-000123',
        owner: 'owner-a',
        completion: {
          state: 'CONFLICT',
          reasonCode: 'REFERENCE_CONFLICT',
          reason: 'amount: message has 10.125, Coindirect has "10.13"',
          uuid: 'cd-uuid-9',
          coindirectStatus: 'PROCESSING',
        },
      }),
    );

    // Assert
    expect(input.UpdateExpression).toMatch(/#uuid = :uuid/);
    expect(input.UpdateExpression).toMatch(/openSince = :openNow/);
    expect(input.UpdateExpression).toMatch(/statusRank = :rank/);
    expect(input.ExpressionAttributeValues?.[':uuid']).toEqual({ S: 'cd-uuid-9' });
    expect(input.ExpressionAttributeValues?.[':final']).toEqual({ S: 'CONFLICT' });
    expect(unusedPlaceholders(input)).toEqual([]);
  });
});
