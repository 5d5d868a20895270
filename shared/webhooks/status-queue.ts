import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { StatusMessage } from './status-message.ts';

export interface StatusQueuePort {
  send(message: StatusMessage): Promise<void>;
}

/** The status queue on SQS. */
export function sqsStatusQueue(client: SQSClient, queueUrl: string): StatusQueuePort {
  return {
    async send(message) {
      await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(message) }));
    },
  };
}
