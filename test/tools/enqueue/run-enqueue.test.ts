import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendMessageBatchCommand, type SendMessageBatchCommandInput, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { enqueueCommand } from '#tools/enqueue/run-enqueue.ts';
import { captureIo } from '../support/capture-io.ts';

const sqs = mockClient(SQSClient);
const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/payouts';
const HEADER = 'reference,amount,currency,destination.currency,destination.address';
const row = (reference: string, amount = '10') =>
  `${reference},${amount},EUR,BTC,1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'enqueue-unit-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => ({
    Successful: (input.Entries ?? []).map((e) => ({
      Id: e.Id,
      MessageId: `m-${e.Id}`,
      MD5OfMessageBody: '',
    })),
  }));
});

async function enqueue(lines: readonly string[], ...argv: string[]) {
  const path = join(dir, `${Math.random().toString(36).slice(2)}.csv`);
  await writeFile(path, `${lines.join('\n')}\n`);
  const io = captureIo();
  const code = await enqueueCommand({ aws: { region: 'eu-west-1' }, sleep: async () => undefined }).run(
    [path, '--queue-url', QUEUE, ...argv],
    io,
  );
  const sent = sqs
    .commandCalls(SendMessageBatchCommand)
    .flatMap((c) => c.args[0].input.Entries ?? [])
    .map((e) => JSON.parse(e.MessageBody ?? '').reference);
  return { code, out: io.out(), err: io.err(), sent };
}

describe('npm run enqueue', () => {
  it('lists invalid rows by line, field and reason and sends nothing', async () => {
    // Act
    const result = await enqueue([HEADER, row('order-000001'), row('order-000002', '-5'), row('x')]);

    // Assert
    expect(result.code).toBe(1);
    expect(result.sent).toEqual([]);
    expect(result.out).toContain('3 rows, 1 valid, 2 invalid');
    expect(result.out).toMatch(/^3\s+amount\s+must be a decimal string like "40\.10"/m);
    expect(result.out).toMatch(/^4\s+reference\s+must be 6–255 characters/m);
    expect(result.out).toContain(
      'nothing was sent: fix the rows above, or pass --skip-invalid to send the 1 valid rows.',
    );
  });

  it('sends the valid rows with --skip-invalid and exits 0', async () => {
    // Act
    const result = await enqueue(
      [HEADER, row('order-000001'), row('x'), row('order-000003')],
      '--skip-invalid',
    );

    // Assert
    expect(result.code).toBe(0);
    expect(result.sent).toEqual(['order-000001', 'order-000003']);
    expect(result.out).toContain('sent 2 of 2 valid payouts');
    expect(result.out).toContain('skipped 1 invalid rows (listed above)');
  });

  it('sends nothing from a file whose header cannot be read, even with --skip-invalid', async () => {
    // Act
    const result = await enqueue(['reference,amount,colour', 'order-000001,10,red'], '--skip-invalid');

    // Assert
    expect(result.code).toBe(1);
    expect(result.sent).toEqual([]);
    expect(result.out).toContain('nothing was sent: fix the file above.');
  });

  it('reports the rows SQS would not take, with their line and reference, and exits 1', async () => {
    // Arrange
    sqs.on(SendMessageBatchCommand).resolves({
      Successful: [{ Id: '0', MessageId: 'm-0', MD5OfMessageBody: '' }],
      Failed: [{ Id: '1', Code: 'InvalidMessageContents', SenderFault: true, Message: 'bad characters' }],
    });

    // Act
    const result = await enqueue([HEADER, row('order-000001'), row('order-000002')]);

    // Assert
    expect(result.code).toBe(1);
    expect(result.out).toContain('sent 1 of 2 valid payouts');
    expect(result.out).toMatch(/^3\s+order-000002\s+InvalidMessageContents\s+bad characters$/m);
  });

  it('validates with the caps given as flags', async () => {
    // Act
    const result = await enqueue(
      [HEADER, row('order-000001', '50')],
      '--max-amounts',
      '{"EUR":"20"}',
      '--dry-run',
    );

    // Assert
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/^2\s+amount\s+must be at most 20 EUR in this environment, got 50$/m);
    expect(result.out).toContain('amount caps: flags');
  });
});
