import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { ManagedPolicy } from 'aws-cdk-lib/aws-iam';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** SQS keeps a message at most 14 days, counted from when the producer sent it, DLQ included. */
export const DEAD_LETTER_RETENTION = Duration.days(14);

export interface PayoutQueuesProps {
  /** The worker's timeout; the queue's visibility timeout is six times this plus the batching window. */
  readonly functionTimeout: Duration;
  /** The event source's batching window; it delays a received batch, so it adds to the visibility. */
  readonly maxBatchingWindow: Duration;
  /** Receives before SQS moves a message to the dead-letter queue. */
  readonly maxReceiveCount: number;
  /** How long the payout queue keeps a message. */
  readonly retentionPeriod: Duration;
  /** What happens to both queues (and any message in them) when the stack is deleted. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * AWS's rule for queues feeding Lambda: visibility at least six times the function timeout, plus the
 * batching window, so a batch that is retried by the poller is not redelivered while still running.
 */
export function visibilityTimeoutFor(functionTimeout: Duration, maxBatchingWindow: Duration): Duration {
  return Duration.seconds(functionTimeout.toSeconds() * 6 + maxBatchingWindow.toSeconds());
}

/**
 * The payout queue producers send to, its dead-letter queue (where permanent failures are sent with
 * their reason by the worker, and where SQS moves a message after `maxReceiveCount` receives), and the
 * managed policy that lets a producer send and do nothing else. Both queues are SSE-SQS encrypted and
 * refuse requests without TLS.
 */
export class PayoutQueues extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  /** Attach to a producer's role: send to the payout queue (and read its URL/attributes), nothing else. */
  readonly producerPolicy: ManagedPolicy;

  constructor(scope: Construct, id: string, props: PayoutQueuesProps) {
    super(scope, id);

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: DEAD_LETTER_RETENTION,
      removalPolicy: props.removalPolicy,
    });

    this.queue = new Queue(this, 'PayoutQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: props.retentionPeriod,
      visibilityTimeout: visibilityTimeoutFor(props.functionTimeout, props.maxBatchingWindow),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
      removalPolicy: props.removalPolicy,
    });

    this.producerPolicy = new ManagedPolicy(this, 'ProducerPolicy', {
      description: 'Send payout messages to the Coindirect payout queue; nothing else',
    });
    this.queue.grants.sendMessages(this.producerPolicy);
  }
}
