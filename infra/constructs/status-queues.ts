import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEAD_LETTER_RETENTION, visibilityTimeoutFor } from './payout-queues.ts';

export interface StatusQueuesProps {
  /** The status function's timeout; the queue's visibility timeout is six times this. */
  readonly functionTimeout: Duration;
  /** Receives before SQS moves a status message to the status DLQ. */
  readonly maxReceiveCount: number;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The small queue between the webhook receiver and the status function, so the receiver answers
 * Coindirect at once and the verification (a read at Coindirect from the VPC) happens asynchronously,
 * with retries, and a DLQ for what never succeeds. SSE-SQS encrypted, TLS only.
 */
export class StatusQueues extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: StatusQueuesProps) {
    super(scope, id);

    this.deadLetterQueue = new Queue(this, 'StatusDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: DEAD_LETTER_RETENTION,
      removalPolicy: props.removalPolicy,
    });
    this.queue = new Queue(this, 'StatusQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: DEAD_LETTER_RETENTION,
      visibilityTimeout: visibilityTimeoutFor(props.functionTimeout, Duration.seconds(0)),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
      removalPolicy: props.removalPolicy,
    });
  }
}
