import type { CreateOutcome, FailureOutcome } from '#shared/coindirect/classify.ts';
import type { CallBudget } from '#shared/coindirect/client.ts';
import type { Pacer } from '#shared/coindirect/pacer.ts';
import { differencesFrom } from '#shared/coindirect/reconcile.ts';
import type { PayoutSummary } from '#shared/coindirect/responses.ts';
import { describeError } from '#shared/describe-error.ts';
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
import { type DailyLimitDeps, holdDailyLimit, releaseDailyLimit } from './daily-limit.ts';
import { type PauseSwitchPort, pausedRetry, releasePaused } from './pause-switch.ts';
import { type CoindirectPort, type LedgerPort, type LoggerPort, METRIC, type MetricsPort } from './ports.ts';
import { AWS_CALL_BUDGET_MS, sendReserveMs } from './time-budget.ts';

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
   * `RESEND_SETTLE_SECONDS` in ms: a reference that may have been sent is POSTed again only after a lookup
   * by reference, made at least this long after the last maybe-sent attempt, finds nothing.
   */
  readonly resendSettleMs: number;
  /** `HTTP_TIMEOUT_MS`: the lease must stay valid this long after `sendAttempted` is written. */
  readonly httpTimeoutMs: number;
  /** `LEASE_SECONDS` in ms: a claim is refused when the invocation could outlive its lease. */
  readonly leaseMs: number;
  /** Time left in the invocation; unbounded when absent (tools, tests). */
  readonly remainingTimeMs?: () => number;
  /**
   * Lifecycle events (PayoutSubmitted/Rejected/Conflict). When set, each ledger transition records its
   * event in the same conditional write, and the event is published after it; publishing can never fail
   * or retry a payout (a marker left behind is published by the sweep). Absent: no events, no markers.
   */
  readonly events?: LifecycleEventsPort;
  /** Time of the events, of the settle rule and of the day a daily limit counts. Default `Date.now`. */
  readonly clock?: () => number;
  /**
   * The container's Coindirect request pacer, the one its client uses (shared/coindirect/pacer.ts). With
   * it, a record whose create could get no request slot before the deadline is not claimed, or is
   * released uncounted: back to the queue with no attempt counted and nothing sent. Absent: no pacing.
   */
  readonly pacer?: Pacer;
  /** The kill switch (`npm run pause`), checked before the claim and before the POST. Absent: never paused. */
  readonly pauseSwitch?: PauseSwitchPort;
  /** Daily limits per price currency (shared/processing/daily-limit.ts). Absent: no daily limits. */
  readonly dailyLimits?: DailyLimitDeps;
  /** Told the message's reference as soon as it is read (processBatch adds it to the record's log keys). */
  readonly noteReference?: (reference: string) => void;
}

const RETRY_FOR: Readonly<Record<FailureOutcome['kind'], RetryCause>> = {
  unauthorized: 'credentials',
  configuration: 'configuration',
  throttled: 'throttled',
  ambiguous: 'ambiguous',
  unreachable: 'unavailable',
  outOfTime: 'outOfTime',
};

/** One claimed attempt: who holds the lease, and what the claim said about earlier attempts. */
interface Attempt {
  readonly payout: ValidPayout;
  readonly owner: string;
  readonly messageId: string;
  /** Set when an earlier attempt may have sent a POST: when the last such POST was made (epoch ms). */
  readonly lastSendAttemptAt: number | undefined;
  readonly budget: CallBudget | undefined;
}

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
  const reference = parsed.ok ? parsed.payout.reference : parsed.reference;
  if (reference !== undefined) deps.noteReference?.(reference);
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
      if (
        await deps.ledger.recordInvalid({
          reference,
          messageId: delivery.messageId,
          reasonCode: 'INVALID_MESSAGE',
          reason,
          events,
        })
      ) {
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
  const timeLeft = deps.remainingTimeMs?.();
  if (timeLeft !== undefined && deps.leaseMs < timeLeft) {
    // A lease that could lapse while this invocation still works would let another delivery POST too.
    deps.metrics.count(METRIC.configurationFailure);
    return {
      kind: 'retry',
      reference,
      cause: 'configuration',
      reason: `LEASE_SECONDS (${deps.leaseMs / 1000} s) is shorter than the invocation's time left (${Math.ceil(timeLeft / 1000)} s): set it above the function timeout`,
    };
  }
  // Checked before the claim, so a record that could not be sent in time costs no ledger write.
  const noSlot = noSlotInTime(deps, reference, AWS_CALL_BUDGET_MS, 'before the claim');
  if (noSlot !== undefined) return noSlot;
  // Paused: not even claimed, so the record goes back exactly as it came (shared/processing/pause-switch.ts).
  const paused = await pausedRetry(deps, reference);
  if (paused !== undefined) return paused;
  const owner = deps.ownerToken(delivery);
  const claim = await deps.ledger.claim({
    payout,
    digest: payoutDigest(payout),
    owner,
    messageId: delivery.messageId,
  });
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
  const attempt: Attempt = {
    payout,
    owner,
    messageId: delivery.messageId,
    lastSendAttemptAt: claim.mustReconcile ? claim.lastSendAttemptAt : undefined,
    budget: deps.remainingTimeMs === undefined ? undefined : { timeLeftMs: deps.remainingTimeMs },
  };
  try {
    return await submitClaimed(attempt, deps);
  } catch (error) {
    // The outcome is unknown to us but the ledger says so (sendAttempted): whoever retries looks it up first.
    deps.logger.error('unexpected error while processing a payout', {
      reference,
      error: describeError(error),
    });
    await deps.ledger.release({ reference, owner, lastError: 'unexpected error' }).catch(() => false);
    return { kind: 'retry', reference, cause: 'unavailable', reason: 'unexpected error' };
  }
}

async function submitClaimed(attempt: Attempt, deps: ProcessorDeps): Promise<DeliveryOutcome> {
  const { payout, owner } = attempt;
  const { reference } = payout;
  if (attempt.lastSendAttemptAt !== undefined) {
    // An earlier POST may have reached Coindirect: only a settled lookup that finds nothing allows another.
    const lookedAt = now(deps);
    const found = await deps.coindirect.findPayoutByReference(payout.merchantId, reference, attempt.budget);
    if (found.kind === 'found') return settleExisting(attempt, found.payout, deps);
    if (found.kind !== 'notFound') {
      return retryAfterFailure(found, attempt, deps, 'lookup before resend', { beforeAnyPost: true });
    }
    const settledAt = attempt.lastSendAttemptAt + deps.resendSettleMs;
    if (lookedAt < settledAt) {
      return waitForSettledLookup(attempt, deps, settledAt, 'an earlier attempt may have sent it');
    }
  }

  const timeLeft = deps.remainingTimeMs?.();
  const needed = sendReserveMs({ httpTimeoutMs: deps.httpTimeoutMs });
  if (timeLeft !== undefined && timeLeft < needed) {
    // The POST must get its full timeout and its result must be recorded: leave it to a fresh invocation.
    await deps.ledger.release({
      reference,
      owner,
      lastError: 'not sent: too little time left in the invocation',
    });
    return { kind: 'retry', reference, cause: 'outOfTime', reason: 'not sent: too little time left' };
  }
  // Pause: paused since the claim (within the flag's cache age), so the claim is given back, attempt undone.
  const pausedNow = await pausedRetry(deps, reference);
  if (pausedNow !== undefined) return releasePaused(deps.ledger, { reference, owner }, pausedNow);
  // Daily limit: the amount is reserved for today before any POST can go out, or the payout waits.
  const overLimit = await holdDailyLimit(payout, owner, deps);
  if (overLimit !== undefined) return overLimit;
  // A payout whose create could not get a request slot in time goes back to the queue before
  // `sendAttempted` is written: marked as never sent, with the attempt not counted. The slot itself is
  // taken by the client right before the POST, so the pace holds for the requests as Coindirect sees them.
  const noSlotNow = noSlotInTime(deps, reference, 0, 'before the create');
  if (noSlotNow !== undefined) {
    await deps.ledger.release({ reference, owner, lastError: noSlotNow.reason, undoAttempt: true });
    return noSlotNow;
  }

  if (!(await deps.ledger.markSendAttempted({ reference, owner, leaseValidForMs: deps.httpTimeoutMs }))) {
    // Either the lease is gone (another delivery finishes the job) or too little of it is left to send.
    if (await deps.ledger.release({ reference, owner, lastError: 'lease too short to send' })) {
      return { kind: 'retry', reference, cause: 'busy', reason: 'the lease would lapse during the POST' };
    }
    return { kind: 'superseded', reference };
  }

  const created: CreateOutcome = await deps.coindirect.createPayout(payout, attempt.budget);
  switch (created.kind) {
    case 'created':
      return settleCreated(attempt, created.payout, deps);
    case 'duplicateReference':
      return lookUpAfterRefusal(attempt, deps, `Coindirect reports ${created.code}`);
    case 'rejected': {
      const reason = `Coindirect rejected the payout: ${created.message || created.code}`;
      if (attempt.lastSendAttemptAt !== undefined || created.namesReference) {
        // The refusal may be about a payout an earlier POST made: never "not paid" from a code alone.
        return lookUpAfterRefusal(attempt, deps, `Coindirect refused it with ${created.code}`);
      }
      return finishRejected(attempt, deps, created.code, reason);
    }
    case 'insufficientFunds':
      deps.metrics.count(METRIC.insufficientFunds);
      await deps.ledger.release({ reference, owner, lastError: `insufficient funds (${created.code})` });
      return {
        kind: 'retry',
        reference,
        cause: 'insufficientFunds',
        reason: `insufficient funds (${created.code})`,
      };
    default:
      return retryAfterFailure(created, attempt, deps, 'create');
  }
}

/**
 * Coindirect refused the POST in a way that may mean the reference is already paid: look it up now; if
 * the search does not show it (yet), wait for a settled lookup rather than conclude anything.
 */
async function lookUpAfterRefusal(
  attempt: Attempt,
  deps: ProcessorDeps,
  refusal: string,
): Promise<DeliveryOutcome> {
  const { payout } = attempt;
  const found = await deps.coindirect.findPayoutByReference(
    payout.merchantId,
    payout.reference,
    attempt.budget,
  );
  if (found.kind === 'found') return settleExisting(attempt, found.payout, deps);
  if (found.kind !== 'notFound') return retryAfterFailure(found, attempt, deps, `lookup after: ${refusal}`);
  return waitForSettledLookup(
    attempt,
    deps,
    now(deps) + deps.resendSettleMs,
    `${refusal}, but the search finds no payout under the reference`,
  );
}

/** Back to the queue until a lookup made at `settledAt` can say whether the payout exists. */
async function waitForSettledLookup(
  attempt: Attempt,
  deps: ProcessorDeps,
  settledAt: number,
  why: string,
): Promise<DeliveryOutcome> {
  const { reference } = attempt.payout;
  const waitSeconds = Math.max(1, Math.ceil((settledAt - now(deps)) / 1000));
  const reason = `${why}; looking it up again in ${waitSeconds} s, once Coindirect's search has settled`;
  deps.metrics.count(METRIC.ambiguous);
  await deps.ledger.release({ reference, owner: attempt.owner, lastError: reason });
  return { kind: 'retry', reference, cause: 'ambiguous', reason, atLeastSeconds: waitSeconds };
}

async function finishRejected(
  attempt: Attempt,
  deps: ProcessorDeps,
  code: string,
  reason: string,
): Promise<DeliveryOutcome> {
  const { payout, owner, messageId } = attempt;
  const { reference } = payout;
  // Coindirect definitively refused it: nothing was paid, so today's limit gets the amount back.
  await releaseDailyLimit(reference, owner, deps);
  const events = eventsFor(deps, (at) => [
    rejectedEvent({ reference, messageId, reasonCode: code, reason, payout }, at),
  ]);
  if (
    !(await deps.ledger.complete({
      reference,
      owner,
      completion: { state: 'REJECTED', reasonCode: code, reason },
      events,
    }))
  ) {
    return { kind: 'superseded', reference };
  }
  await announce(deps, reference, events);
  deps.metrics.count(METRIC.rejected);
  return { kind: 'rejected', reference, code, reason };
}

async function settleCreated(
  attempt: Attempt,
  summary: PayoutSummary,
  deps: ProcessorDeps,
): Promise<DeliveryOutcome> {
  const { payout, owner } = attempt;
  const { reference } = payout;
  const completion = {
    state: 'SUBMITTED' as const,
    uuid: summary.uuid,
    ...(summary.status ? { coindirectStatus: summary.status } : {}),
  };
  const events = eventsFor(deps, (at) => submittedEvents(payout, summary, at));
  if (!(await deps.ledger.complete({ reference, owner, completion, events }))) {
    // Another delivery took over while our POST was in flight; it will find this payout by reference.
    deps.logger.warn('lease lost after a successful create', { reference, uuid: summary.uuid });
  } else {
    await announce(deps, reference, events);
  }
  deps.metrics.count(METRIC.submitted);
  return { kind: 'submitted', reference, uuid: summary.uuid, duplicate: false };
}

/**
 * A payout already exists under the reference: the same content (compared in canonical forms) is an
 * idempotent success; anything else is a CONFLICT that keeps Coindirect's uuid, so it is still followed.
 */
async function settleExisting(
  attempt: Attempt,
  summary: PayoutSummary,
  deps: ProcessorDeps,
): Promise<DeliveryOutcome> {
  const { payout, owner } = attempt;
  const { reference } = payout;
  const differences = differencesFrom(payout, summary);
  if (differences.length === 0) return settleCreated(attempt, summary, deps);
  const reason = `Coindirect already holds payout ${summary.uuid} under this reference with different content: ${differences.join('; ')}`;
  const events = eventsFor(deps, (at) => [conflictEvent(payout, 'REFERENCE_CONFLICT', reason, at)]);
  const completion = {
    state: 'CONFLICT' as const,
    reasonCode: 'REFERENCE_CONFLICT',
    reason,
    uuid: summary.uuid,
    ...(summary.status ? { coindirectStatus: summary.status } : {}),
  };
  if (!(await deps.ledger.complete({ reference, owner, completion, events }))) {
    return { kind: 'superseded', reference };
  }
  await announce(deps, reference, events);
  deps.metrics.count(METRIC.conflict);
  return { kind: 'conflict', reference, reason };
}

async function retryAfterFailure(
  failure: FailureOutcome,
  attempt: Attempt,
  deps: ProcessorDeps,
  step: string,
  { beforeAnyPost = false }: { readonly beforeAnyPost?: boolean } = {},
): Promise<DeliveryOutcome> {
  const { reference } = attempt.payout;
  const paced = failure.kind === 'outOfTime' && failure.paced === true;
  const cause = paced ? 'paced' : RETRY_FOR[failure.kind];
  const reason = `${step}: ${failureText(failure)}`;
  if (paced && beforeAnyPost) {
    // No request slot came in time and this attempt has POSTed nothing: it does not count.
    await deps.ledger.release({ reference, owner: attempt.owner, lastError: reason, undoAttempt: true });
    return { kind: 'retry', reference, cause, reason };
  }
  if (failure.kind === 'unauthorized') deps.metrics.count(METRIC.credentialFailure);
  if (failure.kind === 'configuration') deps.metrics.count(METRIC.configurationFailure);
  if (failure.kind === 'throttled') deps.metrics.count(METRIC.throttled);
  if (failure.kind === 'ambiguous') deps.metrics.count(METRIC.ambiguous);
  await deps.ledger.release({ reference, owner: attempt.owner, lastError: reason });
  // After a POST that may have landed, nothing can be decided before the search settles.
  const settleSeconds = failure.kind === 'ambiguous' ? Math.ceil(deps.resendSettleMs / 1000) : 0;
  const floor = Math.max(settleSeconds, failure.kind === 'throttled' ? (failure.retryAfterSeconds ?? 0) : 0);
  return { kind: 'retry', reference, cause, reason, ...(floor > 0 ? { atLeastSeconds: floor } : {}) };
}

/**
 * Back to the queue for want of a request slot when the create's slot would come later than the time left
 * allows: after `beforeSendMs` more work, the POST still needs its full reserve (sendReserveMs). The time
 * left is read now, after whatever the earlier steps spent. Undefined without a pacer or a deadline.
 */
function noSlotInTime(
  deps: ProcessorDeps,
  reference: string,
  beforeSendMs: number,
  step: string,
): Extract<DeliveryOutcome, { kind: 'retry' }> | undefined {
  const timeLeft = deps.remainingTimeMs?.();
  if (deps.pacer === undefined || timeLeft === undefined) return undefined;
  const delayMs = deps.pacer.delayMs();
  const reserveMs = beforeSendMs + sendReserveMs({ httpTimeoutMs: deps.httpTimeoutMs });
  return delayMs > timeLeft - reserveMs ? pacedOut(reference, delayMs, step) : undefined;
}

/** Back to the queue for want of a request slot, due in about `delayMs`; nothing was sent. */
function pacedOut(
  reference: string,
  delayMs: number,
  step: string,
): Extract<DeliveryOutcome, { kind: 'retry' }> {
  const waitSeconds = Math.max(1, Math.ceil(delayMs / 1000));
  return {
    kind: 'retry',
    reference,
    cause: 'paced',
    reason: `${step}: not sent: no Coindirect request slot before the invocation's deadline (pacing, next in ${waitSeconds} s)`,
    atLeastSeconds: waitSeconds,
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
    case 'outOfTime':
      return failure.detail;
  }
}

function now(deps: ProcessorDeps): number {
  return (deps.clock ?? Date.now)();
}

/** The events of a transition when events are on; none (and so no marker) when they are off. */
function eventsFor(deps: ProcessorDeps, build: (at: number) => PendingEvent[]): readonly PendingEvent[] {
  return deps.events === undefined ? [] : build(now(deps));
}

/** Publishes after the ledger write; whatever happens here, the payout's outcome stands. */
async function announce(
  deps: ProcessorDeps,
  reference: string,
  events: readonly PendingEvent[],
): Promise<void> {
  if (deps.events === undefined || events.length === 0) return;
  try {
    await deps.events.publish(reference, events, deps.logger);
  } catch (error) {
    deps.logger.warn('lifecycle event publishing failed; the sweep will publish it', {
      reference,
      error: describeError(error),
    });
  }
}
