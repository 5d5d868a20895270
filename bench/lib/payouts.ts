import type { SQSEvent, SQSRecord } from 'aws-lambda';

/** A checksummed mainnet ETH address (EIP-55), valid for the worker's address checks. */
export const BENCH_ADDRESS = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
export const BENCH_QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:bench-payouts';

/** A valid payout v1 body for `reference`. */
export function payoutBody(reference: string, amount = '40.10'): string {
  return JSON.stringify({
    reference,
    amount,
    currency: 'EUR',
    destination: { currency: 'ETH', address: BENCH_ADDRESS },
  });
}

/** One message of the bench's queue: its ID, receipt handle, body and `ApproximateReceiveCount`. */
export interface BenchMessage {
  readonly id: string;
  readonly receipt: string;
  readonly body: string;
  readonly receiveCount: number;
}

/** An SQS record as Lambda's event source builds it. */
export function sqsRecord(message: BenchMessage): SQSRecord {
  return {
    messageId: message.id,
    receiptHandle: message.receipt,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: '0',
      SenderId: 'bench',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: BENCH_QUEUE_ARN,
    awsRegion: 'us-east-1',
  };
}

/** An SQS event as Lambda's event source builds it, one record per body, first delivery. */
export function sqsEvent(bodies: readonly string[], idPrefix: string): SQSEvent {
  return {
    Records: bodies.map((body, i) =>
      sqsRecord({ id: `${idPrefix}-${i}`, receipt: `rh-${idPrefix}-${i}`, body, receiveCount: 1 }),
    ),
  };
}

/** `count` events of up to `batchSize` fresh payouts each, references unique under `runId`. */
export function payoutEvents(runId: string, count: number, batchSize: number): SQSEvent[] {
  const events: SQSEvent[] = [];
  for (let start = 0; start < count; start += batchSize) {
    const bodies: string[] = [];
    for (let i = start; i < Math.min(count, start + batchSize); i++) bodies.push(payoutBody(`${runId}-${i}`));
    events.push(sqsEvent(bodies, `${runId}-${start}`));
  }
  return events;
}
