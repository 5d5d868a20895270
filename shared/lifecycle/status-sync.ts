import type { LookupOutcome } from '#shared/coindirect/classify.ts';
import type { PayoutSummary } from '#shared/coindirect/responses.ts';
import { isFinalStatus, statusRank } from '#shared/coindirect/statuses.ts';
import type { LifecycleLedger } from '#shared/ledger/lifecycle-ledger.ts';
import type { LedgerRecord } from '#shared/ledger/record.ts';
import type { LoggerPort } from '#shared/processing/ports.ts';
import { finalStatusEvent } from './events.ts';
import { LIFECYCLE_METRIC, type LifecycleMetricsPort } from './metrics.ts';
import type { LifecycleEventsPort } from './publisher.ts';

export interface StatusSyncDeps {
  readonly ledger: Pick<LifecycleLedger, 'get' | 'advanceStatus'>;
  readonly coindirect: { getPayout(uuid: string): Promise<LookupOutcome> };
  readonly events: LifecycleEventsPort;
  readonly metrics: LifecycleMetricsPort;
  readonly logger: LoggerPort;
  readonly clock?: () => number;
}

/** What a status observation did to the ledger. Only `retry` asks for the message to come back. */
export type StatusOutcome =
  | { readonly kind: 'advanced'; readonly reference: string; readonly uuid: string; readonly status: string }
  /** The ledger is already at or past this status (late, duplicated, replayed). */
  | { readonly kind: 'unchanged'; readonly reference: string; readonly uuid: string; readonly status: string }
  /** Not a payout of this worker: unknown to the ledger, or another uuid than the ledger's. */
  | { readonly kind: 'notOurs'; readonly uuid: string; readonly reason: string; readonly reference?: string }
  /** Coindirect knows no payout with this uuid (a forged or foreign uuid, or a read that lags the webhook). */
  | { readonly kind: 'notFound'; readonly uuid: string }
  /** A status the lifecycle does not track; nothing written, the sweep keeps reporting the payout. */
  | {
      readonly kind: 'unexpectedStatus';
      readonly reference: string;
      readonly uuid: string;
      readonly status: string;
    }
  | { readonly kind: 'retry'; readonly uuid: string; readonly reason: string };

/**
 * Applies a payout summary read from Coindirect to the ledger item it belongs to (`record`, found by the
 * summary's reference): a forward-only conditional write, with PayoutCompleted/PayoutCancelled recorded
 * in the same write when the payout became final, then published.
 */
export async function applySummary(
  record: LedgerRecord | undefined,
  summary: PayoutSummary,
  deps: StatusSyncDeps,
): Promise<StatusOutcome> {
  const { uuid } = summary;
  const reference = summary.reference ?? undefined;
  const notOurs = (reason: string): StatusOutcome => {
    deps.metrics.count(LIFECYCLE_METRIC.unknownPayout);
    deps.logger.warn('payout status for a payout this worker did not make; nothing written', {
      uuid,
      reference,
      reason,
    });
    return { kind: 'notOurs', uuid, reason, ...(reference === undefined ? {} : { reference }) };
  };
  if (summary.type != null && summary.type !== 'OUT') return notOurs(`type ${summary.type}, not a payout`);
  if (reference === undefined || record === undefined) return notOurs('no ledger item for its reference');
  // The webhook can overtake the worker's own write of the create's answer: try again shortly.
  if (record.state === 'CLAIMED')
    return { kind: 'retry', uuid, reason: 'the payout is still being submitted' };
  // A CONFLICT that Coindirect holds (with its uuid) is money in flight too: it is followed like SUBMITTED.
  const followed = record.state === 'SUBMITTED' || (record.state === 'CONFLICT' && record.uuid !== undefined);
  if (!followed) return notOurs(`the ledger holds the reference as ${record.state}`);
  if (record.uuid !== uuid) {
    deps.logger.error('Coindirect reports a payout under a reference the ledger paid with another uuid', {
      reference,
      uuid,
      ledgerUuid: record.uuid,
    });
    return notOurs('the ledger holds another uuid for the reference');
  }
  const status = summary.status ?? '';
  const rank = statusRank(status);
  if (rank === undefined) {
    deps.metrics.count(LIFECYCLE_METRIC.unexpectedStatus);
    deps.logger.warn('Coindirect reports a status the lifecycle does not track; left for an operator', {
      reference,
      uuid,
      status,
    });
    return { kind: 'unexpectedStatus', reference, uuid, status };
  }
  const unchanged = (): StatusOutcome => {
    deps.metrics.count(LIFECYCLE_METRIC.statusUnchanged);
    if (rank === record.statusRank && status !== record.coindirectStatus) {
      deps.logger.error('Coindirect reports a different final status than the ledger holds; kept the first', {
        reference,
        uuid,
        ledgerStatus: record.coindirectStatus,
        status,
      });
    }
    return { kind: 'unchanged', reference, uuid, status };
  };
  if (record.statusRank !== undefined && rank <= record.statusRank) return unchanged();

  const events = isFinalStatus(status)
    ? [finalStatusEvent(record, uuid, status, (deps.clock ?? Date.now)())]
    : [];
  if (!(await deps.ledger.advanceStatus({ reference, uuid, status, rank, events }))) return unchanged();
  deps.metrics.count(LIFECYCLE_METRIC.statusAdvanced);
  deps.logger.info('payout status advanced', { reference, uuid, from: record.coindirectStatus, to: status });
  if (events.length > 0) await deps.events.publish(reference, events);
  return { kind: 'advanced', reference, uuid, status };
}

/**
 * Trust, then verify: re-reads payout `uuid` at Coindirect (`GET /api/v1/pay/{uuid}/summary`) and applies
 * what Coindirect says, whatever the webhook claimed. A uuid Coindirect does not know is not ours.
 */
export async function syncPayoutStatus(uuid: string, deps: StatusSyncDeps): Promise<StatusOutcome> {
  const read = await deps.coindirect.getPayout(uuid);
  switch (read.kind) {
    case 'found':
      return applySummary(
        read.payout.reference ? await deps.ledger.get(read.payout.reference) : undefined,
        read.payout,
        deps,
      );
    case 'notFound':
      deps.metrics.count(LIFECYCLE_METRIC.unknownPayout);
      deps.logger.warn('payout status for a uuid Coindirect does not know; nothing written', { uuid });
      return { kind: 'notFound', uuid };
    default:
      return { kind: 'retry', uuid, reason: `could not read the payout at Coindirect: ${read.kind}` };
  }
}
