// Exactly once against a Coindirect that behaves worse than documented: a search that lags behind
// creates, a duplicate reference refused with another code, no reference uniqueness at all, stored
// content normalised, and answers slower than any timeout. Real moto, the real simulator, the real worker.
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DeleteMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { awsTestEnv, motoEndpoint } from '#test/support/integration.ts';
import { payoutMessage, type Rig, startRig } from '#test/support/pipeline-harness.ts';
import { localContext } from '../../../local/lambda-context.ts';

const endpoint = motoEndpoint();
const SETTLE_MS = 2_000;
const BECH32_UPPER = 'BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ';

describe.skipIf(endpoint === null)('payout worker: exactly once without trusting the vendor', () => {
  let rig: Rig;

  beforeAll(async () => {
    rig = await startRig({
      endpoint: endpoint ?? '',
      env: { RESEND_SETTLE_SECONDS: String(SETTLE_MS / 1000) },
    });
  });
  afterEach(() => {
    rig.sim.clearFaults();
    rig.sim.setVendorModes({
      searchLagMs: 0,
      duplicateReferenceCode: null,
      enforceUniqueReference: true,
      normalize: false,
      latencyMs: 0,
    });
  });
  afterAll(async () => {
    if (process.env.DEBUG_RIG) console.log(rig.logger.lines.join('\n'));
    await rig.close();
  });

  /** Receives the one message of `reference` (sent earlier), waiting out nothing but SQS's own poll. */
  async function receiveOne(): Promise<Message> {
    const [message] = await rig.receive(1);
    if (message === undefined) throw new Error('no message');
    return message;
  }

  /** Handles the message again, as SQS would deliver it once its backoff has passed. */
  async function redeliver(message: Message) {
    await rig.expire(message);
    const again = await receiveOne();
    return { message: again, response: await rig.handler(rig.toEvent([again])) };
  }

  it('never marks a paid payout REJECTED when the duplicate comes back with another code', async () => {
    // Arrange: the search lags longer than the settle time, and a taken reference is refused with
    // `invalidPayout` on the reference parameter instead of the documented `unique`.
    rig.sim.setVendorModes({ searchLagMs: 4_000, duplicateReferenceCode: 'invalidPayout' });
    rig.sim.injectFault({
      fault: { kind: 'commitThenDrop' },
      match: { method: 'POST', reference: 'dupcode-0001' },
    });
    await rig.send(payoutMessage('dupcode-0001'));
    const message = await receiveOne();

    // Act: the create commits and its answer is lost; after the settle time the search still shows
    // nothing, so the worker sends again and Coindirect refuses the taken reference.
    const first = await rig.handler(rig.toEvent([message]));
    await sleep(SETTLE_MS + 100);
    const second = await redeliver(message);
    const afterRefusal = await rig.ledger('dupcode-0001');
    await sleep(4_000);
    const third = await redeliver(second.message);

    // Assert
    expect(first.batchItemFailures).toHaveLength(1);
    expect(second.response.batchItemFailures).toHaveLength(1);
    expect(rig.sim.requests().some((r) => r.outcome === 'duplicate-reference')).toBe(true);
    expect(afterRefusal?.state).toBe('CLAIMED');
    expect(afterRefusal?.lastError).toMatch(/invalidPayout/);
    expect(third.response.batchItemFailures).toEqual([]);
    const record = await rig.ledger('dupcode-0001');
    const [payout] = rig.sim.payouts().filter((p) => p.reference === 'dupcode-0001');
    expect(record).toMatchObject({ state: 'SUBMITTED', uuid: payout?.uuid });
    expect(rig.sim.createdCount('dupcode-0001')).toBe(1);
    expect((await rig.deadLetters()).filter((l) => l.attributes.reference === 'dupcode-0001')).toEqual([]);
  });

  it('never pays twice when the vendor has no reference uniqueness and its search lags', async () => {
    // Arrange
    rig.sim.setVendorModes({ searchLagMs: 1_000, enforceUniqueReference: false });
    rig.sim.injectFault({
      fault: { kind: 'commitThenDrop' },
      match: { method: 'POST', reference: 'nouniq-0001' },
    });
    await rig.send(payoutMessage('nouniq-0001'));
    const message = await receiveOne();

    // Act: redelivered at once, while the search cannot show the payout yet, then after the settle time.
    await rig.handler(rig.toEvent([message]));
    const early = await redeliver(message);
    await sleep(SETTLE_MS + 100);
    const settled = await redeliver(early.message);

    // Assert
    expect(early.response.batchItemFailures).toHaveLength(1);
    expect(settled.response.batchItemFailures).toEqual([]);
    expect(rig.sim.createdCount('nouniq-0001')).toBe(1);
    expect((await rig.ledger('nouniq-0001'))?.state).toBe('SUBMITTED');
  });

  it('resends only after a lookup made RESEND_SETTLE_SECONDS after the last attempt finds nothing', async () => {
    // Arrange: the first create reaches Coindirect, is not committed, and its connection drops.
    rig.sim.injectFault({
      fault: { kind: 'dropBeforeCommit' },
      match: { method: 'POST', reference: 'settle-0001' },
    });
    await rig.send(payoutMessage('settle-0001'));
    const message = await receiveOne();
    const requests = () => rig.sim.requests().filter((r) => r.path.startsWith('/api/v1/pay/summary'));
    const before = requests().length;

    // Act
    await rig.handler(rig.toEvent([message]));
    const early = await redeliver(message);
    await sleep(SETTLE_MS + 100);
    const settled = await redeliver(early.message);

    // Assert
    const mine = requests()
      .slice(before)
      .filter((r) => r.method === 'POST' || r.query.includes('settle-0001'));
    expect(mine.map((r) => r.method)).toEqual(['POST', 'GET', 'GET', 'POST']);
    const [firstPost, , settledLookup] = mine;
    expect((settledLookup?.at ?? 0) - (firstPost?.at ?? 0)).toBeGreaterThanOrEqual(SETTLE_MS);
    expect(early.response.batchItemFailures).toHaveLength(1);
    expect(settled.response.batchItemFailures).toEqual([]);
    expect(rig.sim.createdCount('settle-0001')).toBe(1);
  });

  it('refuses fiat amounts with more decimals than the currency has', async () => {
    // Arrange
    const before = rig.sim.requests().length;
    await rig.send(payoutMessage('decimals-0001', { amount: '10.125' }));

    // Act
    const response = await rig.handler(rig.toEvent([await receiveOne()]));

    // Assert
    expect(response.batchItemFailures).toEqual([]);
    expect(rig.sim.requests().length).toBe(before);
    const [letter] = (await rig.deadLetters()).filter((l) => l.attributes.reference === 'decimals-0001');
    expect(letter?.attributes.outcome).toBe('REJECTED');
    expect(letter?.attributes.reason).toBe('amount: EUR has 2 decimals, got 10.125');
    expect((await rig.ledger('decimals-0001'))?.state).toBe('REJECTED');
  });

  it('sends bech32 addresses in lower case and reconciles a normalised payout as SUBMITTED', async () => {
    // Arrange: Coindirect stores addresses lower-cased and amounts rounded; the create's answer is lost,
    // so the outcome rests on comparing what the search returns with the message.
    rig.sim.setVendorModes({ normalize: true });
    rig.sim.injectFault({
      fault: { kind: 'commitThenDrop' },
      match: { method: 'POST', reference: 'bech32-0001' },
    });
    await rig.send(
      payoutMessage('bech32-0001', {
        amount: '40.10',
        destination: { currency: 'BTC', address: BECH32_UPPER },
      }),
    );
    const message = await receiveOne();

    // Act
    await rig.handler(rig.toEvent([message]));
    const second = await redeliver(message);

    // Assert
    expect(second.response.batchItemFailures).toEqual([]);
    const [payout] = rig.sim.payouts().filter((p) => p.reference === 'bech32-0001');
    expect(payout?.rawBody).toContain(BECH32_UPPER.toLowerCase());
    expect(payout?.rawBody).not.toContain(BECH32_UPPER);
    const record = await rig.ledger('bech32-0001');
    expect(record).toMatchObject({ state: 'SUBMITTED', uuid: payout?.uuid });
    expect(rig.sim.createdCount('bech32-0001')).toBe(1);
  });

  it('a Coindirect slower than the time left ends in a partial batch response, not a timeout', async () => {
    // Arrange: Coindirect never answers. The invocation has 30 s, records run one at a time, so only as
    // many start as the time budget allows; the rest go back untouched.
    const slow = await startRig({
      endpoint: endpoint ?? '',
      env: { RESEND_SETTLE_SECONDS: '1', RECORD_CONCURRENCY: '1' },
    });
    slow.sim.injectFault({ fault: { kind: 'hang' }, times: Number.POSITIVE_INFINITY });
    const references = Array.from({ length: 6 }, (_, i) => `slow-batch-000${i}`);
    for (const reference of references) await slow.send(payoutMessage(reference));
    const messages: Message[] = [];
    while (messages.length < references.length) messages.push(...(await slow.receive(10)));
    const context = localContext('payout-worker', 30_000);

    try {
      // Act
      const response = await slow.handlerWith(slow.toEvent(messages), context);
      const leftAtReturn = context.getRemainingTimeInMillis();

      // Assert
      expect(leftAtReturn).toBeGreaterThan(0);
      expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
        messages.map((m) => m.MessageId).sort(),
      );
      const records = await Promise.all(references.map((r) => slow.ledger(r)));
      const started = records.filter((r) => r !== undefined);
      // Some records started and were cut off by the HTTP timeout; the budget left the rest untouched.
      expect(started.length).toBeGreaterThan(0);
      expect(started.length).toBeLessThan(references.length);
      for (const record of started) expect(record).toMatchObject({ state: 'CLAIMED', sendAttempted: true });
      for (const record of started) expect(record?.leaseOwner).toBeUndefined();
      expect(references.some((r) => slow.sim.createdCount(r) > 0)).toBe(false);
    } finally {
      await slow.close();
    }
  });

  it('a redriven REJECTED payout that may have been sent is looked up before any POST', async () => {
    // Arrange: Coindirect holds the payout; the ledger says REJECTED with sendAttempted, as a worker
    // that trusted an error code would have left it. The message is then redriven.
    rig.sim.injectFault({
      fault: { kind: 'commitThenDrop' },
      match: { method: 'POST', reference: 'redrive-0001' },
    });
    await rig.send(payoutMessage('redrive-0001'));
    const message = await receiveOne();
    await rig.handler(rig.toEvent([message]));
    await rig.sqs.send(
      new DeleteMessageCommand({ QueueUrl: rig.resources.queueUrl, ReceiptHandle: message.ReceiptHandle }),
    );
    const dynamodb = new DynamoDBClient(awsTestEnv(endpoint ?? ''));
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: rig.resources.tableName,
        Key: { reference: { S: 'redrive-0001' } },
        UpdateExpression: 'SET #state = :rejected, reasonCode = :code REMOVE leaseOwner, leaseUntil',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':rejected': { S: 'REJECTED' }, ':code': { S: 'invalidPayout' } },
      }),
    );
    dynamodb.destroy();
    const postsBefore = rig.sim.requests().filter((r) => r.method === 'POST').length;

    // Act
    await rig.send(payoutMessage('redrive-0001'));
    const response = await rig.handler(rig.toEvent([await receiveOne()]));

    // Assert
    expect(response.batchItemFailures).toEqual([]);
    expect(rig.sim.requests().filter((r) => r.method === 'POST').length).toBe(postsBefore);
    expect(rig.sim.createdCount('redrive-0001')).toBe(1);
    const [payout] = rig.sim.payouts().filter((p) => p.reference === 'redrive-0001');
    expect(await rig.ledger('redrive-0001')).toMatchObject({ state: 'SUBMITTED', uuid: payout?.uuid });
  });
});
