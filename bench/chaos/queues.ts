// The chaos run's view of its queues: how many messages are left, waiting for none, reading the DLQ.

import { setTimeout as sleep } from 'node:timers/promises';
import {
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/** Messages in the queue, visible or not (in flight or waiting for a retry). */
export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

/**
 * Polls `depth` until it reads 0 twice in a row a second apart (a retry in flight counts as not visible,
 * never as gone). Resolves to when it first read 0, or undefined if `deadline` passed first.
 */
export async function waitUntilEmpty(
  depth: () => Promise<number>,
  deadline: number,
  progress: (left: number) => void,
): Promise<number | undefined> {
  let lastReport = Date.now();
  while (Date.now() < deadline) {
    const left = await depth();
    if (left === 0) {
      const emptyAt = Date.now();
      await sleep(1_000);
      if ((await depth()) === 0) return emptyAt;
    }
    if (Date.now() - lastReport > 10_000) {
      progress(left);
      lastReport = Date.now();
    }
    await sleep(500);
  }
  return undefined;
}

/** Reads every message in a queue once (each is hidden for `hideSeconds` so none is read twice). */
export async function drainQueue(sqs: SQSClient, queueUrl: string, hideSeconds = 600): Promise<Message[]> {
  const all: Message[] = [];
  for (let empty = 0; empty < 2; ) {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: hideSeconds,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    );
    const batch = out.Messages ?? [];
    if (batch.length === 0) empty++;
    else all.push(...batch);
  }
  return all;
}
