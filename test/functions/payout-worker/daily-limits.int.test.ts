// Daily limits (PAYOUT_DAILY_LIMITS) end to end: real moto (queue, ledger table with its counters), the real
// simulator, real worker handlers. The worker and the simulator share one clock, moved by hand, so a test
// never depends on the time of day it runs at.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type ChangeMessageVisibilityBatchCommandInput,
  type ChangeMessageVisibilityBatchRequestEntry,
  DeleteMessageCommand,
  type Message,
} from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { utcDay } from '#shared/ledger/daily-limits.ts';
import { addDecimal, compareDecimal } from '#shared/payout/decimal.ts';
import { METRIC } from '#shared/processing/ports.ts';
import { awsTestEnv, motoEndpoint } from '#test/support/integration.ts';
import { payoutMessage, type Rig, type RigHandler, startRig } from '#test/support/pipeline-harness.ts';

const endpoint = motoEndpoint();

/** A clock at `start` that moves only when told to. */
function handClock(start: string) {
  let offset = Date.parse(start) - Date.now();
  return {
    now: () => Date.now() + offset,
    moveTo(at: string) {
      offset = Date.parse(at) - Date.now();
    },
  };
}

describe.skipIf(endpoint === null)('payout worker: daily limits', () => {
  let rig: Rig | undefined;

  afterEach(async () => {
    if (process.env.DEBUG_RIG) console.log(rig?.logger.lines.join('\n'));
    await rig?.close();
    rig = undefined;
  });

  async function start(clock: () => number, limits: string, dynamodb?: DynamoDBClient): Promise<Rig> {
    rig = await startRig({
      endpoint: endpoint ?? '',
      simulator: { clock },
      overrides: { clock, ...(dynamodb === undefined ? {} : { dynamodb }) },
      env: { PAYOUT_MAX_AMOUNTS: '{"EUR":"100","USD":"5000"}', PAYOUT_DAILY_LIMITS: limits },
    });
    return rig;
  }

  /** Handles received messages like the event source: deletes what the handler acknowledged. */
  async function handle(r: Rig, handler: RigHandler, messages: readonly Message[]): Promise<string[]> {
    const response = await handler(r.toEvent(messages));
    const failed = response.batchItemFailures.map((f) => f.itemIdentifier);
    for (const message of messages) {
      if (failed.includes(message.MessageId ?? '')) continue;
      await r.sqs.send(
        new DeleteMessageCommand({ QueueUrl: r.resources.queueUrl, ReceiptHandle: message.ReceiptHandle }),
      );
    }
    return failed;
  }

  async function receiveOne(r: Rig): Promise<Message> {
    const [message] = await r.receive(1);
    if (message === undefined) throw new Error('no message');
    return message;
  }

  it('containers running concurrently never pass the daily limit together', async () => {
    // Arrange: 30 payouts worth 529.95 EUR against a limit of 400 EUR, four containers at once, each taking
    // 3 messages a batch: 12 reservations race on one counter (every conflict costs a read and a write, on
    // a moto shared with the rest of the suite).
    const clock = handClock('2026-11-30T12:00:00.000Z');
    const dynamodb = itemAtomicDynamoDb();
    const r = await start(clock.now, '{"EUR":"400"}', dynamodb);
    const day = '2026-11-30';
    const amounts = new Map<string, string>();
    for (let i = 0; i < 30; i++) {
      const reference = `burst-${String(i).padStart(4, '0')}`;
      const amount = `${(i % 7) * 5 + 3}.${String((i * 37) % 100).padStart(2, '0')}`;
      amounts.set(reference, amount);
      await r.send(payoutMessage(reference, { amount }));
    }
    const handlers = [r.newHandler(), r.newHandler(), r.newHandler(), r.newHandler()];

    // Act: each container takes batches off the queue until every payout is paid or waits for tomorrow.
    const settled = async () => {
      const records = await Promise.all([...amounts.keys()].map((reference) => r.ledger(reference)));
      return records.every(
        (record) =>
          record?.state === 'SUBMITTED' ||
          (record?.leaseOwner === undefined && record?.lastError?.startsWith('DAILY_LIMIT_REACHED')),
      );
    };
    let done = false;
    await Promise.all(
      handlers.map(async (handler) => {
        while (!done) {
          const messages = await r.receive(3);
          if (messages.length > 0) await handle(r, handler, messages);
          else if (await settled()) done = true;
        }
      }),
    );

    // Assert
    const paid = [...amounts].filter(([reference]) => r.sim.createdCount(reference) > 0);
    const paidSum = paid.reduce((sum, [, amount]) => addDecimal(sum, amount), '0');
    const waiting = (await Promise.all([...amounts.keys()].map((ref) => r.ledger(ref)))).filter(
      (record) => record?.state !== 'SUBMITTED',
    );
    const submittedSum = (await Promise.all([...amounts.keys()].map((ref) => r.ledger(ref))))
      .filter((record) => record?.state === 'SUBMITTED')
      .reduce((sum, record) => addDecimal(sum, record?.amount ?? '0'), '0');
    expect(compareDecimal(paidSum, '400')).toBeLessThanOrEqual(0);
    expect(paid.every(([reference]) => r.sim.createdCount(reference) === 1)).toBe(true);
    expect(await r.dailyTotal('EUR', day)).toBe(submittedSum);
    expect(submittedSum).toBe(paidSum);
    expect(waiting.length).toBeGreaterThan(0);
    expect(r.metrics.get(METRIC.dailyLimitReached)).toBeGreaterThan(0);
    expect(await r.deadLetters()).toEqual([]);
    dynamodb.destroy();
  }, 240_000);

  it("a payout over today's limit waits and is never dead-lettered for it", async () => {
    // Arrange: 60 EUR of today's 100 are paid; the next 50 EUR do not fit.
    const clock = handClock('2026-11-30T23:30:00.000Z');
    const r = await start(clock.now, '{"EUR":"100"}');
    const visibility = captureVisibilityChanges(r);
    await r.send(payoutMessage('today-0001', { amount: '60' }));
    await handle(r, r.handler, [await receiveOne(r)]);
    await r.send(payoutMessage('tomorrow-0001', { amount: '50' }));
    const waiting = await receiveOne(r);

    // Act: today, then again once the clock has moved past midnight UTC.
    const today = await handle(r, r.handler, [waiting]);
    const afterToday = await r.ledger('tomorrow-0001');
    clock.moveTo('2026-12-01T00:04:00.000Z');
    await r.expire(waiting);
    const tomorrow = await handle(r, r.handler, [await receiveOne(r)]);

    // Assert: it went back with the reason, no attempt counted, hidden until the next UTC day…
    expect(today).toEqual([waiting.MessageId]);
    expect(afterToday).toMatchObject({ state: 'CLAIMED', attempts: 0 });
    expect(afterToday?.lastError).toMatch(
      /^DAILY_LIMIT_REACHED: 50 EUR does not fit the daily limit of 100 EUR/,
    );
    expect(afterToday?.leaseOwner).toBeUndefined();
    const [wait] = visibility.filter((change) => change.ReceiptHandle === waiting.ReceiptHandle);
    const seconds = wait?.VisibilityTimeout ?? 0;
    expect(utcDay(Date.parse('2026-11-30T23:30:00.000Z') + seconds * 1000)).toBe('2026-12-01');
    expect(seconds).toBeLessThanOrEqual(30 * 60 + 300);
    expect(r.metrics.get(METRIC.dailyLimitReached)).toBe(1);
    // …and was paid the next day, counted on that day, never dead-lettered.
    expect(tomorrow).toEqual([]);
    expect(await r.ledger('tomorrow-0001')).toMatchObject({
      state: 'SUBMITTED',
      limitReservation: { currency: 'EUR', day: '2026-12-01', amount: '50' },
    });
    expect(r.sim.createdCount('tomorrow-0001')).toBe(1);
    expect(await r.dailyTotal('EUR', '2026-11-30')).toBe('60');
    expect(await r.dailyTotal('EUR', '2026-12-01')).toBe('50');
    expect(await r.deadLetters()).toEqual([]);
  });

  it('a refused payout releases its reservation', async () => {
    // Arrange: 30 EUR reserved and paid; Coindirect refuses the next payout's address outright.
    const clock = handClock('2026-11-30T12:00:00.000Z');
    const r = await start(clock.now, '{"EUR":"100"}');
    await r.send(payoutMessage('kept-0001', { amount: '30' }));
    await handle(r, r.handler, [await receiveOne(r)]);
    const before = await r.dailyTotal('EUR', '2026-11-30');
    r.sim.injectFault({
      fault: { kind: 'rejectAddress' },
      match: { method: 'POST', reference: 'refused-0001' },
    });
    await r.send(payoutMessage('refused-0001', { amount: '20.5' }));

    // Act
    const failed = await handle(r, r.handler, [await receiveOne(r)]);

    // Assert
    expect(before).toBe('30');
    expect(failed).toEqual([]);
    const record = await r.ledger('refused-0001');
    expect(record?.state).toBe('REJECTED');
    expect(record?.limitReservation).toBeUndefined();
    expect(await r.dailyTotal('EUR', '2026-11-30')).toBe('30');
    expect(r.logger.lines.some((line) => line.includes('daily-limit reservation released'))).toBe(true);
    expect((await r.deadLetters()).map((letter) => letter.attributes.reference)).toEqual(['refused-0001']);
  });
});

/**
 * A DynamoDB client for the worker's containers whose writes reach moto one at a time. DynamoDB applies
 * each write to an item atomically (condition checked and update made as one step); moto checks the
 * condition, then parses and applies the update in a server thread without a lock, so two conditional
 * writes sent at the same moment can both pass. One write at a time gives back DynamoDB's guarantee and
 * nothing more: the containers' reads, computations and writes still interleave freely, as in AWS.
 */
function itemAtomicDynamoDb(): DynamoDBClient {
  const client = new DynamoDBClient(awsTestEnv(endpoint ?? ''));
  let queue: Promise<unknown> = Promise.resolve();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (!['UpdateItemCommand', 'PutItemCommand'].includes(context.commandName ?? '')) return next(args);
      const turn = queue.then(() => next(args));
      queue = turn.catch(() => undefined);
      return turn;
    },
    { step: 'finalizeRequest', name: 'oneWriteAtATime' },
  );
  return client;
}

/** Records every visibility change the worker asks SQS for (its backoffs), from the rig's SQS client. */
function captureVisibilityChanges(r: Rig): ChangeMessageVisibilityBatchRequestEntry[] {
  const changes: ChangeMessageVisibilityBatchRequestEntry[] = [];
  r.sqs.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as Partial<ChangeMessageVisibilityBatchCommandInput>;
      changes.push(...(input.Entries ?? []));
      return next(args);
    },
    { step: 'initialize', name: 'captureVisibilityChanges' },
  );
  return changes;
}
