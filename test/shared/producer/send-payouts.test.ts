import { SendMessageBatchCommand, type SendMessageBatchCommandInput, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { PayoutGuardrails, PayoutMessage } from '#shared/payout/schema.ts';
import { sendMessageBodies, sendPayouts } from '#shared/producer/send-payouts.ts';

const sqs = mockClient(SQSClient);
const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/payouts';
const client = () => new SQSClient({ region: 'eu-west-1' });
const noSleep = { sleep: async () => undefined, random: () => 0.5 };

const payout = (n: number): PayoutMessage => ({
  reference: `order-${String(n).padStart(6, '0')}`,
  amount: '40.10',
  currency: 'EUR',
  destination: { currency: 'BTC', address: '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa' },
});

/** Answers every entry as sent, with a message id derived from its entry id. */
function acceptAll(): void {
  sqs.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => ({
    Successful: (input.Entries ?? []).map((e) => ({
      Id: e.Id,
      MessageId: `m-${e.Id}`,
      MD5OfMessageBody: '',
    })),
    Failed: [],
  }));
}

const calls = () => sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input);

beforeEach(() => {
  sqs.reset();
});

describe('sendPayouts', () => {
  it('sends ten messages per call and returns one result per message in input order', async () => {
    // Arrange
    acceptAll();
    const messages = Array.from({ length: 23 }, (_, i) => payout(i));

    // Act
    const results = await sendPayouts(client(), QUEUE, messages, noSleep);

    // Assert
    expect(calls().map((c) => c.Entries?.length)).toEqual([10, 10, 3]);
    expect(results.map((r) => r.ok && r.messageId)).toEqual(messages.map((_, i) => `m-${i}`));
    expect(JSON.parse(calls()[0]?.Entries?.[0]?.MessageBody ?? '')).toEqual(payout(0));
  });

  it('keeps at most `concurrency` calls in flight', async () => {
    // Arrange
    let inFlight = 0;
    let most = 0;
    sqs.on(SendMessageBatchCommand).callsFake(async (input: SendMessageBatchCommandInput) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return {
        Successful: (input.Entries ?? []).map((e) => ({ Id: e.Id, MessageId: 'm', MD5OfMessageBody: '' })),
      };
    });

    // Act
    await sendPayouts(
      client(),
      QUEUE,
      Array.from({ length: 100 }, (_, i) => payout(i)),
      { ...noSleep, concurrency: 3 },
    );

    // Assert
    expect(most).toBe(3);
    expect(calls()).toHaveLength(10);
  });

  it('retries only the entries SQS failed without the sender at fault, with growing delays', async () => {
    // Arrange
    const delays: number[] = [];
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({
        Successful: [{ Id: '0', MessageId: 'm-0', MD5OfMessageBody: '' }],
        Failed: [
          { Id: '1', Code: 'InternalError', SenderFault: false, Message: 'try again' },
          { Id: '2', Code: 'InvalidMessageContents', SenderFault: true, Message: 'bad body' },
        ],
      })
      .resolvesOnce({ Failed: [{ Id: '1', Code: 'InternalError', SenderFault: false }] })
      .resolves({ Successful: [{ Id: '1', MessageId: 'm-1', MD5OfMessageBody: '' }] });

    // Act
    const results = await sendPayouts(client(), QUEUE, [payout(0), payout(1), payout(2)], {
      sleep: async (ms) => void delays.push(ms),
      random: () => 0.5,
      baseDelayMs: 100,
    });

    // Assert
    expect(calls().map((c) => c.Entries?.map((e) => e.Id))).toEqual([['0', '1', '2'], ['1'], ['1']]);
    expect(delays).toEqual([100, 200]);
    expect(results).toEqual([
      { index: 0, ok: true, messageId: 'm-0', attempts: 1 },
      { index: 1, ok: true, messageId: 'm-1', attempts: 3 },
      { index: 2, ok: false, code: 'InvalidMessageContents', reason: 'bad body', attempts: 1 },
    ]);
  });

  it('reports what still failed after maxAttempts', async () => {
    // Arrange
    sqs
      .on(SendMessageBatchCommand)
      .resolves({ Failed: [{ Id: '0', Code: 'InternalError', SenderFault: false }] });

    // Act
    const results = await sendPayouts(client(), QUEUE, [payout(0)], { ...noSleep, maxAttempts: 3 });

    // Assert
    expect(calls()).toHaveLength(3);
    expect(results).toEqual([
      { index: 0, ok: false, code: 'InternalError', reason: 'InternalError', attempts: 3 },
    ]);
  });

  it('retries a whole call that failed on the network', async () => {
    // Arrange
    const reset = Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
    sqs
      .on(SendMessageBatchCommand)
      .rejectsOnce(reset)
      .resolves({
        Successful: [{ Id: '0', MessageId: 'm-0', MD5OfMessageBody: '' }],
      });

    // Act
    const results = await sendPayouts(client(), QUEUE, [payout(0)], noSleep);

    // Assert
    expect(results).toEqual([{ index: 0, ok: true, messageId: 'm-0', attempts: 2 }]);
  });

  it('stops after a call refused for good and reports the rest as not attempted', async () => {
    // Arrange
    const denied = Object.assign(new Error('not authorized to send'), {
      name: 'AccessDenied',
      $fault: 'client',
    });
    sqs.on(SendMessageBatchCommand).rejects(denied);

    // Act
    const results = await sendPayouts(
      client(),
      QUEUE,
      Array.from({ length: 30 }, (_, i) => payout(i)),
      { ...noSleep, concurrency: 1 },
    );

    // Assert
    expect(calls()).toHaveLength(1);
    expect(results.slice(0, 10).every((r) => !r.ok && r.code === 'AccessDenied')).toBe(true);
    expect(results.slice(10).every((r) => !r.ok && r.code === 'NotAttempted')).toBe(true);
    expect(results[29]).toMatchObject({
      reason: 'not sent: an earlier call failed with AccessDenied: not authorized to send',
    });
  });

  it('validates with the guardrails when given and sends only the valid messages', async () => {
    // Arrange
    acceptAll();
    const guardrails: PayoutGuardrails = {
      defaultMerchantId: 'merchant-default-01',
      allowedMerchantIds: [],
      maxAmounts: { EUR: '100' },
      addressNetwork: 'mainnet',
      maxBodyBytes: 16_384,
    };
    const tooMuch = { ...payout(1), amount: '250' };

    // Act
    const results = await sendPayouts(client(), QUEUE, [payout(0), tooMuch, payout(2)], {
      ...noSleep,
      guardrails,
    });

    // Assert
    expect(calls()[0]?.Entries?.map((e) => JSON.parse(e.MessageBody ?? '').reference)).toEqual([
      'order-000000',
      'order-000002',
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[1]).toMatchObject({
      index: 1,
      code: 'INVALID_MESSAGE',
      reason: 'amount: must be at most 100 EUR in this environment, got 250',
      attempts: 0,
    });
    expect(results[2]).toMatchObject({ index: 2, ok: true });
  });

  it('reports progress after every call', async () => {
    // Arrange
    acceptAll();
    const seen: number[] = [];

    // Act
    await sendPayouts(
      client(),
      QUEUE,
      Array.from({ length: 25 }, (_, i) => payout(i)),
      { ...noSleep, concurrency: 1, onProgress: (p) => void seen.push(p.sent) },
    );

    // Assert
    expect(seen).toEqual([10, 20, 25]);
  });
});

describe('sendMessageBodies', () => {
  it('keeps each call under 256 KiB', async () => {
    // Arrange
    acceptAll();
    const big = 'x'.repeat(100_000);

    // Act
    await sendMessageBodies(client(), QUEUE, [big, big, big, 'small'], noSleep);

    // Assert
    expect(calls().map((c) => c.Entries?.length)).toEqual([2, 2]);
  });
});

describe('sendPayouts when the queue cannot be reached', () => {
  it('gives up on the rest of the file once a call went unanswered through every retry', async () => {
    // Arrange
    const unreachable = Object.assign(new Error('getaddrinfo ENOTFOUND sqs.nowhere'), { name: 'Error' });
    sqs.on(SendMessageBatchCommand).rejects(unreachable);

    // Act
    const results = await sendPayouts(
      client(),
      QUEUE,
      Array.from({ length: 50 }, (_, i) => payout(i)),
      { ...noSleep, concurrency: 1, maxAttempts: 2 },
    );

    // Assert
    expect(calls()).toHaveLength(2);
    expect(results.slice(0, 10).every((r) => !r.ok && r.attempts === 2)).toBe(true);
    expect(results.slice(10).every((r) => !r.ok && r.code === 'NotAttempted')).toBe(true);
  });
});
