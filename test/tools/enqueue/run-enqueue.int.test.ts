// `npm run enqueue` against moto: a 5,000-row file with invalid rows, and the --env target lookup.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsTestEnv, motoEndpoint } from '#test/support/integration.ts';
import type { EnqueueReport } from '#tools/enqueue/report.ts';
import { enqueueCommand } from '#tools/enqueue/run-enqueue.ts';
import { captureIo } from '../support/capture-io.ts';
import { createFakeWorkerStack } from '../support/fake-stack.ts';

const endpoint = motoEndpoint();
const ROWS = 5_000;
const HEADER =
  'reference,amount,currency,destination.currency,destination.address,destination.protocol,destination.tag,metadata.batch';
const VALID = [
  'EUR,BTC,bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq,,',
  'USD,ETH,0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed,,',
  'EUR,USDT,TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t,TRC20,',
  'GBP,XRP,rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh,,42',
  'EUR,LTC,LTdsVS8VDw6syvfQADdhf2PHAm3rMGJvPX,,',
];
/** Each kind of bad row, with the field the report must name. */
const INVALID: ReadonlyArray<readonly [string, string]> = [
  ['12.00,EUR,BTC,1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb,,', 'destination.address'],
  ['twelve,EUR,BTC,1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa,,', 'amount'],
  ['12.00,EUR,USDT,0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed,,', 'destination.protocol'],
  ['12.00,EUR,DOGE,DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L,,', 'destination.currency'],
  ['12.00,,BTC,1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa,,', 'currency'],
];

/** A CSV of `ROWS` payouts in which every 137th row is invalid; returns the expected (line, field) list. */
function bulkFile(): { text: string; invalid: Array<[number, string]> } {
  const lines = [HEADER];
  const invalid: Array<[number, string]> = [];
  for (let i = 0; i < ROWS; i++) {
    const reference = `bulk-${String(i).padStart(6, '0')}`;
    const line = i + 2;
    if (i % 137 === 136) {
      const [cells, field] = INVALID[invalid.length % INVALID.length] as readonly [string, string];
      lines.push(`${reference},${cells},b-1`);
      invalid.push([line, field]);
    } else {
      lines.push(`${reference},${(i % 900) + 1}.25,${VALID[i % VALID.length]},b-1`);
    }
  }
  return { text: `${lines.join('\n')}\n`, invalid };
}

describe.skipIf(endpoint === null)('npm run enqueue', () => {
  const aws = awsTestEnv(endpoint ?? '');
  const sqs = new SQSClient(aws);
  let dir: string;
  let queueUrl: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'enqueue-'));
    const queue = await sqs.send(
      new CreateQueueCommand({ QueueName: `enqueue-${randomUUID().slice(0, 8)}` }),
    );
    queueUrl = queue.QueueUrl ?? '';
  });
  afterAll(async () => {
    await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
    sqs.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  const queued = async (url: string): Promise<number> => {
    const out = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    return Number(out.Attributes?.ApproximateNumberOfMessages ?? -1);
  };

  const enqueue = async (argv: readonly string[]) => {
    const io = captureIo();
    const code = await enqueueCommand({ aws }).run(argv, io);
    return { code, report: JSON.parse(io.out()) as EnqueueReport, err: io.err() };
  };

  /**
   * Receives and deletes everything arriving on `url` until `finish()` says the producer is done and the
   * queue is empty; keeps one body per SQS message id. moto computes every queue attribute on each
   * SendMessage, so a send costs time in proportion to the queue's length: draining while sending, as a
   * worker would, keeps 5,000 sends to tens of seconds instead of minutes.
   */
  const consume = (url: string, lanes: number) => {
    const bodies = new Map<string, string>();
    let producing = true;
    const lane = async (): Promise<void> => {
      for (;;) {
        const out = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: url,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
            VisibilityTimeout: 300,
          }),
        );
        const messages = out.Messages ?? [];
        if (messages.length === 0) {
          if (!producing) return;
          continue;
        }
        for (const m of messages) bodies.set(m.MessageId ?? '', m.Body ?? '');
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: url,
            Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
          }),
        );
      }
    };
    const done = Promise.all(Array.from({ length: lanes }, lane));
    return {
      bodies,
      finish: async () => {
        producing = false;
        await done;
      },
    };
  };

  it('reports every invalid row of a 5,000-row file and sends nothing, then sends exactly the valid rows with --skip-invalid', async () => {
    // Arrange
    const { text, invalid } = bulkFile();
    const path = join(dir, 'bulk.csv');
    await writeFile(path, text);
    const invalidLines = new Set(invalid.map(([line]) => line));
    const validReferences = Array.from({ length: ROWS }, (_, i) => i)
      .filter((i) => !invalidLines.has(i + 2))
      .map((i) => `bulk-${String(i).padStart(6, '0')}`);

    // Act
    const held = await enqueue([path, '--queue-url', queueUrl, '--json']);
    const inQueueAfterHeld = await queued(queueUrl);
    const consumer = consume(queueUrl, 6);
    const skipped = await enqueue([
      path,
      '--queue-url',
      queueUrl,
      '--json',
      '--skip-invalid',
      '--concurrency',
      '2',
    ]);
    await consumer.finish();

    // Assert
    expect(held.code).toBe(1);
    expect(held.report.invalid.map((i) => [i.line, i.field])).toEqual(invalid);
    expect(held.report).toMatchObject({
      rows: ROWS,
      valid: validReferences.length,
      invalidRows: invalid.length,
      sent: 0,
      failed: [],
    });
    expect(inQueueAfterHeld).toBe(0);

    expect(skipped.code, skipped.err).toBe(0);
    expect(skipped.report).toMatchObject({
      valid: validReferences.length,
      sent: validReferences.length,
      failed: [],
    });
    const arrived = [...consumer.bodies.values()].map(
      (body) => JSON.parse(body) as { reference: string; metadata: unknown },
    );
    expect(arrived).toHaveLength(validReferences.length);
    expect(arrived.map((m) => m.reference).sort()).toEqual(validReferences);
    expect(arrived[0]?.metadata).toEqual({ batch: 'b-1' });
  }, 120_000);

  it('finds the queue from the stack outputs with --env', async () => {
    // Arrange
    const target = await sqs.send(
      new CreateQueueCommand({ QueueName: `enqueue-env-${randomUUID().slice(0, 8)}` }),
    );
    const env = await createFakeWorkerStack(endpoint ?? '', { PayoutQueueUrl: target.QueueUrl ?? '' });

    // Act
    const result = await enqueue(['examples/payouts.json', '--env', env, '--json']);

    // Assert
    expect(result.code, result.err).toBe(0);
    expect(result.report).toMatchObject({ queueUrl: target.QueueUrl, sent: 4 });
    expect(await queued(target.QueueUrl ?? '')).toBe(4);
  });

  it('says how to fix a --env that names no deployed stack', async () => {
    // Act
    const io = captureIo();
    const code = await enqueueCommand({ aws }).run(['examples/payouts.json', '--env', 'nowhere'], io);

    // Assert
    expect(code).toBe(1);
    expect(io.err()).toMatch(
      /stack CoindirectPayouts-nowhere-Worker was not found\. Check --profile and --region/,
    );
  });
});
