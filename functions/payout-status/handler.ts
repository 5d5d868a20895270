import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse } from 'aws-lambda';
import * as z from 'zod/mini';
import type { LifecycleMetricsPort } from '#shared/lifecycle/metrics.ts';
import {
  processStatusBatch,
  type StatusBatchDeps,
  type StatusDelivery,
} from '#shared/lifecycle/status-batch.ts';
import { ContainerDeps, lambdaPowertools } from '../lambda-runtime.ts';
import { loadStatusConfig } from './config.ts';
import { createStatusDeps, type StatusOverrides } from './deps.ts';

const recordSchema = z.looseObject({
  messageId: z.string().check(z.minLength(1)),
  body: z.string(),
  attributes: z.looseObject({ ApproximateReceiveCount: z.string().check(z.regex(/^[0-9]+$/)) }),
});
const eventSchema = z.object({ Records: z.array(z.unknown()) });

/** Splits an SQS event into deliveries and the ids of records too malformed to read. */
export function toStatusDeliveries(event: unknown): { deliveries: StatusDelivery[]; malformedIds: string[] } {
  const parsed = eventSchema.safeParse(event);
  if (!parsed.success) throw new TypeError('not an SQS event: expected { Records: [...] }');
  const deliveries: StatusDelivery[] = [];
  const malformedIds: string[] = [];
  for (const raw of parsed.data.Records) {
    const record = recordSchema.safeParse(raw);
    if (record.success) {
      const { messageId, body, attributes } = record.data;
      deliveries.push({ messageId, body, receiveCount: Number(attributes.ApproximateReceiveCount) });
      continue;
    }
    const id = (raw as { messageId?: unknown } | null)?.messageId;
    if (typeof id !== 'string' || id === '') throw new TypeError('SQS record without a messageId');
    malformedIds.push(id);
  }
  return { deliveries, malformedIds };
}

/** The status-queue batch handler around ready dependencies (tests inject theirs here). */
export function createStatusHandler(deps: () => StatusBatchDeps) {
  return async (event: unknown): Promise<SQSBatchResponse> => {
    const { deliveries, malformedIds } = toStatusDeliveries(event);
    const report = await processStatusBatch(deliveries, deps());
    return {
      batchItemFailures: [...malformedIds, ...report.failedMessageIds].map((itemIdentifier) => ({
        itemIdentifier,
      })),
    };
  };
}

const { logger, metrics, count } = lambdaPowertools('payout-status');
const metricsPort: LifecycleMetricsPort = { count };

function buildStatusDeps(
  env: Readonly<Record<string, string | undefined>>,
  overrides: StatusOverrides = {},
): StatusBatchDeps {
  const config = loadStatusConfig(env);
  return {
    ...createStatusDeps(config, logger, metricsPort, overrides),
    unconfirmedRetries: config.unconfirmedRetries,
  };
}
const deps = new ContainerDeps(logger, () => buildStatusDeps(process.env));

/** Test seam: build the function's dependencies with some collaborators replaced. */
export function configureStatusFunction(
  env: Readonly<Record<string, string | undefined>>,
  overrides: StatusOverrides = {},
): void {
  deps.set(buildStatusDeps(env, overrides));
}

/** The status function's Lambda entry point: status-queue batch in, `batchItemFailures` out. */
export const handler = middy(createStatusHandler(() => deps.get()))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
