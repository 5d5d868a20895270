import { Duration, Validations } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { WORKER_METRICS } from './payout-worker-function.ts';

export interface PayoutAlarmsProps {
  readonly queue: IQueue;
  readonly deadLetterQueue: IQueue;
  readonly workerFunction: IFunction;
  /** Receives every alarm and its return to OK (the subscription must be confirmed from the mail). */
  readonly email: string;
  /** Alarm when the oldest payout message has waited this long since it was sent. */
  readonly oldestMessageAge: Duration;
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * CloudWatch alarms on everything that needs an operator, sent to one SNS topic: messages in the DLQ,
 * payouts waiting too long, Lambda errors and throttles, and the worker's own failure metrics
 * (credentials rejected, configuration refused by Coindirect, insufficient funds, conflicting payouts,
 * a daily limit reached).
 */
export class PayoutAlarms extends Construct {
  readonly topic: Topic;
  readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: PayoutAlarmsProps) {
    super(scope, id);

    this.topic = new Topic(this, 'Topic', { displayName: 'Coindirect payout alarms', enforceSSL: true });
    this.topic.addSubscription(new EmailSubscription(props.email));
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry only alarm names, metrics and thresholds, no payout data or secrets; ' +
        'CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key.',
    });

    const atLeastOnce = (name: string, metric: IMetric, description: string): Alarm =>
      this.alarm(name, metric, 1, description);

    this.alarms = [
      atLeastOnce(
        'DeadLetterQueueNotEmpty',
        props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: FIVE_MINUTES,
          statistic: 'Maximum',
        }),
        'Payout messages are in the DLQ: read their reason, fix the cause, then redrive (docs/operations.md, "redrive").',
      ),
      this.alarm(
        'OldestMessageAge',
        props.queue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: 'Maximum' }),
        props.oldestMessageAge.toSeconds(),
        'A payout message has waited too long: the worker is failing, throttled, or backing off.',
      ),
      atLeastOnce(
        'WorkerErrors',
        props.workerFunction.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
        'The payout worker failed whole invocations (crash or timeout); see its log group.',
      ),
      atLeastOnce(
        'WorkerThrottles',
        props.workerFunction.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
        'The payout worker was throttled: account concurrency is exhausted.',
      ),
      atLeastOnce(
        'CredentialFailure',
        workerMetric('CredentialFailure'),
        'Coindirect rejected the HAWK key even after a secret refetch (401): the key is revoked or the secret is wrong.',
      ),
      atLeastOnce(
        'ConfigurationFailure',
        workerMetric('ConfigurationFailure'),
        'Coindirect refused a payout with 403 / MER-PAY-1000: egress IP not whitelisted or key without withdrawals.',
      ),
      atLeastOnce(
        'InsufficientFunds',
        workerMetric('InsufficientFunds'),
        'The merchant wallet lacks funds (MER-PAY-2012); payouts are retried with long backoff until topped up.',
      ),
      atLeastOnce(
        'PayoutConflict',
        workerMetric('PayoutConflict'),
        'A reference was reused with different content: no second payout was made; see the ledger and the DLQ.',
      ),
      atLeastOnce(
        'DailyLimitReached',
        workerMetric('DailyLimitReached'),
        'A payout did not fit today\'s daily limit of its currency and waits for the next UTC day; see npm run limits (docs/operations.md, "limits").',
      ),
    ];
  }

  private alarm(id: string, metric: IMetric, threshold: number, description: string): Alarm {
    const alarm = new Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    alarm.addOkAction(new SnsAction(this.topic));
    return alarm;
  }
}

function workerMetric(metricName: string): Metric {
  return new Metric({
    namespace: WORKER_METRICS.namespace,
    metricName,
    dimensionsMap: { service: WORKER_METRICS.serviceName },
    statistic: 'Sum',
    period: FIVE_MINUTES,
  });
}
