import {
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { LifecycleLedger } from '#shared/ledger/lifecycle-ledger.ts';
import { OPEN_INDEX } from '#shared/ledger/open-index.ts';
import { type PendingEvent, serializeEvent } from '#shared/ledger/pending-events.ts';
import { conditionHolds, reservedWordsUsed, unusedPlaceholders } from './condition-expression.ts';
import { conditionFailed, DIGEST, type Item, ledgerAt, NOW, stored, TABLE } from './ledger-fixtures.ts';

const dynamo = mockClient(DynamoDBClient);

beforeEach(() => {
  dynamo.reset();
});

const lifecycle = () =>
  new LifecycleLedger({
    client: new DynamoDBClient({ region: 'eu-west-1' }),
    tableName: TABLE,
    clock: () => NOW,
  });

const event = (transition: string): PendingEvent => ({
  eventId: `ref-000123:${transition}`,
  detailType: 'PayoutCompleted',
  detail: { eventId: `ref-000123:${transition}`, occurredAt: new Date(NOW).toISOString() },
});

/** A SUBMITTED item at `rank`, optionally with markers and a marker version. */
function submitted(rank: number | undefined, extra: Item = {}): Item {
  const item = { ...stored({ state: 'SUBMITTED', digest: DIGEST, uuid: 'cd-uuid' }), ...extra };
  if (rank !== undefined) item.statusRank = { N: String(rank) };
  return item;
}

async function sentAdvance(rank: number, events: PendingEvent[] = []): Promise<UpdateItemCommandInput> {
  dynamo.on(UpdateItemCommand).resolves({});
  await lifecycle().advanceStatus({ reference: 'ref-000123', uuid: 'cd-uuid', status: 'X', rank, events });
  const input = dynamo.commandCalls(UpdateItemCommand)[0]?.args[0].input;
  if (input === undefined) throw new Error('no UpdateItem sent');
  return input;
}

describe('LifecycleLedger.advanceStatus', () => {
  it('only moves a SUBMITTED payout with the same uuid to a higher rank', async () => {
    // Arrange
    const input = await sentAdvance(2);

    // Act
    const results = {
      fromPending: conditionHolds(input, submitted(1)),
      fromNoRank: conditionHolds(input, submitted(undefined)),
      fromSameRank: conditionHolds(input, submitted(2)),
      fromFinal: conditionHolds(input, submitted(3)),
      otherUuid: conditionHolds(input, { ...submitted(1), uuid: { S: 'other-uuid' } }),
      claimed: conditionHolds(input, stored({ state: 'CLAIMED', digest: DIGEST, uuid: 'cd-uuid' })),
      rejected: conditionHolds(input, stored({ state: 'REJECTED' })),
      missing: conditionHolds(input, undefined),
    };

    // Assert
    expect(results).toEqual({
      fromPending: true,
      fromNoRank: true,
      fromSameRank: false,
      fromFinal: false,
      otherUuid: false,
      claimed: false,
      rejected: false,
      missing: false,
    });
  });

  it('never lets COMPLETE and CANCELLED replace one another (both final)', async () => {
    // Arrange
    const input = await sentAdvance(3);

    // Act
    const overFinal = conditionHolds(input, { ...submitted(3), coindirectStatus: { S: 'CANCELLED' } });

    // Assert
    expect(overFinal).toBe(false);
  });

  it('records the status, rank and events in the same write, and keeps the item in the open index', async () => {
    // Act
    const input = await sentAdvance(3, [event('completed')]);

    // Assert
    expect(input.UpdateExpression).toMatch(/coindirectStatus = :status/);
    expect(input.UpdateExpression).toMatch(/statusRank = :rank/);
    expect(input.UpdateExpression).toMatch(
      /pendingEvents = list_append\(if_not_exists\(pendingEvents, :evNone\), :evNew\)/,
    );
    expect(input.UpdateExpression).toMatch(/openSince = if_not_exists\(openSince, :openNow\)/);
    expect(input.ExpressionAttributeValues?.[':evNew']).toEqual({ L: [serializeEvent(event('completed'))] });
    expect(reservedWordsUsed(input)).toEqual([]);
    expect(unusedPlaceholders(input)).toEqual([]);
  });

  it('uses no reserved word and no unused placeholder without events either', async () => {
    // Act
    const input = await sentAdvance(2);

    // Assert
    expect(input.UpdateExpression).not.toMatch(/pendingEvents/);
    expect(reservedWordsUsed(input)).toEqual([]);
    expect(unusedPlaceholders(input)).toEqual([]);
  });

  it('returns false, writing nothing, when the condition fails', async () => {
    // Arrange
    dynamo.on(UpdateItemCommand).rejects(conditionFailed());

    // Act
    const moved = await lifecycle().advanceStatus({
      reference: 'ref-000123',
      uuid: 'cd-uuid',
      status: 'PROCESSING',
      rank: 2,
      events: [],
    });

    // Assert
    expect(moved).toBe(false);
  });
});

describe('LifecycleLedger.clearPendingEvents', () => {
  const withMarkers = (rank: number, transitions: string[], version = 4): Item =>
    submitted(rank, {
      pendingEvents: { L: transitions.map((t) => serializeEvent(event(t))) },
      eventsVersion: { N: String(version) },
      openSince: { N: String(NOW - 1_000) },
    });

  async function sentClear(item: Item, ids: string[]): Promise<UpdateItemCommandInput | undefined> {
    dynamo.on(GetItemCommand).resolves({ Item: item });
    dynamo.on(UpdateItemCommand).resolves({});
    await lifecycle().clearPendingEvents('ref-000123', ids);
    return dynamo.commandCalls(UpdateItemCommand)[0]?.args[0].input;
  }

  it('keeps the markers not published, conditional on the version it read', async () => {
    // Act
    const input = await sentClear(withMarkers(2, ['submitted', 'completed']), ['ref-000123:submitted']);

    // Assert
    expect(input?.ExpressionAttributeValues?.[':remaining']).toEqual({
      L: [serializeEvent(event('completed'))],
    });
    expect(input?.ExpressionAttributeValues?.[':nextVersion']).toEqual({ N: '5' });
    expect(input?.UpdateExpression).not.toMatch(/openSince/);
    expect(conditionHolds(input ?? {}, withMarkers(2, ['submitted', 'completed']))).toBe(true);
    expect(conditionHolds(input ?? {}, withMarkers(2, ['submitted', 'completed', 'x'], 5))).toBe(false);
    expect(reservedWordsUsed(input ?? {})).toEqual([]);
    expect(unusedPlaceholders(input ?? {})).toEqual([]);
  });

  it('takes a final payout out of the open index with its last marker', async () => {
    // Act
    const input = await sentClear(withMarkers(3, ['completed']), ['ref-000123:completed']);

    // Assert
    expect(input?.UpdateExpression).toMatch(/REMOVE pendingEvents, openSince/);
  });

  it('keeps a payout that is not final in the open index after its last marker', async () => {
    // Act
    const input = await sentClear(withMarkers(2, ['submitted']), ['ref-000123:submitted']);

    // Assert
    expect(input?.UpdateExpression).toMatch(/REMOVE pendingEvents$/);
  });

  it('writes nothing when none of the ids is pending', async () => {
    // Act
    const input = await sentClear(withMarkers(2, ['submitted']), ['ref-000123:other']);

    // Assert
    expect(input).toBeUndefined();
  });

  it('reads again and retries when a marker was added between its read and its write', async () => {
    // Arrange
    dynamo
      .on(GetItemCommand)
      .resolvesOnce({ Item: withMarkers(3, ['completed']) })
      .resolves({ Item: withMarkers(3, ['completed', 'late'], 5) });
    dynamo.on(UpdateItemCommand).rejectsOnce(conditionFailed()).resolves({});

    // Act
    await lifecycle().clearPendingEvents('ref-000123', ['ref-000123:completed']);

    // Assert
    const writes = dynamo.commandCalls(UpdateItemCommand).map((call) => call.args[0].input);
    expect(writes).toHaveLength(2);
    expect(writes[1]?.ExpressionAttributeValues?.[':remaining']).toEqual({
      L: [serializeEvent(event('late'))],
    });
    expect(writes[1]?.UpdateExpression).not.toMatch(/openSince/);
  });
});

describe('LifecycleLedger.openRecords', () => {
  it('scans the open-payouts index page by page', async () => {
    // Arrange
    dynamo
      .on(ScanCommand)
      .resolvesOnce({ Items: [submitted(1)], LastEvaluatedKey: { reference: { S: 'ref-000123' } } })
      .resolves({ Items: [{ ...submitted(2), reference: { S: 'ref-000124' } }] });

    // Act
    const references: string[] = [];
    for await (const record of lifecycle().openRecords()) references.push(record.reference);

    // Assert
    expect(references).toEqual(['ref-000123', 'ref-000124']);
    const scans = dynamo.commandCalls(ScanCommand).map((call) => call.args[0].input);
    expect(scans.map((scan) => scan.IndexName)).toEqual([OPEN_INDEX.indexName, OPEN_INDEX.indexName]);
    expect(scans[1]?.ExclusiveStartKey).toEqual({ reference: { S: 'ref-000123' } });
  });
});

describe('Ledger writes that carry lifecycle events', () => {
  it('records a SUBMITTED payout with its rank, openSince and event markers in the fenced write', async () => {
    // Arrange
    dynamo.on(UpdateItemCommand).resolves({});

    // Act
    await ledgerAt().complete({
      reference: 'ref-000123',
      owner: 'owner-a',
      completion: { state: 'SUBMITTED', uuid: 'cd-uuid', coindirectStatus: 'PENDING' },
      events: [event('submitted')],
    });

    // Assert
    const input = dynamo.commandCalls(UpdateItemCommand)[0]?.args[0].input;
    if (input === undefined) throw new Error('no UpdateItem sent');
    expect(input.ExpressionAttributeValues).toMatchObject({
      ':rank': { N: '1' },
      ':openNow': { N: String(NOW) },
      ':evNew': { L: [serializeEvent(event('submitted'))] },
    });
    expect(input.ConditionExpression).toMatch(/leaseOwner = :owner/);
    expect(input.UpdateExpression).toMatch(/REMOVE leaseOwner, leaseUntil$/);
    expect(reservedWordsUsed(input)).toEqual([]);
    expect(unusedPlaceholders(input)).toEqual([]);
  });

  it('carries over markers still pending on the REJECTED item an invalid message replaces', async () => {
    // Arrange
    const previous = {
      ...stored({ state: 'REJECTED' }),
      pendingEvents: { L: [serializeEvent(event('rejected:m-1'))] },
      eventsVersion: { N: '1' },
      openSince: { N: '42' },
    };
    dynamo.on(GetItemCommand).resolves({ Item: previous });
    dynamo.on(PutItemCommand).resolves({});

    // Act
    const written = await ledgerAt().recordInvalid({
      reference: 'ref-000123',
      messageId: 'm-2',
      reasonCode: 'INVALID_MESSAGE',
      reason: 'amount: bad',
      events: [event('rejected:m-2')],
    });

    // Assert
    const input = dynamo.commandCalls(PutItemCommand)[0]?.args[0].input;
    if (input === undefined) throw new Error('no PutItem sent');
    expect(written).toBe(true);
    expect(input.Item?.pendingEvents).toEqual({
      L: [serializeEvent(event('rejected:m-1')), serializeEvent(event('rejected:m-2'))],
    });
    expect(input.Item?.eventsVersion).toEqual({ N: '2' });
    expect(input.Item?.openSince).toEqual({ N: '42' });
    expect(conditionHolds(input, previous)).toBe(true);
    expect(conditionHolds(input, { ...previous, eventsVersion: { N: '2' } })).toBe(false);
    expect(unusedPlaceholders(input)).toEqual([]);
  });

  it('does not replace an item that is not REJECTED when recording an invalid message with events', async () => {
    // Arrange
    dynamo.on(GetItemCommand).resolves({ Item: submitted(2) });

    // Act
    const written = await ledgerAt().recordInvalid({
      reference: 'ref-000123',
      messageId: 'm-2',
      reasonCode: 'INVALID_MESSAGE',
      reason: 'bad',
      events: [event('x')],
    });

    // Assert
    expect(written).toBe(false);
    expect(dynamo.commandCalls(PutItemCommand)).toHaveLength(0);
  });
});
