import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { localContext } from './lambda-context.ts';

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export interface PollerOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly handler: SqsHandler;
  /** Records per invocation, as the event source mapping's batch size. Default 10. */
  readonly batchSize?: number;
  /** The function timeout given to each invocation's context. Default 30 s. */
  readonly timeoutMs?: number;
  /** Long-poll wait per receive, seconds. Default 1. */
  readonly waitSeconds?: number;
  /**
   * Local runs only: failed records (and every record of an invocation that threw) come back after this
   * many seconds instead of after the handler's backoff or the queue's visibility timeout, which are
   * minutes long on Lambda. Default: leave the visibility as the handler and the queue set it.
   */
  readonly retryDelaySeconds?: number;
}

/** One record of a poll and whether it went back to the queue. */
export interface PolledRecord {
  readonly messageId: string;
  readonly body: string;
  readonly receiveCount: number;
  readonly failed: boolean;
}

export interface PollResult {
  readonly received: number;
  readonly deleted: number;
  readonly failed: number;
  /** The invocation threw: every message of the batch stays in the queue, as on Lambda. */
  readonly invocationError?: unknown;
  readonly records: readonly PolledRecord[];
}

function toRecord(message: Message, queueArn: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: queueArn.split(':')[3] ?? 'us-east-1',
  };
}

/**
 * One poll of the queue the way Lambda's SQS event source does it: receive a batch, invoke the handler,
 * delete the records not listed in `batchItemFailures` (partial batch response). Failed records stay
 * invisible for their visibility timeout (the handler may have changed it), and SQS moves a message to
 * the DLQ once its receive count passes `maxReceiveCount`.
 */
export async function pollOnce(options: PollerOptions): Promise<PollResult> {
  const { sqs, queueUrl } = options;
  const out = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: Math.min(options.batchSize ?? 10, 10),
      WaitTimeSeconds: options.waitSeconds ?? 1,
      MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
    }),
  );
  const messages = out.Messages ?? [];
  if (messages.length === 0) return { received: 0, deleted: 0, failed: 0, records: [] };
  const event: SQSEvent = { Records: messages.map((m) => toRecord(m, options.queueArn)) };
  const records = (failed: (m: Message) => boolean): PolledRecord[] =>
    messages.map((m) => ({
      messageId: m.MessageId ?? '',
      body: m.Body ?? '',
      receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? '1'),
      failed: failed(m),
    }));
  let response: SQSBatchResponse;
  try {
    response = await options.handler(event, localContext('payout-worker', options.timeoutMs ?? 30_000));
  } catch (invocationError) {
    await shortenRetryDelay(options, messages);
    return {
      received: messages.length,
      deleted: 0,
      failed: messages.length,
      invocationError,
      records: records(() => true),
    };
  }
  const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
  const done = messages.filter((m) => m.MessageId !== undefined && !failed.has(m.MessageId));
  await shortenRetryDelay(
    options,
    messages.filter((m) => m.MessageId === undefined || failed.has(m.MessageId)),
  );
  for (let i = 0; i < done.length; i += 10) {
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: done
          .slice(i, i + 10)
          .map((m, j) => ({ Id: String(i + j), ReceiptHandle: m.ReceiptHandle ?? '' })),
      }),
    );
  }
  return {
    received: messages.length,
    deleted: done.length,
    failed: failed.size,
    records: records((m) => m.MessageId === undefined || failed.has(m.MessageId)),
  };
}

/** Applies `retryDelaySeconds` to records going back to the queue (after the handler set its backoff). */
async function shortenRetryDelay(options: PollerOptions, messages: readonly Message[]): Promise<void> {
  if (options.retryDelaySeconds === undefined || messages.length === 0) return;
  for (let i = 0; i < messages.length; i += 10) {
    await options.sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: options.queueUrl,
        Entries: messages.slice(i, i + 10).map((m, j) => ({
          Id: String(i + j),
          ReceiptHandle: m.ReceiptHandle ?? '',
          VisibilityTimeout: options.retryDelaySeconds,
        })),
      }),
    );
  }
}
