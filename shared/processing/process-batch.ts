import { mapWithConcurrency } from '#shared/concurrency.ts';
import { describeError } from '#shared/describe-error.ts';
import type { DeadLetterPort, VisibilityChange, VisibilityPort } from '#shared/queue/sqs-ports.ts';
import { backoffSeconds } from './backoff.ts';
import { METRIC } from './ports.ts';
import {
  type DeliveryOutcome,
  type PayoutDelivery,
  type ProcessorDeps,
  processDelivery,
} from './process-payout.ts';
import { recordLogger } from './record-logger.ts';

/** A delivery plus what is needed to hand it back to its queue. */
export interface QueuedDelivery extends PayoutDelivery {
  readonly receiptHandle: string;
  readonly queueArn: string;
}

export interface BatchDeps extends ProcessorDeps {
  readonly deadLetters: DeadLetterPort;
  readonly visibility: VisibilityPort;
  /** How many records are in flight at once. */
  readonly concurrency: number;
  /**
   * A record is not started when less than this is left of the invocation (`remainingTimeMs`): one full
   * claim → POST → record cycle and the batch's wrap-up (shared/processing/time-budget.ts).
   */
  readonly reserveMs?: number;
  readonly maxBackoffSeconds?: number;
  readonly random?: () => number;
}

/** What happened to each record; `failedMessageIds` is what goes back to SQS as `batchItemFailures`. */
export interface BatchReport {
  readonly failedMessageIds: readonly string[];
  readonly results: ReadonlyArray<{
    readonly messageId: string;
    readonly outcome: DeliveryOutcome | { readonly kind: 'notStarted' };
  }>;
}

/**
 * Processes a batch with bounded concurrency. Each record is isolated: a bad or failing record never
 * affects its neighbours. Permanent failures are dead-lettered (with the reason) and acknowledged;
 * transient ones are reported as failures with a per-message visibility backoff.
 */
export async function processBatch(
  deliveries: readonly QueuedDelivery[],
  deps: BatchDeps,
): Promise<BatchReport> {
  const failed = new Set<string>();
  const changes: VisibilityChange[] = [];

  const results = await mapWithConcurrency(
    deliveries,
    deps.concurrency,
    async (delivery): Promise<BatchReport['results'][number]> => {
      if (deps.remainingTimeMs && deps.remainingTimeMs() < (deps.reserveMs ?? 0)) {
        // Too little time to finish safely: leave it for the next invocation, untouched.
        failed.add(delivery.messageId);
        return { messageId: delivery.messageId, outcome: { kind: 'notStarted' } };
      }
      // Every line about this record carries its messageId and, once read, its reference.
      const logger = recordLogger(deps.logger, delivery.messageId);
      const recordDeps: BatchDeps = { ...deps, logger, noteReference: (ref) => logger.setReference(ref) };
      const outcome = await settle(delivery, recordDeps);
      if (!(await acknowledge(delivery, outcome, recordDeps))) {
        failed.add(delivery.messageId);
        if (outcome.kind === 'retry') {
          changes.push({
            queueArn: delivery.queueArn,
            receiptHandle: delivery.receiptHandle,
            seconds: backoffSeconds({
              cause: outcome.cause,
              receiveCount: delivery.receiveCount,
              ...(outcome.atLeastSeconds === undefined ? {} : { atLeastSeconds: outcome.atLeastSeconds }),
              ...(deps.maxBackoffSeconds === undefined ? {} : { maxSeconds: deps.maxBackoffSeconds }),
              ...(deps.random === undefined ? {} : { random: deps.random }),
            }),
          });
        }
      }
      return { messageId: delivery.messageId, outcome };
    },
  );

  if (changes.length > 0) {
    const failed = await deps.visibility.change(changes).then(
      (result) => result.failed,
      (error: unknown) => {
        deps.logger.warn('could not set retry backoff', { error: describeError(error) });
        return changes.length;
      },
    );
    if (failed > 0) {
      deps.metrics.count(METRIC.visibilityChangeFailed, failed);
      deps.logger.warn('retry backoff not set; those messages return after the queue visibility timeout', {
        failed,
      });
    }
  }
  return {
    failedMessageIds: deliveries.map((d) => d.messageId).filter((id) => failed.has(id)),
    results,
  };
}

async function settle(delivery: PayoutDelivery, deps: BatchDeps): Promise<DeliveryOutcome> {
  try {
    return await processDelivery(delivery, deps);
  } catch (error) {
    deps.logger.error('payout processing failed', {
      messageId: delivery.messageId,
      error: describeError(error),
    });
    return { kind: 'retry', cause: 'unavailable', reason: describeError(error) };
  }
}

/** Logs the outcome and, for permanent failures, dead-letters the message. True when SQS may delete it. */
async function acknowledge(
  delivery: QueuedDelivery,
  outcome: DeliveryOutcome,
  deps: BatchDeps,
): Promise<boolean> {
  const context = {
    messageId: delivery.messageId,
    receiveCount: delivery.receiveCount,
    outcome: outcome.kind,
  };
  switch (outcome.kind) {
    case 'submitted':
      deps.logger.info('payout submitted', {
        ...context,
        reference: outcome.reference,
        uuid: outcome.uuid,
        duplicate: outcome.duplicate,
      });
      return true;
    case 'superseded':
      deps.logger.warn('another delivery of this payout took over; acknowledging this one', {
        ...context,
        reference: outcome.reference,
      });
      return true;
    case 'retry':
      deps.logger.warn('payout will be retried', {
        ...context,
        reference: outcome.reference,
        cause: outcome.cause,
        reason: outcome.reason,
      });
      return false;
    case 'rejected':
    case 'conflict': {
      const reasonCode = outcome.kind === 'rejected' ? outcome.code : 'REFERENCE_CONFLICT';
      deps.logger.warn(`payout ${outcome.kind === 'rejected' ? 'rejected' : 'in conflict'}`, {
        ...context,
        reference: outcome.reference,
        reasonCode,
        reason: outcome.reason,
      });
      try {
        await deps.deadLetters.send({
          messageId: delivery.messageId,
          body: delivery.body,
          outcome: outcome.kind === 'rejected' ? 'REJECTED' : 'CONFLICT',
          reasonCode,
          reason: outcome.reason,
          receiveCount: delivery.receiveCount,
          ...(outcome.reference === undefined ? {} : { reference: outcome.reference }),
        });
        return true;
      } catch (error) {
        // Not lost: the message stays in the queue and SQS's own redrive moves it after maxReceiveCount.
        deps.logger.error('could not send to the DLQ; leaving the message in the queue', {
          ...context,
          error: describeError(error),
        });
        return false;
      }
    }
  }
}
