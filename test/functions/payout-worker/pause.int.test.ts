// The kill switch end to end: moto, the simulator, the real worker handler, and the pause and resume
// commands' own code paths setting and clearing the flag in the rig's ledger table.
import { DeleteMessageCommand, type Message } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsTestEnv, motoEndpoint } from '#test/support/integration.ts';
import { payoutMessage, type Rig, startRig } from '#test/support/pipeline-harness.ts';
import { captureIo } from '#test/tools/support/capture-io.ts';
import { pauseCommand } from '#tools/pause/run-pause.ts';
import { resumeCommand } from '#tools/resume/run-resume.ts';

const endpoint = motoEndpoint();

describe.skipIf(endpoint === null)('the kill switch', () => {
  let rig: Rig;

  beforeAll(async () => {
    // A cache of 0 ms: the test flips the flag between two handler calls made within 5 s.
    rig = await startRig({ endpoint: endpoint ?? '', overrides: { pauseCacheMs: 0 } });
  });
  afterAll(async () => {
    await rig.close();
  });

  const operate = async (command: typeof pauseCommand, ...argv: string[]) => {
    const io = captureIo();
    const code = await command({
      aws: awsTestEnv(endpoint ?? ''),
      operator: 'test-operator',
    }).run(['--table', rig.resources.tableName, ...argv], io);
    expect(code, io.err()).toBe(0);
  };
  /** Receives until `count` messages are in hand (moto may hand out fewer per receive). */
  const receive = async (count: number): Promise<Message[]> => {
    const messages: Message[] = [];
    while (messages.length < count) {
      const batch = await rig.receive(count - messages.length);
      if (batch.length === 0) break;
      messages.push(...batch);
    }
    return messages;
  };
  /** What Lambda's event source does with the answer: deletes the records not reported as failed. */
  const handle = async (messages: readonly Message[]): Promise<SQSBatchResponse> => {
    const response = await rig.handler(rig.toEvent(messages));
    const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    for (const m of messages) {
      const receipt = { QueueUrl: rig.resources.queueUrl, ReceiptHandle: m.ReceiptHandle ?? '' };
      // A failed record would come back after its backoff: the test lets that time pass at once.
      if (failed.has(m.MessageId ?? '')) await rig.expire(m);
      else await rig.sqs.send(new DeleteMessageCommand(receipt));
    }
    return response;
  };
  const references = (messages: readonly Message[]) =>
    messages.map((m) => (JSON.parse(m.Body ?? '{}') as { reference: string }).reference).sort();

  it('pause stops payouts between records; resume starts them again', async () => {
    // Arrange: six payouts; the first three are processed before the pause, one of them left ambiguous.
    for (let i = 1; i <= 6; i++) await rig.send(payoutMessage(`pause-0${i}`));
    const before = await receive(3);
    const ambiguous = references(before)[0] ?? '';
    rig.sim.injectFault({
      fault: { kind: 'status', status: 503 },
      match: { method: 'POST', reference: ambiguous },
    });
    const first = await handle(before);
    expect(first.batchItemFailures).toHaveLength(1);
    expect(await rig.ledger(ambiguous)).toMatchObject({ state: 'CLAIMED', attempts: 1, sendAttempted: true });

    // Act 1: pause, then the remaining three and the ambiguous one come round.
    await operate(pauseCommand, '--reason', 'integration test');
    const during = await receive(4);
    const paused = await handle(during);

    // Assert 1: every record went back; nothing was created, claimed or counted.
    expect(during).toHaveLength(4);
    expect(paused.batchItemFailures).toHaveLength(4);
    expect(rig.metrics.get('PausedRecords')).toBe(4);
    for (const reference of references(during)) {
      if (reference === ambiguous) {
        expect(await rig.ledger(reference)).toMatchObject({ attempts: 1, state: 'CLAIMED' });
      } else {
        expect(await rig.ledger(reference)).toBeUndefined();
      }
      expect(rig.sim.createdCount(reference)).toBe(0);
    }
    const creates = rig.sim.requests().filter((r) => r.method === 'POST').length;

    // Act 2: resume; the records come round again.
    await operate(resumeCommand);
    const after = await receive(4);
    const resumed = await handle(after);

    // Assert 2: each of the six is paid exactly once; the waiting ones at their first counted attempt.
    expect(resumed.batchItemFailures).toEqual([]);
    expect(rig.sim.requests().filter((r) => r.method === 'POST').length).toBeGreaterThan(creates);
    for (let i = 1; i <= 6; i++) {
      const reference = `pause-0${i}`;
      expect(rig.sim.createdCount(reference), reference).toBe(1);
      const record = await rig.ledger(reference);
      expect(record?.state, reference).toBe('SUBMITTED');
      expect(record?.attempts, reference).toBe(reference === ambiguous ? 2 : 1);
    }
  });
});
