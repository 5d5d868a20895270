// The SQS event as the queue-fed handlers read it: one parser, so every consumer treats malformed records
// the same way (reported as failures; a record without a messageId fails the whole batch).
import type { SQSBatchResponse } from 'aws-lambda';
import * as z from 'zod/mini';

/** One SQS message as the domain reads it. */
export interface SqsMessage {
  readonly messageId: string;
  readonly body: string;
  /** `ApproximateReceiveCount`: 1 on the first delivery. */
  readonly receiveCount: number;
}

/** A message plus what is needed to hand it back to its queue (change its visibility, dead-letter it). */
export interface QueuedSqsMessage extends SqsMessage {
  readonly receiptHandle: string;
  readonly queueArn: string;
}

/** The records of a batch that could be read, and the ids of those too malformed to read. */
export interface SqsBatch<M extends SqsMessage> {
  readonly deliveries: M[];
  readonly malformedIds: string[];
}

const messageFields = {
  messageId: z.string().check(z.minLength(1)),
  body: z.string(),
  attributes: z.looseObject({ ApproximateReceiveCount: z.string().check(z.regex(/^[0-9]+$/)) }),
};
const messageSchema = z.looseObject(messageFields);
const queuedMessageSchema = z.looseObject({
  ...messageFields,
  receiptHandle: z.string().check(z.minLength(1)),
  eventSourceARN: z.string().check(z.minLength(1)),
});
const eventSchema = z.object({ Records: z.array(z.unknown()) });

function splitRecords<R extends z.infer<typeof messageSchema>, M extends SqsMessage>(
  event: unknown,
  schema: z.ZodMiniType<R>,
  toMessage: (record: R) => M,
): SqsBatch<M> {
  const parsed = eventSchema.safeParse(event);
  if (!parsed.success) throw new TypeError('not an SQS event: expected { Records: [...] }');
  const deliveries: M[] = [];
  const malformedIds: string[] = [];
  for (const raw of parsed.data.Records) {
    const record = schema.safeParse(raw);
    if (record.success) {
      deliveries.push(toMessage(record.data));
      continue;
    }
    const id = (raw as { messageId?: unknown } | null)?.messageId;
    // A record without a messageId cannot be reported alone: fail the batch so nothing is dropped.
    if (typeof id !== 'string' || id === '') throw new TypeError('SQS record without a messageId');
    malformedIds.push(id);
  }
  return { deliveries, malformedIds };
}

/** Splits an SQS event into messages (id, body, receive count) and the ids of records too malformed to read. */
export function parseSqsEvent(event: unknown): SqsBatch<SqsMessage> {
  return splitRecords(event, messageSchema, (r) => ({
    messageId: r.messageId,
    body: r.body,
    receiveCount: Number(r.attributes.ApproximateReceiveCount),
  }));
}

/**
 * As {@link parseSqsEvent}, for a consumer that also acts on the message in its queue: a record without a
 * receipt handle or source queue ARN counts as malformed.
 */
export function parseQueuedSqsEvent(event: unknown): SqsBatch<QueuedSqsMessage> {
  return splitRecords(event, queuedMessageSchema, (r) => ({
    messageId: r.messageId,
    receiptHandle: r.receiptHandle,
    body: r.body,
    receiveCount: Number(r.attributes.ApproximateReceiveCount),
    queueArn: r.eventSourceARN,
  }));
}

/** Lambda's partial batch response: the malformed records, then those the batch reports as failed. */
export function toBatchResponse<R extends { readonly failedMessageIds: readonly string[] }>(
  report: R,
  malformedIds: readonly string[],
): SQSBatchResponse {
  return {
    batchItemFailures: [...malformedIds, ...report.failedMessageIds].map((itemIdentifier) => ({
      itemIdentifier,
    })),
  };
}
