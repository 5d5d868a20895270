import { isFinalStatus } from '#shared/coindirect/statuses.ts';
import { describeError } from '#shared/describe-error.ts';
import { isWatched, type LifecycleLedger } from '#shared/ledger/lifecycle-ledger.ts';
import type { PendingEvent } from '#shared/ledger/pending-events.ts';
import type { LedgerRecord } from '#shared/ledger/record.ts';
import { LIFECYCLE_METRIC } from './metrics.ts';
import { applySummary, type StatusSyncDeps } from './status-sync.ts';

export interface SweepDeps extends Omit<StatusSyncDeps, 'ledger'> {
  readonly ledger: Pick<LifecycleLedger, 'get' | 'advanceStatus' | 'openRecords' | 'clearPendingEvents'>;
  /** A SUBMITTED payout not final this long after submission is re-read at Coindirect, and stuck if still not final. */
  readonly stuckAfterMs: number;
  /** Markers younger than this are left to the writer that recorded them (it is publishing them right now). */
  readonly eventGraceMs: number;
  /** Time left in the invocation; no new item is started when less than `reserveMs` remains. */
  readonly remainingTimeMs?: () => number;
  readonly reserveMs?: number;
}

/** A payout still not final after the configured age. */
export interface StuckPayout {
  readonly reference: string;
  readonly uuid: string | undefined;
  /** Coindirect's status as last known ('unknown' when it could not be read). */
  readonly status: string;
  readonly submittedAt: string;
}

export interface SweepReport {
  readonly examined: number;
  readonly republished: number;
  /** Markers past the grace period that could not be published this time either. */
  readonly unpublished: number;
  readonly advanced: number;
  readonly stuck: readonly StuckPayout[];
  /** Open items not looked at because the invocation ran out of time (the next sweep takes them). */
  readonly skipped: number;
  /** Open items whose handling failed (logged, counted); the next sweep tries them again. */
  readonly failed: number;
}

/**
 * One pass over the ledger's open-payouts index: publishes event markers a crash or an EventBridge outage
 * left behind; re-reads at Coindirect every SUBMITTED payout not final after `stuckAfterMs` and records
 * what it finds (forward only, as a webhook would), covering missed webhooks; and reports the payouts
 * still not final (an account with approvals on leaves them PENDING), emitting `StuckPayouts` every run
 * (zero included) so the alarm sees data.
 */
export async function sweepOpenPayouts(deps: SweepDeps): Promise<SweepReport> {
  const now = (deps.clock ?? Date.now)();
  let examined = 0;
  let republished = 0;
  let unpublished = 0;
  let advanced = 0;
  let skipped = 0;
  let failed = 0;
  const stuck: StuckPayout[] = [];

  for await (const record of deps.ledger.openRecords()) {
    if (deps.remainingTimeMs && deps.remainingTimeMs() < (deps.reserveMs ?? 0)) {
      skipped++;
      continue;
    }
    examined++;
    try {
      const item = await sweepOne(record, now, deps);
      republished += item.republished;
      unpublished += item.unpublished;
      if (item.advanced) advanced++;
      if (item.stuck !== undefined) stuck.push(item.stuck);
    } catch (error) {
      // One bad item (a throttle, an unreadable record) must not stop the sweep of all the others.
      failed++;
      deps.logger.error('sweep could not handle an open item; going on with the others', {
        reference: record.reference,
        error: describeError(error),
      });
    }
  }

  if (failed > 0) deps.metrics.count(LIFECYCLE_METRIC.sweepItemFailed, failed);
  deps.metrics.count(LIFECYCLE_METRIC.stuckPayouts, stuck.length);
  deps.metrics.count(LIFECYCLE_METRIC.unpublishedEvents, unpublished);
  for (const payout of stuck) {
    deps.logger.warn('payout not final after the configured age', { ...payout });
  }
  return { examined, republished, unpublished, advanced, stuck, skipped, failed };
}

interface ItemResult {
  readonly republished: number;
  readonly unpublished: number;
  readonly advanced: boolean;
  readonly stuck?: StuckPayout;
}

/** Publishes what is due for one open item, and re-reads it at Coindirect when it is watched and old. */
async function sweepOne(record: LedgerRecord, now: number, deps: SweepDeps): Promise<ItemResult> {
  let republished = 0;
  let unpublished = 0;
  const due = (record.pendingEvents ?? []).filter((event) => olderThan(event, now - deps.eventGraceMs));
  if (due.length > 0) {
    const report = await deps.events.publish(record.reference, due);
    republished = report.published.length;
    unpublished = report.failed.length;
  }
  if (isWatched(record)) {
    const ageMs = now - (record.openSince ?? now);
    if (ageMs < deps.stuckAfterMs) return { republished, unpublished, advanced: false };
    const outcome = await recheck(record, deps);
    return {
      republished,
      unpublished,
      advanced: outcome.advanced,
      ...(outcome.final ? {} : { stuck: stuckEntry(record, outcome.status) }),
    };
  }
  if (due.length === 0 && (record.pendingEvents ?? []).length === 0) {
    // Nothing left to do for it: take it out of the index.
    await deps.ledger.clearPendingEvents(record.reference, []);
  }
  return { republished, unpublished, advanced: false };
}

async function recheck(
  record: LedgerRecord,
  deps: SweepDeps,
): Promise<{ readonly advanced: boolean; readonly final: boolean; readonly status: string }> {
  const known = record.coindirectStatus ?? 'unknown';
  if (record.uuid === undefined) return { advanced: false, final: false, status: known };
  const read = await deps.coindirect.getPayout(record.uuid);
  if (read.kind !== 'found') {
    deps.logger.warn('could not re-read an open payout at Coindirect', {
      reference: record.reference,
      uuid: record.uuid,
      outcome: read.kind,
    });
    return { advanced: false, final: false, status: known };
  }
  const outcome = await applySummary(record, read.payout, deps);
  const status = read.payout.status ?? known;
  // `unchanged` at a final status: a webhook recorded it between the index read and this one.
  const recorded = outcome.kind === 'advanced' || outcome.kind === 'unchanged';
  return { advanced: outcome.kind === 'advanced', final: recorded && isFinalStatus(status), status };
}

function stuckEntry(record: LedgerRecord, status: string): StuckPayout {
  return {
    reference: record.reference,
    uuid: record.uuid,
    status,
    submittedAt: new Date(record.openSince ?? 0).toISOString(),
  };
}

function olderThan(event: PendingEvent, cutoffMs: number): boolean {
  const at = typeof event.detail.occurredAt === 'string' ? Date.parse(event.detail.occurredAt) : Number.NaN;
  // A marker without a readable time is published rather than kept forever.
  return Number.isNaN(at) || at <= cutoffMs;
}
