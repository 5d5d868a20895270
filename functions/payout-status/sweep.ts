import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { LifecycleMetricsPort } from '#shared/lifecycle/metrics.ts';
import { type SweepDeps, type SweepReport, sweepOpenPayouts } from '#shared/lifecycle/sweep.ts';
import type { LoggerPort } from '#shared/processing/ports.ts';
import { ContainerDeps, lambdaPowertools } from '../lambda-runtime.ts';
import { loadStatusConfig, type StatusConfig } from './config.ts';
import { createStatusDeps, type StatusOverrides } from './deps.ts';

/** Time kept back at the end of an invocation so an item already started can finish (one read + writes). */
const RESERVE_MS = 20_000;

export type ReadySweepDeps = Omit<SweepDeps, 'remainingTimeMs' | 'reserveMs'>;

/** The scheduled sweep around ready dependencies (tests inject theirs here); the event is not read. */
export function createSweepHandler(deps: () => ReadySweepDeps) {
  return async (
    _event: unknown,
    context: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<SweepReport> => {
    const ready = deps();
    const report = await sweepOpenPayouts({
      ...ready,
      remainingTimeMs: () => context.getRemainingTimeInMillis(),
      reserveMs: RESERVE_MS,
    });
    ready.logger.info('sweep done', {
      examined: report.examined,
      republished: report.republished,
      unpublished: report.unpublished,
      advanced: report.advanced,
      stuck: report.stuck.length,
      skipped: report.skipped,
    });
    return report;
  };
}

const { logger, metrics, count, coindirectCall } = lambdaPowertools('payout-sweep');
const metricsPort: LifecycleMetricsPort = { count, coindirectCall };

/** The sweep's dependencies from a validated config (`npm start` passes clients pointed at moto). */
export function buildSweepDeps(
  config: StatusConfig,
  log: LoggerPort,
  metricsOut: LifecycleMetricsPort,
  overrides: StatusOverrides = {},
): ReadySweepDeps {
  return {
    ...createStatusDeps(config, log, metricsOut, overrides),
    stuckAfterMs: config.stuckAfterMs,
    eventGraceMs: config.eventGraceMs,
  };
}
const deps = new ContainerDeps(logger, () =>
  buildSweepDeps(loadStatusConfig(process.env), logger, metricsPort),
);

/** The stuck-payout sweep's Lambda entry point, run on a schedule (hourly by default). */
export const handler = middy(createSweepHandler(() => deps.get()))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
