import type { CoindirectCallObserver } from '#shared/coindirect/call-metrics.ts';

/**
 * Metric names of the payout lifecycle (CloudWatch EMF, namespace `CoindirectPayouts`); the worker emits
 * the publisher's two, the status and sweep functions the rest. The alarms in infra/ watch some of them.
 */
export const LIFECYCLE_METRIC = {
  /** Lifecycle events put on the bus. */
  eventsPublished: 'LifecycleEventsPublished',
  /** Events that could not be put on the bus; their markers stay for the sweep. */
  eventPublishFailed: 'LifecycleEventPublishFailed',
  /** A payout moved forward (PENDING → PROCESSING → COMPLETE | CANCELLED). */
  statusAdvanced: 'PayoutStatusAdvanced',
  /** A status that would not move the payout forward (late, duplicated or replayed). */
  statusUnchanged: 'PayoutStatusUnchanged',
  /** A status for a uuid or reference that is not a payout of this worker; acknowledged, nothing written. */
  unknownPayout: 'UnknownPayout',
  /** A status the lifecycle does not track (UNDERPAID, OVERPAID, EXPIRED, new ones); nothing written. */
  unexpectedStatus: 'UnexpectedPayoutStatus',
  /** SUBMITTED payouts still not final after the configured age, counted by each sweep. */
  stuckPayouts: 'StuckPayouts',
  /** Event markers older than the grace period the sweep could not publish either. */
  unpublishedEvents: 'UnpublishedLifecycleEvents',
  /** A webhook's `(uuid, status)` read in the last 24 h came again: acknowledged with no second read. */
  webhookReplayed: 'WebhookReplayed',
  /** Open items the sweep failed on (logged); the sweep went on with the others. */
  sweepItemFailed: 'SweepItemFailed',
} as const;
export type LifecycleMetricName = (typeof LIFECYCLE_METRIC)[keyof typeof LIFECYCLE_METRIC];

export interface LifecycleMetricsPort {
  count(name: LifecycleMetricName, value?: number): void;
  /** Records each Coindirect call's latency and outcome class (`CoindirectLatency`); absent: not recorded. */
  readonly coindirectCall?: CoindirectCallObserver;
}
