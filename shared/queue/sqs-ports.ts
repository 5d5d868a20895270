import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueUrlCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/** A permanent failure, on its way to the DLQ with the reason beside the untouched original body. */
export interface DeadLetter {
  readonly messageId: string;
  readonly body: string;
  readonly outcome: 'REJECTED' | 'CONFLICT';
  readonly reasonCode: string;
  readonly reason: string;
  readonly reference?: string;
  readonly receiveCount: number;
}

export interface DeadLetterPort {
  send(letter: DeadLetter): Promise<void>;
}

export interface VisibilityChange {
  readonly queueArn: string;
  readonly receiptHandle: string;
  readonly seconds: number;
}

export interface VisibilityPort {
  /**
   * Best effort: an entry SQS refuses is retried once; one that still fails simply comes back after the
   * queue's own visibility timeout. Resolves with how many changes were not made, for a metric.
   */
  change(changes: readonly VisibilityChange[]): Promise<{ readonly failed: number }>;
}

/** Message attribute values are capped here so an outsized reason can never make the DLQ send fail. */
const MAX_ATTRIBUTE_CHARS = 2_000;

function text(value: string): { DataType: 'String'; StringValue: string } {
  return {
    DataType: 'String',
    StringValue: value.length > MAX_ATTRIBUTE_CHARS ? `${value.slice(0, MAX_ATTRIBUTE_CHARS - 1)}…` : value,
  };
}

/** Sends dead letters to the DLQ: the original body, with outcome, code and reason as message attributes. */
export function sqsDeadLetters(
  client: SQSClient,
  dlqUrl: string,
  clock: () => number = Date.now,
): DeadLetterPort {
  return {
    async send(letter) {
      await client.send(
        new SendMessageCommand({
          QueueUrl: dlqUrl,
          MessageBody: letter.body,
          MessageAttributes: {
            outcome: text(letter.outcome),
            reasonCode: text(letter.reasonCode),
            reason: text(letter.reason),
            originalMessageId: text(letter.messageId),
            receiveCount: { DataType: 'Number', StringValue: String(letter.receiveCount) },
            failedAt: text(new Date(clock()).toISOString()),
            ...(letter.reference === undefined ? {} : { reference: text(letter.reference) }),
          },
        }),
      );
    },
  };
}

/** `arn:aws:sqs:region:account:name` → its parts, or undefined for anything else. */
export function parseQueueArn(arn: string): { readonly account: string; readonly name: string } | undefined {
  const parts = arn.split(':');
  const [prefix, , service, , account, name] = parts;
  if (parts.length !== 6 || prefix !== 'arn' || service !== 'sqs' || !account || !name) return undefined;
  return { account, name };
}

/** Changes visibility in batches of ten per queue; queue URLs are looked up once per container. */
export function sqsVisibility(client: SQSClient): VisibilityPort {
  const urls = new Map<string, Promise<string | undefined>>();
  const urlFor = (arn: string): Promise<string | undefined> => {
    let url = urls.get(arn);
    if (url === undefined) {
      const parsed = parseQueueArn(arn);
      url = parsed
        ? client
            .send(new GetQueueUrlCommand({ QueueName: parsed.name, QueueOwnerAWSAccountId: parsed.account }))
            .then((out) => out.QueueUrl)
        : Promise.resolve(undefined);
      url.catch(() => urls.delete(arn));
      urls.set(arn, url);
    }
    return url;
  };
  const changeBatch = async (
    queueUrl: string,
    batch: readonly VisibilityChange[],
  ): Promise<VisibilityChange[]> => {
    const out = await client.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((c, j) => ({
          Id: String(j),
          ReceiptHandle: c.receiptHandle,
          VisibilityTimeout: c.seconds,
        })),
      }),
    );
    return (out.Failed ?? []).flatMap((f) => {
      const change = batch[Number(f.Id)];
      return change === undefined ? [] : [change];
    });
  };
  return {
    async change(changes) {
      const byQueue = new Map<string, VisibilityChange[]>();
      for (const c of changes) byQueue.set(c.queueArn, [...(byQueue.get(c.queueArn) ?? []), c]);
      let failed = 0;
      for (const [arn, queueChanges] of byQueue) {
        const queueUrl = await urlFor(arn).catch(() => undefined);
        if (queueUrl === undefined) {
          failed += queueChanges.length;
          continue;
        }
        for (let i = 0; i < queueChanges.length; i += 10) {
          const refused = await changeBatch(queueUrl, queueChanges.slice(i, i + 10));
          // Entries fail one by one (a throttle, an internal error): once more, then give up on them.
          if (refused.length > 0) failed += (await changeBatch(queueUrl, refused)).length;
        }
      }
      return { failed };
    },
  };
}
