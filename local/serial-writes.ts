// moto 5.2.1 checks a DynamoDB ConditionExpression and then writes without a lock, so two concurrent
// conditional writes to one item can both succeed (docs/local.md, "Known gaps of moto"). Real DynamoDB
// applies the writes to an item one at a time. The local run sends the writes of its one client to an
// item one at a time, which restores that: two sample rows with one reference then end as one SUBMITTED
// and one CONFLICT, as on AWS, instead of one of them being superseded.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

type Attributes = Readonly<Record<string, unknown>>;

/**
 * Makes `client` send writes to one item one at a time; writes to different items, and reads, stay
 * concurrent. `keyNames` gives each table's key attributes (a PutItem names its item by them); a write to
 * a table not listed waits for every other write to that table. Returns the client.
 */
export function serializeItemWrites(
  client: DynamoDBClient,
  keyNames: ReadonlyMap<string, readonly string[]>,
): DynamoDBClient {
  const tails = new Map<string, Promise<unknown>>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const lock = itemLock(context.commandName, args.input as Attributes, keyNames);
      if (lock === undefined) return next(args);
      const turn = (tails.get(lock) ?? Promise.resolve()).then(() => next(args));
      const done = turn.then(
        () => undefined,
        () => undefined,
      );
      tails.set(lock, done);
      void done.then(() => {
        if (tails.get(lock) === done) tails.delete(lock);
      });
      return turn;
    },
    // Outside the retry step: a retried attempt keeps the turn it has.
    { step: 'initialize', name: 'localSerializeItemWrites' },
  );
  return client;
}

/** The lock a write takes: its table and item key; undefined for a read. */
export function itemLock(
  commandName: string | undefined,
  input: Attributes,
  keyNames: ReadonlyMap<string, readonly string[]>,
): string | undefined {
  if (commandName === 'BatchWriteItemCommand' || commandName === 'TransactWriteItemsCommand') return '*';
  const key =
    commandName === 'PutItemCommand'
      ? (input.Item as Attributes | undefined)
      : commandName === 'UpdateItemCommand' || commandName === 'DeleteItemCommand'
        ? (input.Key as Attributes | undefined)
        : undefined;
  if (key === undefined) return undefined;
  const table = String(input.TableName);
  const names = keyNames.get(table);
  if (names === undefined) return table;
  return `${table}|${JSON.stringify(names.map((name) => key[name]))}`;
}
