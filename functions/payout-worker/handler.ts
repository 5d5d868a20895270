import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse } from 'aws-lambda';
import type { MetricsPort } from '#shared/processing/ports.ts';
import { type BatchDeps, processBatch } from '#shared/processing/process-batch.ts';
import { ContainerDeps, lambdaPowertools } from '../lambda-runtime.ts';
import { parseQueuedSqsEvent, toBatchResponse } from '../sqs-records.ts';
import { loadConfig } from './config.ts';
import { credentialCheckMode } from './credential-check.ts';
import { CoindirectContainer, createWorkerDeps, type WorkerOverrides } from './worker.ts';

/** Builds the SQS batch handler around ready dependencies (tests inject theirs here). */
export function createBatchHandler(deps: () => Omit<BatchDeps, 'remainingTimeMs'>, logger: Logger) {
  return async (event: unknown, context: Context): Promise<SQSBatchResponse> => {
    const { deliveries, malformedIds } = parseQueuedSqsEvent(event);
    for (const id of malformedIds)
      logger.error('malformed SQS record; returned to the queue', { messageId: id });
    const report = await processBatch(deliveries, {
      ...deps(),
      remainingTimeMs: () => context.getRemainingTimeInMillis(),
    });
    return toBatchResponse(report, malformedIds);
  };
}

const { logger, metrics, count, coindirectCall } = lambdaPowertools('payout-worker');
const metricsPort: MetricsPort = { count, coindirectCall };
// One per container: the worker and the credential check pace their calls and correct their clock together.
const container = new CoindirectContainer();
const deps = new ContainerDeps(logger, () =>
  createWorkerDeps(loadConfig(process.env), logger, metricsPort, { container }),
);

/** Test seam: build the Lambda's dependencies with some collaborators replaced. */
export function configureWorker(
  env: Readonly<Record<string, string | undefined>>,
  overrides: WorkerOverrides = {},
): void {
  deps.set(createWorkerDeps(loadConfig(env), logger, metricsPort, { container, ...overrides }));
}

/** The payout worker's Lambda entry point: SQS batch in, `batchItemFailures` out. */
export const handler = middy(createBatchHandler(() => deps.get(), logger))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  // A direct invocation {"action":"checkCredentials",...} (npm run rotate-secret) is answered here instead.
  .use(credentialCheckMode(logger, process.env, container));
