import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { PAYOUT_METRICS_NAMESPACE } from '#shared/deployment/metrics.ts';

/**
 * One function's Powertools logger and EMF metrics, named from `POWERTOOLS_SERVICE_NAME` (default: the
 * function's own name) in `METRICS_NAMESPACE` (default {@link PAYOUT_METRICS_NAMESPACE}), plus a `count`
 * that fits the domain's metrics ports.
 */
export function lambdaPowertools(
  defaultService: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
) {
  const serviceName = env.POWERTOOLS_SERVICE_NAME ?? defaultService;
  const logger = new Logger({ serviceName });
  const metrics = new Metrics({ namespace: env.METRICS_NAMESPACE ?? PAYOUT_METRICS_NAMESPACE, serviceName });
  const count = (name: string, value = 1): void => {
    metrics.addMetric(name, MetricUnit.Count, value);
  };
  return { logger, metrics, count };
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
