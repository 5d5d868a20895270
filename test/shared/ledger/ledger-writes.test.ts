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
  ['markSendAttempted', (l) => l.markSendAttempted('ref-000123', 'owner-a')],
  ['complete SUBMITTED', (l) => l.complete('ref-000123', 'owner-a', { state: 'SUBMITTED', uuid: 'u-1' })],
  [
    'complete REJECTED',
    (l) =>
      l.complete('ref-000123', 'owner-a', { state: 'REJECTED', reasonCode: 'MER-PAY-2027', reason: 'bad' }),
  ],
  ['release', (l) => l.release('ref-000123', 'owner-a', 'HTTP 503')],
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
    const input = await sentUpdate((l) => l.markSendAttempted('ref-000123', 'owner-a'));

    // Assert
    expect(input.UpdateExpression).toMatch(/sendAttempted = :true/);
    expect(input.ExpressionAttributeValues?.[':true']).toEqual({ BOOL: true });
  });

  it('stores state, uuid and Coindirect status, and drops the lease, when completing SUBMITTED', async () => {
    // Act
    const input = await sentUpdate((l) =>
      l.complete('ref-000123', 'owner-a', {
        state: 'SUBMITTED',
        uuid: 'cd-uuid',
        coindirectStatus: 'PROCESSING',
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
      l.complete('ref-000123', 'owner-a', {
        state: 'CONFLICT',
        reasonCode: 'REFERENCE_CONFLICT',
        reason: 'amount',
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
    const input = await sentUpdate((l) => l.release('ref-000123', 'owner-a', 'HTTP 503'));

    // Assert
    expect(Object.values(input.ExpressionAttributeValues ?? {})).toContainEqual({ S: 'HTTP 503' });
  });
});

describe('Ledger.recordInvalid', () => {
  async function sentPut(): Promise<PutItemCommandInput> {
    dynamo.on(PutItemCommand).resolves({});
    await ledgerAt().recordInvalid('ref-000123', 'm-1', 'SCHEMA', 'amount: must be greater than 0');
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
    ];

    // Assert
    expect(results).toEqual([true, true, false, false]);
    expect(input.Item?.state).toEqual({ S: 'REJECTED' });
    expect(input.Item?.reasonCode).toEqual({ S: 'SCHEMA' });
    expect(reservedWordsUsed(input)).toEqual([]);
    expect(unusedPlaceholders(input)).toEqual([]);
  });

  it('returns false when the reference already stands for something else', async () => {
    // Arrange
    dynamo.on(PutItemCommand).rejects(conditionFailed());

    // Act
    const written = await ledgerAt().recordInvalid('ref-000123', 'm-1', 'SCHEMA', 'bad');

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
