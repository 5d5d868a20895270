import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse } from 'aws-lambda';
import type { LifecycleMetricsPort } from '#shared/lifecycle/metrics.ts';
import { processStatusBatch, type StatusBatchDeps } from '#shared/lifecycle/status-batch.ts';
import type { LoggerPort } from '#shared/processing/ports.ts';
import { ContainerDeps, lambdaPowertools } from '../lambda-runtime.ts';
import { parseSqsEvent, toBatchResponse } from '../sqs-records.ts';
import { loadStatusConfig, type StatusConfig } from './config.ts';
import { createStatusDeps, type StatusOverrides } from './deps.ts';

/** The status-queue batch handler around ready dependencies (tests inject theirs here). */
export function createStatusHandler(deps: () => StatusBatchDeps) {
  return async (event: unknown): Promise<SQSBatchResponse> => {
    const { deliveries, malformedIds } = parseSqsEvent(event);
    const report = await processStatusBatch(deliveries, deps());
    return toBatchResponse(report, malformedIds);
  };
}

const { logger, metrics, count, coindirectCall } = lambdaPowertools('payout-status');
const metricsPort: LifecycleMetricsPort = { count, coindirectCall };

/** The status function's dependencies from a validated config (`npm start` passes clients pointed at moto). */
export function buildStatusDeps(
  config: StatusConfig,
  log: LoggerPort,
  metricsOut: LifecycleMetricsPort,
  overrides: StatusOverrides = {},
): StatusBatchDeps {
  return {
    ...createStatusDeps(config, log, metricsOut, overrides),
    unconfirmedRetries: config.unconfirmedRetries,
  };
}
const deps = new ContainerDeps(logger, () =>
  buildStatusDeps(loadStatusConfig(process.env), logger, metricsPort),
);

/** The status function's Lambda entry point: status-queue batch in, `batchItemFailures` out. */
export const handler = middy(createStatusHandler(() => deps.get()))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
