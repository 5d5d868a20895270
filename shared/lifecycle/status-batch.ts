import { randomUUID } from 'node:crypto';
import { statusRank } from '#shared/coindirect/statuses.ts';
import { describeError } from '#shared/describe-error.ts';
import type { WebhookMarksPort } from '#shared/ledger/webhook-marks.ts';
import { parseStatusMessage, type StatusMessage } from '#shared/webhooks/status-message.ts';
import { LIFECYCLE_METRIC } from './metrics.ts';
import { type StatusOutcome, type StatusSyncDeps, syncPayoutStatus } from './status-sync.ts';

/** One status-queue message (no Lambda event types here). */
export interface StatusDelivery {
  readonly messageId: string;
  readonly body: string;
  /** `ApproximateReceiveCount`: 1 on the first delivery. */
  readonly receiveCount: number;
}

export interface StatusBatchDeps extends StatusSyncDeps {
  /** Receives a webhook that Coindirect's read does not confirm yet is retried for; then acknowledged. */
  readonly unconfirmedRetries: number;
  /**
   * Replay protection (shared/ledger/webhook-marks.ts): a `(uuid, status)` pair read in the last 24 h is
   * acknowledged without a second read. Absent: every message is read.
   */
  readonly webhookMarks?: WebhookMarksPort;
}

/** How a status message ended: a read's outcome, a replay dropped unread, or a body that is not one. */
export type StatusMessageOutcome = StatusOutcome | 'malformed' | 'replayed';

export interface StatusBatchReport {
  /** What goes back to SQS as `batchItemFailures`: retried, and after maxReceiveCount dead-lettered. */
  readonly failedMessageIds: readonly string[];
  readonly outcomes: ReadonlyArray<{
    readonly messageId: string;
    readonly outcome: StatusMessageOutcome;
  }>;
}

/**
 * Handles a batch of status messages, each on its own: re-read at Coindirect, forward-only ledger write.
 * Messages about the same payout run one after the other (the later ones then find the ledger already
 * moved, instead of racing it), different payouts at the same time. A message fails (comes back later)
 * when Coindirect or the ledger cannot answer yet, and while the read lags the webhook (it shows an
 * earlier status, or no payout) for up to `unconfirmedRetries` receives.
 */
export async function processStatusBatch(
  deliveries: readonly StatusDelivery[],
  deps: StatusBatchDeps,
): Promise<StatusBatchReport> {
  const byPayout = new Map<string, StatusDelivery[]>();
  for (const delivery of deliveries) {
    const key = parseStatusMessage(delivery.body)?.uuid ?? `malformed:${delivery.messageId}`;
    byPayout.set(key, [...(byPayout.get(key) ?? []), delivery]);
  }
  const settled = new Map<string, { readonly outcome: StatusMessageOutcome; readonly failed: boolean }>();
  await Promise.all(
    [...byPayout.values()].map(async (group) => {
      for (const delivery of group) settled.set(delivery.messageId, await settle(delivery, deps));
    }),
  );
  const outcomes = deliveries.map((d) => ({
    messageId: d.messageId,
    ...(settled.get(d.messageId) ?? { outcome: 'malformed' as const, failed: true }),
  }));
  return {
    failedMessageIds: outcomes.filter((o) => o.failed).map((o) => o.messageId),
    outcomes: outcomes.map(({ messageId, outcome }) => ({ messageId, outcome })),
  };
}

type Settled = { readonly outcome: StatusMessageOutcome; readonly failed: boolean };

async function settle(delivery: StatusDelivery, deps: StatusBatchDeps): Promise<Settled> {
  const message = parseStatusMessage(delivery.body);
  if (message === undefined) {
    // Only the receiver writes here: a malformed message is a bug, kept (DLQ) for a look.
    deps.logger.error('malformed status message; it will reach the status DLQ', {
      messageId: delivery.messageId,
    });
    return { outcome: 'malformed', failed: true };
  }
  const marks = deps.webhookMarks;
  if (marks === undefined) return readAndApply(delivery, message, deps);
  const owner = `${delivery.messageId}#${randomUUID()}`;
  const { uuid, status } = message;
  try {
    const start = await marks.begin(uuid, status, owner);
    if (start.kind === 'seen') {
      deps.metrics.count(LIFECYCLE_METRIC.webhookReplayed);
      deps.logger.info('webhook replayed: this status was read in the last 24 h; no second read', {
        uuid,
        claimedStatus: status,
        readAt: start.readAt,
      });
      return { outcome: 'replayed', failed: false };
    }
    if (start.kind === 'busy') {
      const reason = 'another delivery of this webhook is being read';
      deps.logger.warn('status update will be retried', { uuid, reason });
      return { outcome: { kind: 'retry', uuid, reason }, failed: true };
    }
  } catch (error) {
    deps.logger.error('could not check the webhook against the replay marks', {
      uuid,
      error: describeError(error),
    });
    return { outcome: { kind: 'retry', uuid, reason: describeError(error) }, failed: true };
  }
  const settled = await readAndApply(delivery, message, deps);
  // Marked only once the read was done and confirmed the webhook; otherwise the pair may be read again.
  const confirmed =
    typeof settled.outcome !== 'string' &&
    settled.outcome.kind !== 'retry' &&
    !unconfirmed(message, settled.outcome);
  try {
    await (confirmed ? marks.done(uuid, status, owner) : marks.abandon(uuid, status, owner));
  } catch (error) {
    // The outcome stands; a lease left behind lapses (WEBHOOK_READ_LEASE_MS), a READ mark just goes unwritten.
    deps.logger.warn('could not update the replay mark', { uuid, error: describeError(error) });
  }
  return settled;
}

async function readAndApply(
  delivery: StatusDelivery,
  message: StatusMessage,
  deps: StatusBatchDeps,
): Promise<Settled> {
  let outcome: StatusOutcome;
  try {
    outcome = await syncPayoutStatus(message.uuid, deps);
  } catch (error) {
    deps.logger.error('status update failed', {
      messageId: delivery.messageId,
      uuid: message.uuid,
      error: describeError(error),
    });
    return { outcome: { kind: 'retry', uuid: message.uuid, reason: describeError(error) }, failed: true };
  }
  if (outcome.kind === 'retry') {
    deps.logger.warn('status update will be retried', { uuid: message.uuid, reason: outcome.reason });
    return { outcome, failed: true };
  }
  if (unconfirmed(message, outcome)) {
    const retry = delivery.receiveCount < deps.unconfirmedRetries;
    deps.logger.warn(
      retry
        ? 'Coindirect does not confirm the webhook yet; reading again later'
        : 'Coindirect still does not confirm the webhook; acknowledged (the sweep rechecks open payouts)',
      {
        uuid: message.uuid,
        claimedStatus: message.status,
        receiveCount: delivery.receiveCount,
        outcome: outcome.kind,
      },
    );
    return { outcome, failed: retry };
  }
  return { outcome, failed: false };
}

/** The webhook claims more than the read shows: a read replica may lag the event that sent it. */
function unconfirmed(message: StatusMessage, outcome: StatusOutcome): boolean {
  if (outcome.kind === 'notFound') return true;
  if (outcome.kind !== 'advanced' && outcome.kind !== 'unchanged') return false;
  return (statusRank(message.status) ?? 0) > (statusRank(outcome.status) ?? 0);
}
