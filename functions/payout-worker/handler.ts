import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse } from 'aws-lambda';
import * as z from 'zod/mini';
import type { MetricsPort } from '#shared/processing/ports.ts';
import {
  type BatchDeps,
  type BatchReport,
  processBatch,
  type QueuedDelivery,
} from '#shared/processing/process-batch.ts';
import { ContainerDeps, lambdaPowertools } from '../lambda-runtime.ts';
import { loadConfig } from './config.ts';
import { credentialCheckMode } from './credential-check.ts';
import { createWorkerDeps, type WorkerOverrides } from './worker.ts';

const sqsRecordSchema = z.object({
  messageId: z.string().check(z.minLength(1)),
  receiptHandle: z.string().check(z.minLength(1)),
  body: z.string(),
  attributes: z.looseObject({ ApproximateReceiveCount: z.string().check(z.regex(/^[0-9]+$/)) }),
  eventSourceARN: z.string().check(z.minLength(1)),
});
const sqsEventSchema = z.object({ Records: z.array(z.unknown()) });

/** Splits an SQS event into deliveries and the ids of records too malformed to process. */
export function toDeliveries(event: unknown): { deliveries: QueuedDelivery[]; malformedIds: string[] } {
  const parsed = sqsEventSchema.safeParse(event);
  if (!parsed.success) throw new TypeError('not an SQS event: expected { Records: [...] }');
  const deliveries: QueuedDelivery[] = [];
  const malformedIds: string[] = [];
  for (const raw of parsed.data.Records) {
    const record = sqsRecordSchema.safeParse(raw);
    if (record.success) {
      const r = record.data;
      deliveries.push({
        messageId: r.messageId,
        receiptHandle: r.receiptHandle,
        body: r.body,
        receiveCount: Number(r.attributes.ApproximateReceiveCount),
        queueArn: r.eventSourceARN,
      });
      continue;
    }
    const id = (raw as { messageId?: unknown } | null)?.messageId;
    // A record without a messageId cannot be reported alone: fail the batch so nothing is dropped.
    if (typeof id !== 'string' || id === '') throw new TypeError('SQS record without a messageId');
    malformedIds.push(id);
  }
  return { deliveries, malformedIds };
}

/** Turns the batch report into Lambda's partial batch response. */
export function toBatchResponse(report: BatchReport, malformedIds: readonly string[]): SQSBatchResponse {
  return {
    batchItemFailures: [...malformedIds, ...report.failedMessageIds].map((itemIdentifier) => ({
      itemIdentifier,
    })),
  };
}

/** Builds the SQS batch handler around ready dependencies (tests inject theirs here). */
export function createBatchHandler(deps: () => Omit<BatchDeps, 'remainingTimeMs'>, logger: Logger) {
  return async (event: unknown, context: Context): Promise<SQSBatchResponse> => {
    const { deliveries, malformedIds } = toDeliveries(event);
    for (const id of malformedIds)
      logger.error('malformed SQS record; returned to the queue', { messageId: id });
    const report = await processBatch(deliveries, {
      ...deps(),
      remainingTimeMs: () => context.getRemainingTimeInMillis(),
    });
    return toBatchResponse(report, malformedIds);
  };
}

const { logger, metrics, count } = lambdaPowertools('payout-worker');
const metricsPort: MetricsPort = { count };
const deps = new ContainerDeps(logger, () => createWorkerDeps(loadConfig(process.env), logger, metricsPort));

/** Test seam: build the Lambda's dependencies with some collaborators replaced. */
export function configureWorker(
  env: Readonly<Record<string, string | undefined>>,
  overrides: WorkerOverrides = {},
): void {
  deps.set(createWorkerDeps(loadConfig(env), logger, metricsPort, overrides));
}

/** The payout worker's Lambda entry point: SQS batch in, `batchItemFailures` out. */
export const handler = middy(createBatchHandler(() => deps.get(), logger))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  // A direct invocation {"action":"checkCredentials",...} (npm run rotate-secret) is answered here instead.
  .use(credentialCheckMode(logger, process.env));
