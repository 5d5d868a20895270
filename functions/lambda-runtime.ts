import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { COINDIRECT_LATENCY_METRIC, type CoindirectCall } from '#shared/coindirect/call-metrics.ts';
import { logLevelFrom, metricsNamespaceFrom } from '#shared/config/powertools-env.ts';

/**
 * One function's Powertools logger and EMF metrics, named from `POWERTOOLS_SERVICE_NAME` (default: the
 * function's own name) in `POWERTOOLS_METRICS_NAMESPACE` (old name `METRICS_NAMESPACE`; default
 * `CoindirectPayouts`) at `POWERTOOLS_LOG_LEVEL` (old name `LOG_LEVEL`), plus what fits the domain's metrics
 * ports: `count`, and `coindirectCall` for the latency of each Coindirect call.
 */
export function lambdaPowertools(
  defaultService: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
) {
  const serviceName = env.POWERTOOLS_SERVICE_NAME || defaultService;
  const logLevel = logLevelFrom(env);
  const logger = new Logger({
    serviceName,
    ...(logLevel === undefined ? {} : { logLevel: logLevel as LogLevel }),
  });
  const namespace = metricsNamespaceFrom(env);
  const metrics = new Metrics({ namespace, serviceName });
  const count = (name: string, value = 1): void => {
    metrics.addMetric(name, MetricUnit.Count, value);
  };
  // Its own EMF line per call, in three dimension sets beside `service`: `operation` (latency percentiles per
  // operation), `outcome` (calls per outcome class) and both (the latency of, say, a throttled create).
  // Powertools warns when a key is in two sets of one line; that is the point here, so this instance's
  // logger drops that one warning (every other goes to the function's logger).
  // A second, long-lived instance flushed at once rather than `singleMetric()`, which builds a new one per
  // call (~180 µs against ~40 µs here); add and flush run without an await between them, so concurrent
  // records never share a line.
  const calls = new Metrics({ namespace, serviceName, logger: withoutRepeatedDimensionWarnings(logger) });
  const coindirectCall = (call: CoindirectCall): void => {
    calls.addDimensions({ operation: call.operation });
    calls.addDimensions({ outcome: call.outcome });
    calls.addDimensions({ operation: call.operation, outcome: call.outcome });
    calls.addMetric(COINDIRECT_LATENCY_METRIC, MetricUnit.Milliseconds, call.durationMs);
    calls.publishStoredMetrics();
  };
  return { logger, metrics, count, coindirectCall };
}

/** `logger` without Powertools Metrics' warning that a dimension key is in more than one set of a line. */
function withoutRepeatedDimensionWarnings(logger: Logger) {
  return {
    debug: (...content: unknown[]) => logger.debug(...(content as [string])),
    info: (...content: unknown[]) => logger.info(...(content as [string])),
    warn: (...content: unknown[]) => {
      const [first] = content;
      if (
        typeof first === 'string' &&
        /^EMF key ".+" is defined as both a dimension set and dimension set/.test(first)
      ) {
        return;
      }
      logger.warn(...(content as [string]));
    },
    error: (...content: unknown[]) => logger.error(...(content as [string])),
  };
}

/**
 * A function's dependencies, built once per container on first use (or set by a test seam). A build error
 * (a bad environment) is logged with its message only and rethrown: the invocation fails, so queued
 * messages stay queued and a webhook is retried by its sender.
 */
export class ContainerDeps<T> {
  readonly #logger: Logger;
  readonly #build: () => T;
  #value: T | undefined;

  constructor(logger: Logger, build: () => T) {
    this.#logger = logger;
    this.#build = build;
  }

  set(value: T): void {
    this.#value = value;
  }

  get(): T {
    if (this.#value === undefined) {
      try {
        this.#value = this.#build();
      } catch (error) {
        this.#logger.error(error instanceof Error ? error.message : 'invalid configuration');
        throw error;
      }
    }
    return this.#value;
  }
}
