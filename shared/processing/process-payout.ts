import type { CreateOutcome, FailureOutcome, LookupOutcome } from '#shared/coindirect/classify.ts';
import { differencesFrom } from '#shared/coindirect/reconcile.ts';
import type { PayoutSummary } from '#shared/coindirect/responses.ts';
import type { PendingEvent } from '#shared/ledger/pending-events.ts';
import { conflictEvent, rejectedEvent, submittedEvents } from '#shared/lifecycle/events.ts';
import type { LifecycleEventsPort } from '#shared/lifecycle/publisher.ts';
import { payoutDigest } from '#shared/payout/digest.ts';
import {
  type PayoutGuardrails,
  type PayoutIssue,
  parsePayoutMessage,
  type ValidPayout,
} from '#shared/payout/schema.ts';
import type { RetryCause } from './backoff.ts';
import { type CoindirectPort, type LedgerPort, type LoggerPort, METRIC, type MetricsPort } from './ports.ts';

/** One queue message, as the processor needs it (no Lambda event types here). */
export interface PayoutDelivery {
  readonly messageId: string;
  readonly body: string;
  /** `ApproximateReceiveCount`: 1 on the first delivery. */
  readonly receiveCount: number;
}

/** How one delivery ended. `submitted` and `superseded` are acknowledged; `rejected`/`conflict` go to the DLQ. */
export type DeliveryOutcome =
  | {
      readonly kind: 'submitted';
      readonly reference: string;
      readonly uuid: string;
      readonly duplicate: boolean;
    }
  | {
      readonly kind: 'rejected';
      readonly reference?: string;
      readonly code: string;
      readonly reason: string;
      readonly issues?: readonly PayoutIssue[];
    }
  | { readonly kind: 'conflict'; readonly reference: string; readonly reason: string }
  | {
      readonly kind: 'retry';
      readonly reference?: string;
      readonly cause: RetryCause;
      readonly reason: string;
      readonly atLeastSeconds?: number;
    }
  /** Another delivery of the same payout took the lease over; it will finish the job. */
  | { readonly kind: 'superseded'; readonly reference: string };

export interface ProcessorDeps {
  readonly ledger: LedgerPort;
  readonly coindirect: CoindirectPort;
  readonly guardrails: PayoutGuardrails;
  readonly metrics: MetricsPort;
  readonly logger: LoggerPort;
  /** A token unique to this attempt, used to fence ledger writes. */
  readonly ownerToken: (delivery: PayoutDelivery) => string;
  /**
   * Lifecycle events (PayoutSubmitted/Rejected/Conflict). When set, each ledger transition records its
   * event in the same conditional write, and the event is published after it; publishing can never fail
   * or retry a payout (a marker left behind is published by the sweep). Absent: no events, no markers.
   */
  readonly events?: LifecycleEventsPort;
  /** Time of the events. Default `Date.now`. */
  readonly clock?: () => number;
}

const RETRY_FOR: Readonly<Record<FailureOutcome['kind'], RetryCause>> = {
  unauthorized: 'credentials',
  configuration: 'configuration',
  throttled: 'throttled',
  ambiguous: 'ambiguous',
  unreachable: 'unavailable',
};

/**
 * Takes one delivery from message to final outcome: validate, claim the reference in the ledger, look
 * the payout up at Coindirect when an earlier attempt may have sent it, create it, record the result.
 * Never throws for anything a message or Coindirect can do; unexpected errors become a retry.
 */
export async function processDelivery(
  delivery: PayoutDelivery,
  deps: ProcessorDeps,
): Promise<DeliveryOutcome> {
  const parsed = parsePayoutMessage(delivery.body, deps.guardrails);
  if (!parsed.ok) {
    const reason = parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    if (parsed.reference !== undefined) {
      const { reference } = parsed;
      const events = eventsFor(deps, (at) => [
        rejectedEvent(
          { reference, messageId: delivery.messageId, reasonCode: 'INVALID_MESSAGE', reason },
          at,
        ),
      ]);
      if (await deps.ledger.recordInvalid(reference, delivery.messageId, 'INVALID_MESSAGE', reason, events)) {
        await announce(deps, reference, events);
      }
    }
    deps.metrics.count(METRIC.rejected);
    return {
      kind: 'rejected',
      code: 'INVALID_MESSAGE',
      reason,
      issues: parsed.issues,
      ...(parsed.reference === undefined ? {} : { reference: parsed.reference }),
    };
  }
  return claimAndSubmit(parsed.payout, delivery, deps);
}

async function claimAndSubmit(
  payout: ValidPayout,
  delivery: PayoutDelivery,
  deps: ProcessorDeps,
): Promise<DeliveryOutcome> {
  const { reference } = payout;
  const owner = deps.ownerToken(delivery);
  const claim = await deps.ledger.claim(payout, payoutDigest(payout), owner, delivery.messageId);
  switch (claim.kind) {
    case 'alreadySubmitted':
      deps.metrics.count(METRIC.duplicateDelivery);
      return { kind: 'submitted', reference, uuid: claim.record.uuid ?? '', duplicate: true };
    case 'busy':
      return {
        kind: 'retry',
        reference,
        cause: 'busy',
        reason: 'another delivery holds this reference',
        atLeastSeconds: Math.ceil(claim.retryInMs / 1000),
      };
    case 'conflict': {
      const reason =
        claim.record.state === 'CONFLICT'
          ? `reference is in CONFLICT: ${claim.record.reason ?? 'see ledger'}`
          : `reference already used for a payout with different content (ledger state ${claim.record.state})`;
      await deps.ledger.noteConflict(reference, reason);
      deps.metrics.count(METRIC.conflict);
      return { kind: 'conflict', reference, reason };
    }
    case 'claimed':
      break;
  }
  try {
    return await submitClaimed(payout, owner, claim.mustReconcile, delivery.messageId, deps);
  } catch (error) {
    // The outcome is unknown to us but the ledger says so (sendAttempted): whoever retries looks it up first.
    deps.logger.error('unexpected error while processing a payout', { reference, error: describe(error) });
    await deps.ledger.release(reference, owner, 'unexpected error').catch(() => false);
    return { kind: 'retry', reference, cause: 'unavailable', reason: 'unexpected error' };
  }
}

async function submitClaimed(
  payout: ValidPayout,
  owner: string,
  mustReconcile: boolean,
  messageId: string,
  deps: ProcessorDeps,
): Promise<DeliveryOutcome> {
  const { reference } = payout;
  if (mustReconcile) {
    const found = await deps.coindirect.findPayoutByReference(payout.merchantId, reference);
    if (found.kind === 'found') return settleExisting(payout, found.payout, owner, deps);
    if (found.kind !== 'notFound')
      return retryAfterFailure(found, payout, owner, deps, 'lookup before resend');
  }
  if (!(await deps.ledger.markSendAttempted(reference, owner))) return { kind: 'superseded', reference };

  const created: CreateOutcome = await deps.coindirect.createPayout(payout);
  switch (created.kind) {
    case 'created':
      return settleCreated(payout, created.payout, owner, deps);
    case 'duplicateReference': {
      const found: LookupOutcome = await deps.coindirect.findPayoutByReference(payout.merchantId, reference);
      if (found.kind === 'found') return settleExisting(payout, found.payout, owner, deps);
      if (found.kind === 'notFound') {
        await deps.ledger.release(reference, owner, 'duplicate reference but no payout found by reference');
        return {
          kind: 'retry',
          reference,
          cause: 'ambiguous',
          reason: `Coindirect reports ${created.code} but the search finds no payout`,
        };
      }
      return retryAfterFailure(found, payout, owner, deps, 'lookup after duplicate reference');
    }
    case 'rejected': {
      const reason = `Coindirect rejected the payout: ${created.message || created.code}`;
      const events = eventsFor(deps, (at) => [
        rejectedEvent({ reference, messageId, reasonCode: created.code, reason, payout }, at),
      ]);
      if (
        !(await deps.ledger.complete(
          reference,
          owner,
          { state: 'REJECTED', reasonCode: created.code, reason },
          events,
        ))
      ) {
        return { kind: 'superseded', reference };
      }
      await announce(deps, reference, events);
      deps.metrics.count(METRIC.rejected);
      return { kind: 'rejected', reference, code: created.code, reason };
    }
    case 'insufficientFunds':
      deps.metrics.count(METRIC.insufficientFunds);
      await deps.ledger.release(reference, owner, `insufficient funds (${created.code})`);
      return {
        kind: 'retry',
        reference,
        cause: 'insufficientFunds',
        reason: `insufficient funds (${created.code})`,
      };
    default:
      return retryAfterFailure(created, payout, owner, deps, 'create');
  }
}

async function settleCreated(
  payout: ValidPayout,
  summary: PayoutSummary,
  owner: string,
  deps: ProcessorDeps,
): Promise<DeliveryOutcome> {
  const { reference } = payout;
  const completion = {
    state: 'SUBMITTED' as const,
    uuid: summary.uuid,
    ...(summary.status ? { coindirectStatus: summary.status } : {}),
  };
  const events = eventsFor(deps, (at) => submittedEvents(payout, summary, at));
  if (!(await deps.ledger.complete(reference, owner, completion, events))) {
    // Another delivery took over while our POST was in flight; it will find this payout by reference.
    deps.logger.warn('lease lost after a successful create', { reference, uuid: summary.uuid });
  } else {
    await announce(deps, reference, events);
  }
  deps.metrics.count(METRIC.submitted);
  return { kind: 'submitted', reference, uuid: summary.uuid, duplicate: false };
}

/** A payout already exists under the reference: the same content is an idempotent success, anything else a CONFLICT. */
async function settleExisting(
  payout: ValidPayout,
  summary: PayoutSummary,
  owner: string,
  deps: ProcessorDeps,
): Promise<DeliveryOutcome> {
  const { reference } = payout;
  const differences = differencesFrom(payout, summary);
  if (differences.length === 0) return settleCreated(payout, summary, owner, deps);
  const reason = `Coindirect already holds payout ${summary.uuid} under this reference with different content: ${differences.join('; ')}`;
  const events = eventsFor(deps, (at) => [conflictEvent(payout, 'REFERENCE_CONFLICT', reason, at)]);
  if (
    !(await deps.ledger.complete(
      reference,
      owner,
      { state: 'CONFLICT', reasonCode: 'REFERENCE_CONFLICT', reason },
      events,
    ))
  ) {
    return { kind: 'superseded', reference };
  }
  await announce(deps, reference, events);
  deps.metrics.count(METRIC.conflict);
  return { kind: 'conflict', reference, reason };
}

async function retryAfterFailure(
  failure: FailureOutcome,
  payout: ValidPayout,
  owner: string,
  deps: ProcessorDeps,
  step: string,
): Promise<DeliveryOutcome> {
  const cause = RETRY_FOR[failure.kind];
  const reason = `${step}: ${failureText(failure)}`;
  if (failure.kind === 'unauthorized') deps.metrics.count(METRIC.credentialFailure);
  if (failure.kind === 'configuration') deps.metrics.count(METRIC.configurationFailure);
  if (failure.kind === 'throttled') deps.metrics.count(METRIC.throttled);
  if (failure.kind === 'ambiguous') deps.metrics.count(METRIC.ambiguous);
  await deps.ledger.release(payout.reference, owner, reason);
  return {
    kind: 'retry',
    reference: payout.reference,
    cause,
    reason,
    ...(failure.kind === 'throttled' && failure.retryAfterSeconds !== undefined
      ? { atLeastSeconds: failure.retryAfterSeconds }
      : {}),
  };
}

function failureText(failure: FailureOutcome): string {
  switch (failure.kind) {
    case 'unauthorized':
      return `HTTP ${failure.status} after refetching the HAWK key: the key is revoked or wrong`;
    case 'configuration':
      return `${failure.code} ${failure.message} (IP whitelist, withdrawals permission or merchant set-up)`;
    case 'throttled':
      return 'throttled (HTTP 429)';
    case 'ambiguous':
    case 'unreachable':
      return failure.detail;
  }
}

/** The events of a transition when events are on; none (and so no marker) when they are off. */
function eventsFor(deps: ProcessorDeps, build: (at: number) => PendingEvent[]): readonly PendingEvent[] {
  return deps.events === undefined ? [] : build((deps.clock ?? Date.now)());
}

/** Publishes after the ledger write; whatever happens here, the payout's outcome stands. */
async function announce(
  deps: ProcessorDeps,
  reference: string,
  events: readonly PendingEvent[],
): Promise<void> {
  if (deps.events === undefined || events.length === 0) return;
  try {
    await deps.events.publish(reference, events);
  } catch (error) {
    deps.logger.warn('lifecycle event publishing failed; the sweep will publish it', {
      reference,
      error: describe(error),
    });
  }
}

/** An error's name and message only: never a serialized object that might hold a request or a key. */
export function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : 'non-error thrown';
}
