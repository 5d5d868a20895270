// The chaos run's premises about its forwarders in front of moto: through the serialising forwarder,
// moto's conditional writes behave as DynamoDB's do, so concurrent claims of one reference have one
// winner (without it, moto 5.2.1 lets two or more of five concurrent claims win in about half the tries);
// and the faults the forwarder injects reach an SDK client as the real ones would.
import {
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '#shared/ledger/ledger.ts';
import { payoutDigest } from '#shared/payout/digest.ts';
import { parsePayoutMessage } from '#shared/payout/schema.ts';
import { awsTestEnv, motoEndpoint } from '#test/support/integration.ts';
import { type ForwardingProxy, startForwardingProxy } from '../../bench/lib/forwarding-proxy.ts';
import { payoutBody } from '../../bench/lib/payouts.ts';
import { type LocalResources, provisionLocalResources } from '../../local/provision.ts';

const endpoint = motoEndpoint();
const GUARDRAILS = {
  defaultMerchantId: '9a57c17a-1eef-48ff-83d0-b5892c99f767',
  allowedMerchantIds: [],
  maxAmounts: { EUR: '5000' },
  addressNetwork: 'mainnet' as const,
  maxBodyBytes: 16_384,
};

function validPayout(reference: string) {
  const parsed = parsePayoutMessage(payoutBody(reference), GUARDRAILS);
  if (!parsed.ok) throw new Error('invalid fixture');
  return parsed.payout;
}

/** A random source that answers `values` in turn, then 0.99 (no fault) for ever. */
function scripted(...values: number[]): () => number {
  return () => values.shift() ?? 0.99;
}

describe.skipIf(endpoint === null)('forwarders in front of moto', () => {
  const proxies: ForwardingProxy[] = [];
  const clients: Array<{ destroy(): void }> = [];
  let resources: LocalResources;
  let moto: DynamoDBClient;

  const proxy = async (options: Parameters<typeof startForwardingProxy>[1]): Promise<ForwardingProxy> => {
    const started = await startForwardingProxy(endpoint ?? '', options);
    proxies.push(started);
    return started;
  };
  const dynamodb = (at: ForwardingProxy, maxAttempts: number): DynamoDBClient => {
    const client = new DynamoDBClient({ ...awsTestEnv(at.endpoint), maxAttempts });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    const aws = awsTestEnv(endpoint ?? '');
    moto = new DynamoDBClient(aws);
    clients.push(moto);
    resources = await provisionLocalResources({
      sqs: new SQSClient(aws),
      dynamodb: moto,
      secretsManager: new SecretsManagerClient(aws),
      prefix: `proxy-${Date.now()}`,
      hawk: { hawkAuthId: 'id', hawkAuthKey: 'key' },
    });
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await Promise.all(proxies.map((p) => p.close()));
  });

  it('lets exactly one of five concurrent ledger claims of a reference win', async () => {
    const serial = await proxy({ serial: true });
    const ledgers = Array.from(
      { length: 5 },
      () => new Ledger({ client: dynamodb(serial, 3), tableName: resources.tableName, leaseMs: 10_000 }),
    );
    const winners: number[] = [];

    for (let i = 0; i < 20; i++) {
      const payout = validPayout(`proxy-claim-${i}`);
      const digest = payoutDigest(payout);
      const claims = await Promise.all(
        ledgers.map((l, j) => l.claim({ payout, digest, owner: `owner-${j}`, messageId: 'm' })),
      );
      winners.push(claims.filter((c) => c.kind === 'claimed').length);
    }

    expect(winners).toEqual(Array.from({ length: 20 }, () => 1));
  });

  it('applies a conditional write whose answer it drops, and the client sees a connection error', async () => {
    const dropping = await proxy({ serial: true, dynamodbFaults: { dropAfterCommitShare: 1 } });
    const reference = `proxy-drop-${Date.now()}`;

    const write = dynamodb(dropping, 1).send(
      new UpdateItemCommand({
        TableName: resources.tableName,
        Key: { reference: { S: reference } },
        UpdateExpression: 'SET #state = :claimed',
        ConditionExpression: 'attribute_not_exists(#ref)',
        ExpressionAttributeNames: { '#state': 'state', '#ref': 'reference' },
        ExpressionAttributeValues: { ':claimed': { S: 'CLAIMED' } },
      }),
    );
    const error: unknown = await write.then(
      () => undefined,
      (e: unknown) => e,
    );

    // A network error, not an answer from DynamoDB: no HTTP status, a reset or hang-up.
    expect(error).toBeInstanceOf(Error);
    expect((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBeUndefined();
    expect(`${(error as { code?: string }).code ?? ''} ${(error as Error).message}`).toMatch(
      /ECONNRESET|socket hang up|EPIPE/,
    );
    const stored = await moto.send(
      new GetItemCommand({
        TableName: resources.tableName,
        Key: { reference: { S: reference } },
        ConsistentRead: true,
      }),
    );
    expect(stored.Item?.state).toEqual({ S: 'CLAIMED' });
    expect(dropping.counts()).toMatchObject({ droppedAfterCommit: 1, throttled: 0 });
  });

  it('leaves reads and unconditional writes alone when dropping conditional writes', async () => {
    const dropping = await proxy({ serial: true, dynamodbFaults: { dropAfterCommitShare: 1 } });

    const out = await dynamodb(dropping, 1).send(
      new GetItemCommand({ TableName: resources.tableName, Key: { reference: { S: 'proxy-none' } } }),
    );

    expect(out.Item).toBeUndefined();
    expect(dropping.counts()).toMatchObject({ forwarded: 1, droppedAfterCommit: 0 });
  });

  it('answers a throttled request ProvisionedThroughputExceededException without forwarding it', async () => {
    const throttling = await proxy({ serial: true, dynamodbFaults: { throttleShare: 1 } });

    const error: unknown = await dynamodb(throttling, 1)
      .send(new GetItemCommand({ TableName: resources.tableName, Key: { reference: { S: 'proxy-x' } } }))
      .then(
        () => undefined,
        (e: unknown) => e,
      );

    expect(error).toBeInstanceOf(ProvisionedThroughputExceededException);
    expect((error as ProvisionedThroughputExceededException).$metadata.httpStatusCode).toBe(400);
    expect(throttling.counts()).toMatchObject({ throttled: 1, forwarded: 0 });
  });

  it("lets the ledger recognise its own claim and completion when their answers were lost (the SDK's retry)", async () => {
    // The first attempt of each write is applied and its answer dropped; the SDK's second attempt then
    // fails its condition, and the ledger must see its own lease / its own completion in what it reads.
    const faulty = await proxy({
      serial: true,
      dynamodbFaults: { dropAfterCommitShare: 0.5, random: scripted(0, 0.99, 0, 0.99) },
    });
    const ledger = new Ledger({
      client: dynamodb(faulty, 2),
      tableName: resources.tableName,
      leaseMs: 10_000,
    });
    const payout = validPayout(`proxy-lost-${Date.now()}`);

    const claim = await ledger.claim({
      payout,
      digest: payoutDigest(payout),
      owner: 'owner-lost',
      messageId: 'm',
    });
    const completed = await ledger.complete({
      reference: payout.reference,
      owner: 'owner-lost',
      completion: { state: 'SUBMITTED', uuid: '0b9e3f5c-7d1a-4e2b-9c8d-1f2a3b4c5d6e' },
    });

    expect(claim).toEqual({ kind: 'claimed', mustReconcile: false });
    expect(completed).toBe(true);
    expect(faulty.counts().droppedAfterCommit).toBe(2);
    expect(await ledger.get(payout.reference)).toMatchObject({
      state: 'SUBMITTED',
      uuid: '0b9e3f5c-7d1a-4e2b-9c8d-1f2a3b4c5d6e',
    });
  });

  it('answers 503 ServiceUnavailable during an outage, and forwards again after it', async () => {
    const secrets = await proxy({});
    const client = new SecretsManagerClient({ ...awsTestEnv(secrets.endpoint), maxAttempts: 1 });
    clients.push(client);
    const read = () => client.send(new GetSecretValueCommand({ SecretId: resources.secretId }));

    secrets.setOutage(true);
    const error: unknown = await read().then(
      () => undefined,
      (e: unknown) => e,
    );
    secrets.setOutage(false);
    const after = await read();

    expect((error as Error).name).toBe('ServiceUnavailable');
    expect((error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(503);
    expect(after.SecretString).toContain('hawkAuthId');
    expect(secrets.counts()).toMatchObject({ refusedInOutage: 1, forwarded: 1 });
  });
});
