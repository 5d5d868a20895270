import { Duration } from 'aws-cdk-lib';
import {
  Dashboard,
  GraphWidget,
  type IMetric,
  Metric,
  PeriodOverride,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  COINDIRECT_FAILURE_OUTCOMES,
  COINDIRECT_LATENCY_METRIC,
  COINDIRECT_OPERATION,
} from '#shared/coindirect/call-metrics.ts';
import { LIFECYCLE_METRIC } from '#shared/lifecycle/metrics.ts';
import { METRIC } from '#shared/processing/ports.ts';
import { WEBHOOK_METRIC } from '#shared/webhooks/metrics.ts';
import { LIFECYCLE_SERVICES } from './bundled-function.ts';
import { WORKER_METRICS } from './payout-worker-function.ts';

export interface PayoutDashboardProps {
  readonly environmentName: string;
  readonly queue: IQueue;
  readonly deadLetterQueue: IQueue;
  readonly workerFunction: IFunction;
  readonly receiverFunction: IFunction;
  readonly statusFunction: IFunction;
  readonly sweepFunction: IFunction;
  /** How often the sweep runs: the period of the metrics it emits once per run. */
  readonly sweepInterval: Duration;
}

const PERIOD = Duration.minutes(5);
const WIDTH = 12;
const HEIGHT = 6;

/** The dashboard's name for an environment (docs/operations.md, "Dashboard"). */
export const dashboardName = (environmentName: string): string => `CoindirectPayouts-${environmentName}`;

/**
 * One CloudWatch dashboard per environment: the payout queue and its DLQ, the worker's outcomes, Coindirect
 * latency and errors by class, throttles and credential/configuration failures, stuck payouts, webhook
 * verification failures, and the errors and duration of every function. Every metric is one the code emits
 * (shared/processing/ports.ts, shared/lifecycle/metrics.ts, shared/webhooks/metrics.ts,
 * shared/coindirect/call-metrics.ts) or one AWS publishes for SQS and Lambda.
 */
export class PayoutDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: PayoutDashboardProps) {
    super(scope, id);
    const worker = (metricName: string, label: string) =>
      emitted(WORKER_METRICS.serviceName, metricName, 'Sum', label);
    const functions = [
      ['worker', props.workerFunction],
      ['webhook receiver', props.receiverFunction],
      ['status', props.statusFunction],
      ['sweep', props.sweepFunction],
    ] as const;
    const everySweep = { period: props.sweepInterval };

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: dashboardName(props.environmentName),
      defaultInterval: Duration.hours(6),
      periodOverride: PeriodOverride.AUTO,
    });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown:
          `# Coindirect payouts (${props.environmentName})\n` +
          'What each graph shows and what to do: docs/operations.md, "Dashboard" and "Alarm runbook". ' +
          "A payout's log lines carry its `reference` and `messageId`, and `xray_trace_id` for its trace.",
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      graph(
        'Payout queue: messages waiting, and in the DLQ',
        [
          props.queue.metricApproximateNumberOfMessagesVisible({
            period: PERIOD,
            statistic: 'Maximum',
            label: 'waiting',
          }),
          props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period: PERIOD,
            statistic: 'Maximum',
            label: 'in the DLQ',
          }),
        ],
        [
          props.queue.metricApproximateAgeOfOldestMessage({
            period: PERIOD,
            statistic: 'Maximum',
            label: 'age of the oldest (s)',
          }),
        ],
      ),
      graph('Worker outcomes', [
        worker(METRIC.submitted, 'submitted'),
        worker(METRIC.duplicateDelivery, 'duplicate delivery (already submitted)'),
        worker(METRIC.rejected, 'rejected'),
        worker(METRIC.conflict, 'conflict'),
        worker(METRIC.ambiguous, 'ambiguous (looked up before any resend)'),
      ]),
    );
    this.dashboard.addWidgets(
      graph(
        'Coindirect call latency (ms), p50 and p99',
        (
          [
            [WORKER_METRICS.serviceName, COINDIRECT_OPERATION.create],
            [WORKER_METRICS.serviceName, COINDIRECT_OPERATION.lookup],
            [LIFECYCLE_SERVICES.status, COINDIRECT_OPERATION.read],
            [LIFECYCLE_SERVICES.sweep, COINDIRECT_OPERATION.read],
          ] as const
        ).flatMap(([service, operation]) =>
          ['p50', 'p99'].map(
            (statistic) =>
              new Metric({
                namespace: WORKER_METRICS.namespace,
                metricName: COINDIRECT_LATENCY_METRIC,
                dimensionsMap: { service, operation },
                statistic,
                period: PERIOD,
                label: `${operation} (${service}) ${statistic}`,
              }),
          ),
        ),
      ),
      graph(
        'Coindirect call errors by class (worker)',
        COINDIRECT_FAILURE_OUTCOMES.map(
          (outcome) =>
            new Metric({
              namespace: WORKER_METRICS.namespace,
              metricName: COINDIRECT_LATENCY_METRIC,
              dimensionsMap: { service: WORKER_METRICS.serviceName, outcome },
              statistic: 'SampleCount',
              period: PERIOD,
              label: outcome,
            }),
        ),
      ),
    );
    this.dashboard.addWidgets(
      graph('Throttles, credential and configuration failures', [
        worker(METRIC.throttled, 'Coindirect throttled (429)'),
        worker(METRIC.credentialFailure, 'credential failure (401 after a refetch)'),
        worker(METRIC.configurationFailure, 'configuration failure'),
        worker(METRIC.insufficientFunds, 'insufficient funds'),
        props.workerFunction.metricThrottles({
          period: PERIOD,
          statistic: 'Sum',
          label: 'worker Lambda throttled',
        }),
      ]),
      graph('Stuck payouts and unpublished events (each sweep)', [
        emitted(
          LIFECYCLE_SERVICES.sweep,
          LIFECYCLE_METRIC.stuckPayouts,
          'Maximum',
          'stuck payouts',
          everySweep,
        ),
        emitted(
          LIFECYCLE_SERVICES.sweep,
          LIFECYCLE_METRIC.unpublishedEvents,
          'Maximum',
          'unpublished lifecycle events',
          everySweep,
        ),
      ]),
    );
    this.dashboard.addWidgets(
      graph('Webhook verification failures', [
        emitted(LIFECYCLE_SERVICES.webhook, WEBHOOK_METRIC.badSignature, 'Sum', 'wrong signature'),
        emitted(LIFECYCLE_SERVICES.webhook, WEBHOOK_METRIC.unsigned, 'Sum', 'unsigned'),
        emitted(LIFECYCLE_SERVICES.webhook, WEBHOOK_METRIC.malformed, 'Sum', 'malformed'),
        emitted(LIFECYCLE_SERVICES.webhook, WEBHOOK_METRIC.accepted, 'Sum', 'accepted'),
      ]),
      graph(
        'Lambda errors',
        functions.map(([label, fn]) => fn.metricErrors({ period: PERIOD, statistic: 'Sum', label })),
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'Lambda duration (ms), p99',
        functions.map(([label, fn]) => fn.metricDuration({ period: PERIOD, statistic: 'p99', label })),
      ),
      graph(
        'Lambda duration (ms), average',
        functions.map(([label, fn]) => fn.metricDuration({ period: PERIOD, statistic: 'Average', label })),
      ),
    );
  }
}

function graph(title: string, left: IMetric[], right: IMetric[] = []): GraphWidget {
  return new GraphWidget({ title, left, right, width: WIDTH, height: HEIGHT });
}

/** A metric the functions emit, in the project's namespace with their `service` dimension. */
function emitted(
  service: string,
  metricName: string,
  statistic: string,
  label: string,
  options: { readonly period?: Duration } = {},
): Metric {
  return new Metric({
    namespace: LIFECYCLE_SERVICES.namespace,
    metricName,
    dimensionsMap: { service },
    statistic,
    period: options.period ?? PERIOD,
    label,
  });
}
