// Issue 12's pace and clock-skew cases against real moto, the real simulator and the real worker:
// several containers (each its own handler, so its own pacer) drain a burst against a vendor that
// refuses requests over its rate; and a vendor whose clock runs ahead answers hawk's stale-timestamp 401.
import { DeleteMessageBatchCommand, type Message } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { motoEndpoint } from '#test/support/integration.ts';
import { payoutMessage, type Rig, type RigHandler, startRig } from '#test/support/pipeline-harness.ts';

const endpoint = motoEndpoint();
/** The vendor's limit in these tests: 10 requests a second, 5 at once. */
const VENDOR_RATE = { rps: 10, burst: 5 };
const CONTAINERS = 3;
const PAYOUTS = 45;

let rigs: Rig[] = [];
afterEach(async () => {
  await Promise.all(rigs.map((r) => r.close()));
  rigs = [];
});

async function rigWith(options: Parameters<typeof startRig>[0]): Promise<Rig> {
  const rig = await startRig(options);
  rigs.push(rig);
  return rig;
}

/** One container's poll loop: receive a batch, handle it, delete what succeeded, until `done()`. */
async function drain(rig: Rig, handler: RigHandler, done: () => Promise<boolean>, deadline: number) {
  while (Date.now() < deadline) {
    const messages = await rig.receive(10);
    if (messages.length === 0) {
      if (await done()) return;
      continue;
    }
    const response = await handler(rig.toEvent(messages));
    await deleteSucceeded(
      rig,
      messages,
      response.batchItemFailures.map((f) => f.itemIdentifier),
    );
  }
  throw new Error('the burst was not drained in time');
}

async function deleteSucceeded(rig: Rig, messages: readonly Message[], failed: readonly string[]) {
  const entries = messages
    .filter((m) => !failed.includes(m.MessageId ?? ''))
    .map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' }));
  if (entries.length === 0) return;
  await rig.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: rig.resources.queueUrl, Entries: entries }));
}

async function sendBurst(rig: Rig, prefix: string): Promise<string[]> {
  const references = Array.from({ length: PAYOUTS }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);
  await Promise.all(references.map((reference) => rig.send(payoutMessage(reference))));
  return references;
}

describe.skipIf(endpoint === null)('payout worker: pace', () => {
  it('paced workers stay under the vendor’s rate', async () => {
    // Arrange: COINDIRECT_MAX_RPS is the vendor's rate, shared by the containers that may run at once.
    const rig = await rigWith({
      endpoint: endpoint ?? '',
      simulator: { rateLimit: VENDOR_RATE },
      env: { COINDIRECT_MAX_RPS: String(VENDOR_RATE.rps), WORKER_MAX_CONCURRENCY: String(CONTAINERS) },
    });
    const references = await sendBurst(rig, 'paced');
    const containers = Array.from({ length: CONTAINERS }, () => rig.newHandler());
    const allSubmitted = async () =>
      (await Promise.all(references.map((r) => rig.ledger(r)))).every((item) => item?.state === 'SUBMITTED');

    // Act
    const deadline = Date.now() + 90_000;
    await Promise.all(containers.map((handler) => drain(rig, handler, allSubmitted, deadline)));

    // Assert: (almost) nothing refused for rate, and every payout created exactly once.
    const counts = rig.sim.apiCounts();
    expect(counts.refusedForRate).toBeLessThanOrEqual(0.01 * (counts.allowed + counts.refusedForRate));
    expect(references.map((r) => rig.sim.createdCount(r))).toEqual(references.map(() => 1));
    expect(rig.metrics.get('Throttled')).toBe(0);
  });

  it('lets the same burst run into the vendor’s limit when pacing is off (what the pacing prevents)', async () => {
    // Arrange
    const rig = await rigWith({ endpoint: endpoint ?? '', simulator: { rateLimit: VENDOR_RATE } });
    await sendBurst(rig, 'unpaced');
    const containers = Array.from({ length: CONTAINERS }, () => rig.newHandler());

    // Act: one batch per container, at once, as Lambda's event source would start them.
    const batches = await Promise.all(containers.map(() => rig.receive(10)));
    const responses = await Promise.all(
      containers.map((handler, i) => handler(rig.toEvent(batches[i] ?? []))),
    );

    // Assert
    const refused = rig.sim.apiCounts().refusedForRate;
    expect(refused).toBeGreaterThan(0);
    expect(responses.flatMap((r) => r.batchItemFailures)).toHaveLength(refused);
    expect(rig.metrics.get('Throttled')).toBe(refused);
  });
});

describe.skipIf(endpoint === null)('payout worker: clock skew', () => {
  it('a 401 from clock skew is corrected once, not counted as a revoked key', async () => {
    // Arrange: Coindirect's clock runs 10 minutes ahead of the container's, well past hawk's 60 s.
    const rig = await rigWith({ endpoint: endpoint ?? '', simulator: { clockSkewMs: 600_000 } });
    await rig.send(payoutMessage('skew-0001'));
    await rig.send(payoutMessage('skew-0002'));

    // Act: one container, two deliveries one after the other.
    const handler = rig.newHandler();
    const first = await handler(rig.toEvent(await rig.receive(1)));
    const second = await handler(rig.toEvent(await rig.receive(1)));

    // Assert: both created once; one 401 in all (the correction lasts); no credential failure anywhere.
    expect([first.batchItemFailures, second.batchItemFailures]).toEqual([[], []]);
    expect([rig.sim.createdCount('skew-0001'), rig.sim.createdCount('skew-0002')]).toEqual([1, 1]);
    expect(rig.sim.requests().map((r) => r.status)).toEqual([401, 200, 200]);
    expect(rig.metrics.get('CredentialFailure')).toBe(0);
    const item = await rig.ledger('skew-0001');
    expect(item).toMatchObject({ state: 'SUBMITTED', attempts: 1 });
    expect(item?.lastError).toBeUndefined();
  });
});
