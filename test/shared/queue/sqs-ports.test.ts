import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueUrlCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  type DeadLetter,
  parseQueueArn,
  sqsDeadLetters,
  sqsVisibility,
  type VisibilityChange,
} from '#shared/queue/sqs-ports.ts';

const sqs = mockClient(SQSClient);
const DLQ_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/payouts-dlq';
const QUEUE_A = 'arn:aws:sqs:eu-west-1:123456789012:payouts';
const QUEUE_B = 'arn:aws:sqs:eu-west-1:210987654321:payouts-other';
const FAILED_AT = Date.parse('2026-01-15T12:00:00.000Z');

beforeEach(() => {
  sqs.reset();
});

const client = () => new SQSClient({ region: 'eu-west-1' });

function letter(overrides: Partial<DeadLetter> = {}): DeadLetter {
  return {
    messageId: 'msg-1',
    body: '{"reference":"ref-000123","amount":"40.10","note":"café ✓"}',
    outcome: 'REJECTED',
    reasonCode: 'MER-PAY-2027',
    reason: 'payOutDetails.address: failed validation',
    reference: 'ref-000123',
    receiveCount: 3,
    ...overrides,
  };
}

async function sentDeadLetter(dead: DeadLetter) {
  sqs.on(SendMessageCommand).resolves({ MessageId: 'dlq-1' });
  await sqsDeadLetters(client(), DLQ_URL, () => FAILED_AT).send(dead);
  const input = sqs.commandCalls(SendMessageCommand)[0]?.args[0].input;
  if (input === undefined) throw new Error('nothing sent');
  return input;
}

describe('sqsDeadLetters', () => {
  it('sends the original body unchanged to the DLQ', async () => {
    // Act
    const input = await sentDeadLetter(letter());

    // Assert
    expect(input.QueueUrl).toBe(DLQ_URL);
    expect(input.MessageBody).toBe(letter().body);
  });

  it('carries outcome, reasonCode, reason, reference and originalMessageId as attributes', async () => {
    // Act
    const input = await sentDeadLetter(letter({ outcome: 'CONFLICT', reasonCode: 'REFERENCE_CONFLICT' }));

    // Assert
    const text = (value: string) => ({ DataType: 'String', StringValue: value });
    expect(input.MessageAttributes).toEqual({
      outcome: text('CONFLICT'),
      reasonCode: text('REFERENCE_CONFLICT'),
      reason: text('payOutDetails.address: failed validation'),
      reference: text('ref-000123'),
      originalMessageId: text('msg-1'),
      receiveCount: { DataType: 'Number', StringValue: '3' },
      failedAt: text('2026-01-15T12:00:00.000Z'),
    });
  });

  it('leaves the reference attribute out when the letter has no reference', async () => {
    // Arrange
    const { reference: _dropped, ...noReference } = letter();

    // Act
    const input = await sentDeadLetter(noReference);

    // Assert
    expect(input.MessageAttributes).not.toHaveProperty('reference');
    expect(input.MessageAttributes?.outcome?.StringValue).toBe('REJECTED');
  });

  it('truncates a long reason to at most 2000 characters, keeping its start', async () => {
    // Arrange
    const reason = `amount: ${'x'.repeat(10_000)}`;

    // Act
    const input = await sentDeadLetter(letter({ reason }));

    // Assert
    const sent = input.MessageAttributes?.reason?.StringValue ?? '';
    expect(sent.length).toBeLessThanOrEqual(2_000);
    expect(sent.length).toBeGreaterThan(1_900);
    expect(reason.startsWith(sent.slice(0, -1))).toBe(true);
  });

  it('keeps a reason of exactly 2000 characters whole', async () => {
    // Arrange
    const reason = 'r'.repeat(2_000);

    // Act
    const input = await sentDeadLetter(letter({ reason }));

    // Assert
    expect(input.MessageAttributes?.reason?.StringValue).toBe(reason);
  });

  it('truncates every long text attribute, not only the reason', async () => {
    // Act
    const input = await sentDeadLetter(
      letter({ reasonCode: 'C'.repeat(5_000), reference: 'R'.repeat(5_000) }),
    );

    // Assert
    for (const name of ['reasonCode', 'reference']) {
      expect(input.MessageAttributes?.[name]?.StringValue?.length ?? 0).toBeLessThanOrEqual(2_000);
    }
  });

  it('rejects when SQS refuses the message, so the caller keeps it in the queue', async () => {
    // Arrange
    sqs.on(SendMessageCommand).rejects(new Error('AccessDenied'));

    // Act
    const result = sqsDeadLetters(client(), DLQ_URL).send(letter());

    // Assert
    await expect(result).rejects.toThrow('AccessDenied');
  });
});

const changes = (queueArn: string, count: number, prefix: string): VisibilityChange[] =>
  Array.from({ length: count }, (_, i) => ({ queueArn, receiptHandle: `${prefix}-${i}`, seconds: 30 + i }));

function stubQueueUrls() {
  sqs
    .on(GetQueueUrlCommand, { QueueName: 'payouts' })
    .resolves({ QueueUrl: 'https://sqs/a' })
    .on(GetQueueUrlCommand, { QueueName: 'payouts-other' })
    .resolves({ QueueUrl: 'https://sqs/b' });
  sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
}

const batches = () => sqs.commandCalls(ChangeMessageVisibilityBatchCommand).map((c) => c.args[0].input);

describe('sqsVisibility', () => {
  it('groups changes per queue in batches of at most 10 when given many', async () => {
    // Arrange
    stubQueueUrls();
    const [b0, b1, b2] = changes(QUEUE_B, 3, 'b');
    const a = changes(QUEUE_A, 23, 'a');
    const mixed = [...a.slice(0, 5), b0, ...a.slice(5, 15), b1, ...a.slice(15), b2].flatMap((c) =>
      c === undefined ? [] : [c],
    );

    // Act
    await sqsVisibility(client()).change(mixed);

    // Assert
    const sent = batches();
    expect(sent.map((b) => [b.QueueUrl, b.Entries?.length])).toEqual([
      ['https://sqs/a', 10],
      ['https://sqs/a', 10],
      ['https://sqs/a', 3],
      ['https://sqs/b', 3],
    ]);
    const entries = sent.flatMap((b) => b.Entries ?? []);
    expect(entries.map((e) => e.ReceiptHandle).sort()).toEqual(mixed.map((c) => c.receiptHandle).sort());
    expect(entries.find((e) => e.ReceiptHandle === 'a-22')?.VisibilityTimeout).toBe(52);
    for (const batch of sent) {
      const ids = (batch.Entries ?? []).map((e) => e.Id);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('looks each queue URL up once, by name and owner account, across calls', async () => {
    // Arrange
    stubQueueUrls();
    const visibility = sqsVisibility(client());

    // Act
    await visibility.change([...changes(QUEUE_A, 12, 'a'), ...changes(QUEUE_B, 1, 'b')]);
    await visibility.change(changes(QUEUE_A, 2, 'a2'));

    // Assert
    const lookups = sqs.commandCalls(GetQueueUrlCommand).map((c) => c.args[0].input);
    expect(lookups).toEqual([
      { QueueName: 'payouts', QueueOwnerAWSAccountId: '123456789012' },
      { QueueName: 'payouts-other', QueueOwnerAWSAccountId: '210987654321' },
    ]);
  });

  it('skips a queue whose URL lookup fails and looks it up again on the next call', async () => {
    // Arrange
    sqs.on(GetQueueUrlCommand).rejectsOnce(new Error('throttled')).resolves({ QueueUrl: 'https://sqs/a' });
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({});
    const visibility = sqsVisibility(client());

    // Act
    await visibility.change(changes(QUEUE_A, 2, 'a'));
    const afterFailure = batches().length;
    await visibility.change(changes(QUEUE_A, 2, 'a'));

    // Assert
    expect(afterFailure).toBe(0);
    expect(batches()).toHaveLength(1);
    expect(sqs.commandCalls(GetQueueUrlCommand)).toHaveLength(2);
  });

  it('sends nothing for a change whose queue ARN cannot be parsed', async () => {
    // Arrange
    stubQueueUrls();

    // Act
    await sqsVisibility(client()).change(changes('not-an-arn', 2, 'x'));

    // Assert
    expect(sqs.calls()).toHaveLength(0);
  });

  it('sends nothing when there are no changes', async () => {
    // Act
    await sqsVisibility(client()).change([]);

    // Assert
    expect(sqs.calls()).toHaveLength(0);
  });
});

describe('parseQueueArn', () => {
  it.each([
    [QUEUE_A, { account: '123456789012', name: 'payouts' }],
    ['arn:aws:sqs:us-east-1:000000000000:payouts.fifo', { account: '000000000000', name: 'payouts.fifo' }],
    ['arn:aws-cn:sqs:cn-north-1:123456789012:q', { account: '123456789012', name: 'q' }],
  ])('returns account and name when given %s', (arn, expected) => {
    // Act
    const parsed = parseQueueArn(arn);

    // Assert
    expect(parsed).toEqual(expected);
  });

  it.each([
    ['another service', 'arn:aws:sns:eu-west-1:123456789012:topic'],
    ['too few parts', 'arn:aws:sqs:eu-west-1:123456789012'],
    ['too many parts', 'arn:aws:sqs:eu-west-1:123456789012:q:extra'],
    ['an empty account', 'arn:aws:sqs:eu-west-1::q'],
    ['an empty name', 'arn:aws:sqs:eu-west-1:123456789012:'],
    ['no arn prefix', 'urn:aws:sqs:eu-west-1:123456789012:q'],
    ['a queue URL', 'https://sqs.eu-west-1.amazonaws.com/123456789012/q'],
  ])('returns undefined when given %s', (_label, arn) => {
    // Act
    const parsed = parseQueueArn(arn);

    // Assert
    expect(parsed).toBeUndefined();
  });
});
