import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { LIFECYCLE_SERVICES } from './bundled-function.ts';

export interface LifecycleAlarmsProps {
  /** The worker stack's alarm topic: one subscription for every alarm. */
  readonly topic: ITopic;
  readonly statusDeadLetterQueue: IQueue;
  readonly receiverFunction: IFunction;
  readonly statusFunction: IFunction;
  readonly sweepFunction: IFunction;
  /** How often the sweep runs: the period of the metrics it emits once per run. */
  readonly sweepInterval: Duration;
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * Alarms on what the lifecycle needs an operator for: payouts still not final after the configured age,
 * events the sweep could not publish, status messages in their DLQ, failing status/sweep functions, and a
 * receiver refusing signatures or failing (a wrong webhook secret or registered URL looks like this).
 */
export class LifecycleAlarms extends Construct {
  readonly alarms: readonly Alarm[];
  readonly #topic: ITopic;

  constructor(scope: Construct, id: string, props: LifecycleAlarmsProps) {
    super(scope, id);
    this.#topic = props.topic;
    const everyRun = { period: props.sweepInterval, statistic: 'Maximum' } as const;

    this.alarms = [
      this.#alarm(
        'StuckPayouts',
        lifecycleMetric(LIFECYCLE_SERVICES.sweep, 'StuckPayouts', everyRun),
        1,
        'Payouts are SUBMITTED but still not final after lifecycle.stuckAfterMinutes, even after a re-read at ' +
          "Coindirect (approvals switched on for the account, a payout held by Coindirect, or an unexpected status). The sweep's log lists them.",
        TreatMissingData.IGNORE,
      ),
      this.#alarm(
        'UnpublishedLifecycleEvents',
        lifecycleMetric(LIFECYCLE_SERVICES.sweep, 'UnpublishedLifecycleEvents', everyRun),
        1,
        "Lifecycle events could not be put on the event bus, even by the sweep; producers are not told. Check EventBridge and the functions' permissions.",
        TreatMissingData.IGNORE,
      ),
      this.#alarm(
        'StatusDeadLetterQueueNotEmpty',
        props.statusDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: FIVE_MINUTES,
          statistic: 'Maximum',
        }),
        1,
        'Payout status updates failed repeatedly (Coindirect or the ledger unavailable); the sweep still rechecks open payouts. Redrive once fixed.',
      ),
      this.#alarm(
        'StatusFunctionErrors',
        props.statusFunction.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
        1,
        'The payout status function failed whole invocations; see its log group.',
      ),
      this.#alarm(
        'SweepErrors',
        props.sweepFunction.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
        1,
        'The stuck-payout sweep failed; stuck payouts and leftover events go unnoticed until it runs again.',
      ),
      this.#alarm(
        'WebhookSignatureInvalid',
        lifecycleMetric(LIFECYCLE_SERVICES.webhook, 'WebhookSignatureInvalid', {
          period: Duration.minutes(15),
          statistic: 'Sum',
        }),
        5,
        'Webhooks are arriving with a wrong X-Signature: the webhook secret or webhook.registeredUrl does not match what Coindirect signs, or someone is probing the URL.',
      ),
      this.#alarm(
        'WebhookServerErrors',
        props.receiverFunction.metric('Url5xxCount', { period: FIVE_MINUTES, statistic: 'Sum' }),
        1,
        'The webhook receiver answered 5xx (secret empty or unreadable, status queue unavailable, crash); Coindirect retries, but look.',
      ),
    ];
  }

  #alarm(
    id: string,
    metric: IMetric,
    threshold: number,
    description: string,
    treatMissingData = TreatMissingData.NOT_BREACHING,
  ): Alarm {
    const alarm = new Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData,
      alarmDescription: description,
    });
    alarm.addAlarmAction(new SnsAction(this.#topic));
    alarm.addOkAction(new SnsAction(this.#topic));
    return alarm;
  }
}

function lifecycleMetric(
  service: string,
  metricName: string,
  options: { readonly period: Duration; readonly statistic: string },
): Metric {
  return new Metric({
    namespace: LIFECYCLE_SERVICES.namespace,
    metricName,
    dimensionsMap: { service },
    ...options,
  });
}
