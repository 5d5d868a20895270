import type { CoindirectCallObserver } from '#shared/coindirect/call-metrics.ts';
import type { CoindirectClient } from '#shared/coindirect/client.ts';
import type { Ledger } from '#shared/ledger/ledger.ts';
import { LIFECYCLE_METRIC } from '#shared/lifecycle/metrics.ts';

/** Metric names the worker emits (CloudWatch EMF, namespace from config); the alarms in infra/ watch these. */
export const METRIC = {
  submitted: 'PayoutSubmitted',
  rejected: 'PayoutRejected',
  conflict: 'PayoutConflict',
  credentialFailure: 'CredentialFailure',
  configurationFailure: 'ConfigurationFailure',
  insufficientFunds: 'InsufficientFunds',
  throttled: 'Throttled',
  ambiguous: 'AmbiguousOutcome',
  duplicateDelivery: 'DuplicateDelivery',
  /** Records sent back to the queue unsent because payouts are paused (`npm run pause`). */
  paused: 'PausedRecords',
  /** A payout did not fit today's limit of its currency (PAYOUT_DAILY_LIMITS) and waits for the next day. */
  dailyLimitReached: 'DailyLimitReached',
  /** Retry backoffs SQS did not take (after one retry): those messages return at the queue's own timeout. */
  visibilityChangeFailed: 'VisibilityChangeFailed',
  /** Lifecycle events the worker put on the bus / could not (their markers wait for the sweep). */
  eventsPublished: LIFECYCLE_METRIC.eventsPublished,
  eventPublishFailed: LIFECYCLE_METRIC.eventPublishFailed,
} as const;
export type MetricName = (typeof METRIC)[keyof typeof METRIC];

export interface MetricsPort {
  count(name: MetricName, value?: number): void;
  /** Records each Coindirect call's latency and outcome class (`CoindirectLatency`); absent: not recorded. */
  readonly coindirectCall?: CoindirectCallObserver;
}

/** The structured-logger surface the domain uses; Powertools' Logger satisfies it. */
export interface LoggerPort {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

export type LedgerPort = Pick<
  Ledger,
  'claim' | 'markSendAttempted' | 'complete' | 'release' | 'recordInvalid' | 'noteConflict'
>;

/** The daily-limit counters (shared/ledger/daily-limits.ts), kept in the ledger table. */
export type DailyLimitLedgerPort = Pick<Ledger, 'reserveDailyAmount' | 'releaseDailyAmount' | 'dailyTotal'>;

export type CoindirectPort = Pick<CoindirectClient, 'createPayout' | 'findPayoutByReference'>;
