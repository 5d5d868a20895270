// Reading and moving dead letters with plain receive / send / delete: moto has no StartMessageMoveTask,
// and that API cannot filter by reason anyway.
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/** Group of messages SQS itself moved after `maxReceiveCount` failed deliveries: they carry no reason. */
export const RECEIVE_LIMIT_CODE = 'MAX_RECEIVE_COUNT';

/** A message in the DLQ, with the reason the worker attached (or the receive-limit group). */
export interface DeadLetterMessage {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  /** The worker's `reasonCode` attribute, or {@link RECEIVE_LIMIT_CODE}. */
  readonly reasonCode: string;
  /** The worker's `outcome` attribute (REJECTED, CONFLICT), or `-` when SQS moved it. */
  readonly outcome: string;
  readonly reason: string;
  /** The id the message had in the payout queue (the same id when SQS moved it). */
  readonly originalMessageId: string;
  readonly reference?: string;
}

export interface ReceiveAllOptions {
  /** How long received messages stay hidden while the caller works on them. Default 300 s. */
  readonly holdSeconds?: number;
  /** Long-poll wait per receive; an empty answer after it means the queue is drained. Default 1 s. */
  readonly waitSeconds?: number;
  /** Stop after this many messages. Default: all. */
  readonly max?: number;
}

/**
 * Receives every visible message of a DLQ, keeping each hidden for `holdSeconds` so none comes back
 * twice in one pass. Pair it with {@link releaseMessages} (put back) or {@link moveMessages}.
 */
export async function receiveAll(
  sqs: SQSClient,
  queueUrl: string,
  options: ReceiveAllOptions = {},
): Promise<DeadLetterMessage[]> {
  const letters: DeadLetterMessage[] = [];
  const seen = new Set<string>();
  const max = options.max ?? Number.POSITIVE_INFINITY;
  while (letters.length < max) {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(10, max - letters.length),
        WaitTimeSeconds: options.waitSeconds ?? 1,
        VisibilityTimeout: options.holdSeconds ?? 300,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    const batch = out.Messages ?? [];
    if (batch.length === 0) break;
    for (const message of batch) {
      const letter = toDeadLetter(message);
      if (seen.has(letter.messageId)) continue;
      seen.add(letter.messageId);
      letters.push(letter);
    }
  }
  return letters;
}

function toDeadLetter(message: Message): DeadLetterMessage {
  const attribute = (name: string): string | undefined => message.MessageAttributes?.[name]?.StringValue;
  const messageId = message.MessageId ?? '';
  const body = message.Body ?? '';
  const reasonCode = attribute('reasonCode');
  const reference = attribute('reference') ?? referenceInBody(body);
  return {
    messageId,
    receiptHandle: message.ReceiptHandle ?? '',
    body,
    reasonCode: reasonCode ?? RECEIVE_LIMIT_CODE,
    outcome: attribute('outcome') ?? '-',
    reason:
      attribute('reason') ??
      'moved by SQS after maxReceiveCount failed deliveries (transient failures); the ledger lastError says why',
    originalMessageId: attribute('originalMessageId') ?? messageId,
    ...(reference === undefined ? {} : { reference }),
  };
}

function referenceInBody(body: string): string | undefined {
  try {
    const value: unknown = JSON.parse(body);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const reference = (value as { reference?: unknown }).reference;
      if (typeof reference === 'string') return reference;
    }
  } catch {
    // Not JSON: no reference to show.
  }
  return undefined;
}

/** Makes received messages visible again at once (nothing is lost if this fails: they reappear later). */
export async function releaseMessages(
  sqs: SQSClient,
  queueUrl: string,
  messages: readonly DeadLetterMessage[],
): Promise<void> {
  for (let i = 0; i < messages.length; i += 10) {
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.slice(i, i + 10).map((m, j) => ({
          Id: String(i + j),
          ReceiptHandle: m.receiptHandle,
          VisibilityTimeout: 0,
        })),
      }),
    );
  }
}

export interface ReasonGroup {
  readonly reasonCode: string;
  readonly outcome: string;
  readonly count: number;
  readonly sampleReason: string;
  readonly sampleReference?: string;
}

/** Groups dead letters by `reasonCode` and `outcome`, largest group first. */
export function groupByReason(messages: readonly DeadLetterMessage[]): ReasonGroup[] {
  const groups = new Map<string, { group: ReasonGroup; count: number }>();
  for (const m of messages) {
    const key = `${m.reasonCode}\u0000${m.outcome}`;
    const existing = groups.get(key);
    if (existing !== undefined) existing.count++;
    else {
      groups.set(key, {
        count: 1,
        group: {
          reasonCode: m.reasonCode,
          outcome: m.outcome,
          count: 0,
          sampleReason: m.reason,
          ...(m.reference === undefined ? {} : { sampleReference: m.reference }),
        },
      });
    }
  }
  return [...groups.values()]
    .map(({ group, count }) => ({ ...group, count }))
    .sort((a, b) => b.count - a.count || a.reasonCode.localeCompare(b.reasonCode));
}

export interface MoveReport {
  readonly moved: number;
  /** Not sent: they stay in the DLQ (made visible again). */
  readonly notSent: ReadonlyArray<{ readonly messageId: string; readonly reason: string }>;
  /** Sent but not deleted from the DLQ: they are in both queues; a second redrive of them is harmless. */
  readonly notDeleted: ReadonlyArray<{ readonly messageId: string; readonly reason: string }>;
}

/**
 * Moves received messages to `targetUrl`: send (body unchanged, no attributes) → delete from the DLQ,
 * ten at a time. A message is deleted only after its send succeeded, so nothing is lost; a failed
 * delete leaves a copy behind, which the worker would acknowledge without paying twice.
 */
export async function moveMessages(
  sqs: SQSClient,
  dlqUrl: string,
  targetUrl: string,
  messages: readonly DeadLetterMessage[],
  onProgress?: (done: number) => void,
): Promise<MoveReport> {
  let moved = 0;
  const notSent: { messageId: string; reason: string }[] = [];
  const notDeleted: { messageId: string; reason: string }[] = [];
  for (let i = 0; i < messages.length; i += 10) {
    const batch = messages.slice(i, i + 10);
    const sent = await sqs
      .send(
        new SendMessageBatchCommand({
          QueueUrl: targetUrl,
          Entries: batch.map((m, j) => ({ Id: String(j), MessageBody: m.body })),
        }),
      )
      .catch((error: unknown) => ({ error }));
    const okIds = new Set<number>();
    if ('error' in sent) {
      const reason =
        sent.error instanceof Error ? `${sent.error.name}: ${sent.error.message}` : 'send failed';
      for (const m of batch) notSent.push({ messageId: m.messageId, reason });
    } else {
      for (const ok of sent.Successful ?? []) okIds.add(Number(ok.Id));
      for (const failed of sent.Failed ?? []) {
        const m = batch[Number(failed.Id)];
        if (m !== undefined)
          notSent.push({ messageId: m.messageId, reason: `${failed.Code}: ${failed.Message ?? ''}` });
      }
    }
    const toDelete = batch.filter((_, j) => okIds.has(j));
    const unsent = batch.filter((_, j) => !okIds.has(j));
    if (unsent.length > 0) await releaseMessages(sqs, dlqUrl, unsent).catch(() => undefined);
    if (toDelete.length > 0) {
      const deleted = await sqs
        .send(
          new DeleteMessageBatchCommand({
            QueueUrl: dlqUrl,
            Entries: toDelete.map((m, j) => ({ Id: String(j), ReceiptHandle: m.receiptHandle })),
          }),
        )
        .catch((error: unknown) => ({ error }));
      if ('error' in deleted) {
        const reason = deleted.error instanceof Error ? deleted.error.name : 'delete failed';
        for (const m of toDelete) notDeleted.push({ messageId: m.messageId, reason });
      } else {
        for (const failed of deleted.Failed ?? []) {
          const m = toDelete[Number(failed.Id)];
          if (m !== undefined) notDeleted.push({ messageId: m.messageId, reason: `${failed.Code}` });
        }
      }
      moved += toDelete.length;
    }
    onProgress?.(Math.min(i + 10, messages.length));
  }
  return { moved, notSent, notDeleted };
}
