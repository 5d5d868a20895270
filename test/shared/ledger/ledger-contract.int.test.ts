// The DynamoDB ledger held to the ledger contract over a socket, on moto: real requests, real condition
// and update expressions. The in-memory ledger runs the same suite (in-memory-ledger-contract.test.ts).
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe } from 'vitest';
import { Ledger } from '#shared/ledger/ledger.ts';
import { awsTestEnv, motoEndpoint } from '#test/support/integration.ts';
import { ledgerContract } from './ledger-contract.ts';

const endpoint = motoEndpoint();

describe.skipIf(endpoint === null)('Ledger on moto', () => {
  // moto is shared by every integration test: this file's table has a name of its own.
  const tableName = `ledger-contract-${randomUUID()}`;
  let client: DynamoDBClient | undefined;

  beforeAll(async () => {
    client = new DynamoDBClient(awsTestEnv(endpoint ?? ''));
    // The ledger table as local/provision.ts creates it (key `reference`).
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: 'reference', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'reference', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  });

  afterAll(async () => {
    await client?.send(new DeleteTableCommand({ TableName: tableName }));
    client?.destroy();
  });

  ledgerContract('Ledger (DynamoDB on moto)', ({ leaseMs, clock }) => {
    if (client === undefined) throw new Error('the table was not created');
    return new Ledger({ client, tableName, leaseMs, clock });
  });
});
