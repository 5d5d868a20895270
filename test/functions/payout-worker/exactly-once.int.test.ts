import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { motoEndpoint } from '#test/support/integration.ts';
import { payoutMessage, type Rig, startRig } from '#test/support/pipeline-harness.ts';

const endpoint = motoEndpoint();

describe.skipIf(endpoint === null)('payout worker: at most one payout per reference', () => {
  let rig: Rig;

  beforeAll(async () => {
    // The simulator's own reference uniqueness is off: only the worker's guards stand between a duplicate
    // delivery and a second payout.
    rig = await startRig({ endpoint: endpoint ?? '', simulator: { enforceUniqueReference: false } });
  });
  afterAll(async () => {
    if (process.env.DEBUG_RIG) console.log(rig.logger.lines.join('\n'));
    await rig.close();
  });

  it('submits a valid payout once and records SUBMITTED with the Coindirect uuid', async () => {
    await rig.send(payoutMessage('single-0001'));
    const messages = await rig.receive();

    const response = await rig.handler(rig.toEvent(messages));

    expect(response.batchItemFailures).toEqual([]);
    expect(rig.sim.createdCount('single-0001')).toBe(1);
    const record = await rig.ledger('single-0001');
    expect(record?.state).toBe('SUBMITTED');
    expect(record?.uuid).toBe(
      rig.sim.payouts().find((p) => p.summary.reference === 'single-0001')?.summary.uuid,
    );
  });

  it('creates one payout when the same message is delivered twice in sequence', async () => {
    const body = payoutMessage('dup-seq-0001');
    await rig.send(body);
    await rig.send(body);

    const first = await rig.receive(1);
    await rig.handler(rig.toEvent(first));
    const second = await rig.receive(1);
    const response = await rig.handler(rig.toEvent(second));

    expect(first).toHaveLength(1);
    expect(second).toHaveLength(1);
    expect(response.batchItemFailures).toEqual([]);
    expect(rig.sim.createdCount('dup-seq-0001')).toBe(1);
  });

  it('creates one payout when both copies arrive in the same batch', async () => {
    const body = payoutMessage('dup-batch-0001');
    await rig.send(body);
    await rig.send(body);
    const messages = await rig.receive(10);
    expect(messages).toHaveLength(2);

    const response = await rig.handler(rig.toEvent(messages));
    // A copy that lost the claim is either retried (busy) or acknowledged as superseded; a retried one
    // comes back and finds SUBMITTED. Either way, every copy ends acknowledged and one payout exists.
    for (const failure of response.batchItemFailures) {
      const message = messages.find((m) => m.MessageId === failure.itemIdentifier);
      if (message) await rig.expire(message);
    }
    const again = await rig.receive(10);
    const retry = await rig.handler(rig.toEvent(again));

    expect(again).toHaveLength(response.batchItemFailures.length);
    expect(retry.batchItemFailures).toEqual([]);
    expect(rig.sim.createdCount('dup-batch-0001')).toBe(1);
  });

  it('creates one payout when two containers handle copies concurrently', async () => {
    rig.sim.setLatency(150);
    const body = payoutMessage('dup-conc-0001');
    await rig.send(body);
    await rig.send(body);
    const a = await rig.receive(1);
    const b = await rig.receive(1);
    const containerA = rig.newHandler();
    const containerB = rig.newHandler();

    const [ra, rb] = await Promise.all([containerA(rig.toEvent(a)), containerB(rig.toEvent(b))]);
    rig.sim.setLatency(0);

    expect(rig.sim.createdCount('dup-conc-0001')).toBe(1);
    const retried = [...a, ...b].filter((m) =>
      [...ra.batchItemFailures, ...rb.batchItemFailures].some((f) => f.itemIdentifier === m.MessageId),
    );
    for (const message of retried) await rig.expire(message);
    const again = await rig.receive(10);
    const final = await containerB(rig.toEvent(again));
    expect(again).toHaveLength(retried.length);
    expect(final.batchItemFailures).toEqual([]);
    expect(rig.sim.createdCount('dup-conc-0001')).toBe(1);
  });

  it('finds the payout by reference after Coindirect committed it and dropped the connection', async () => {
    rig.sim.injectFault({
      fault: { kind: 'commitThenDrop' },
      match: { method: 'POST', reference: 'drop-0001' },
    });
    await rig.send(payoutMessage('drop-0001'));
    const [message] = await rig.receive(1);
    if (!message) throw new Error('no message');

    const first = await rig.handler(rig.toEvent([message]));
    expect(first.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([message.MessageId]);
    expect(rig.sim.createdCount('drop-0001')).toBe(1);
    expect((await rig.ledger('drop-0001'))?.sendAttempted).toBe(true);

    await rig.expire(message);
    const redelivered = await rig.receive(1);
    const second = await rig.handler(rig.toEvent(redelivered));

    expect(second.batchItemFailures).toEqual([]);
    expect(rig.sim.createdCount('drop-0001')).toBe(1);
    expect((await rig.ledger('drop-0001'))?.state).toBe('SUBMITTED');
    expect(rig.sim.requests().filter((r) => r.method === 'POST' && r.outcome === 'created')).toHaveLength(
      rig.sim.payouts().length,
    );
  });

  it('finds the payout by reference after a timeout once the request was sent', async () => {
    rig.sim.injectFault({
      fault: { kind: 'commitThenDelay', ms: 3_000 },
      match: { method: 'POST', reference: 'slow-0001' },
    });
    await rig.send(payoutMessage('slow-0001'));
    const [message] = await rig.receive(1);
    if (!message) throw new Error('no message');

    const first = await rig.handler(rig.toEvent([message]));
    expect(first.batchItemFailures).toHaveLength(1);
    await rig.expire(message);
    const second = await rig.handler(rig.toEvent(await rig.receive(1)));

    expect(second.batchItemFailures).toEqual([]);
    expect(rig.sim.createdCount('slow-0001')).toBe(1);
    expect((await rig.ledger('slow-0001'))?.state).toBe('SUBMITTED');
  });

  it('never pays twice when the same reference comes with a different amount or address', async () => {
    await rig.send(payoutMessage('conflict-0001'));
    await rig.handler(rig.toEvent(await rig.receive(1)));
    await rig.send(payoutMessage('conflict-0001', { amount: '99.00' }));
    await rig.send(
      payoutMessage('conflict-0001', {
        destination: { currency: 'ETH', address: '0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359' },
      }),
    );

    const messages = await rig.receive(10);
    const response = await rig.handler(rig.toEvent(messages));

    expect(messages).toHaveLength(2);
    expect(response.batchItemFailures).toEqual([]);
    expect(rig.sim.createdCount('conflict-0001')).toBe(1);
    const record = await rig.ledger('conflict-0001');
    expect(record?.state).toBe('SUBMITTED');
    expect(record?.conflictCount).toBe(2);
    const letters = (await rig.deadLetters()).filter((l) => l.attributes.reference === 'conflict-0001');
    expect(letters.map((l) => l.attributes.outcome)).toEqual(['CONFLICT', 'CONFLICT']);
    expect(letters[0]?.attributes.reason).toMatch(/different content/);
  });
});
