// The daily-limit step of a payout (PAYOUT_DAILY_LIMITS, docs/architecture.md "Daily limits"): reserve its
// amount against today's limit of its currency right before the POST, and give the reservation back when
// Coindirect definitively refuses it. The counters are ledger items (shared/ledger/daily-limits.ts).
import { describeError } from '#shared/describe-error.ts';
import { msUntilNextUtcDay, utcDay } from '#shared/ledger/daily-limits.ts';
import type { ValidPayout } from '#shared/payout/schema.ts';
import { type DailyLimitLedgerPort, METRIC } from './ports.ts';
import type { DeliveryOutcome, ProcessorDeps } from './process-payout.ts';

/** The code at the start of `lastError` while a payout waits for the next day's limit. */
export const DAILY_LIMIT_REACHED = 'DAILY_LIMIT_REACHED';

export interface DailyLimitDeps {
  /** Price currency → the most that may be reserved per UTC day; a currency not listed is unlimited. */
  readonly limits: Readonly<Record<string, string>>;
  readonly ledger: DailyLimitLedgerPort;
}

/**
 * Reserves the claimed payout's amount against today's (UTC) limit of its currency. Returns undefined when
 * the POST may go ahead (reserved now, reserved by an earlier delivery, or no limit for the currency);
 * otherwise the outcome to return instead, with the lease already given back. A payout that does not fit
 * waits for the next UTC day in the queue, with no attempt counted; it is never dead-lettered for it.
 */
export async function holdDailyLimit(
  payout: ValidPayout,
  owner: string,
  deps: ProcessorDeps,
): Promise<DeliveryOutcome | undefined> {
  const { reference, currency, amount } = payout;
  const limits = deps.dailyLimits;
  const limit =
    limits !== undefined && Object.hasOwn(limits.limits, currency) ? limits.limits[currency] : undefined;
  if (limits === undefined || limit === undefined) return undefined;
  const at = (deps.clock ?? Date.now)();
  const day = utcDay(at);
  const held = await limits.ledger.reserveDailyAmount({ reference, owner, currency, amount, limit, day });
  switch (held.kind) {
    case 'reserved':
    case 'alreadyReserved':
      return undefined;
    case 'leaseLost':
      return { kind: 'superseded', reference };
    case 'contended': {
      const reason = `the ${currency} daily-limit counter of ${day} kept changing; trying again shortly`;
      await deps.ledger.release({ reference, owner, lastError: reason, undoAttempt: true });
      return { kind: 'retry', reference, cause: 'busy', reason };
    }
    case 'overLimit': {
      const waitSeconds = Math.ceil(msUntilNextUtcDay(at) / 1000);
      const reason = `${DAILY_LIMIT_REACHED}: ${amount} ${currency} does not fit the daily limit of ${limit} ${currency} (${held.total} reserved on ${day}); waiting for the next UTC day`;
      deps.metrics.count(METRIC.dailyLimitReached);
      await deps.ledger.release({ reference, owner, lastError: reason, undoAttempt: true });
      return { kind: 'retry', reference, cause: 'dailyLimit', reason, atLeastSeconds: waitSeconds };
    }
  }
}

/**
 * Gives back the payout's reservation after Coindirect definitively refused it (the lease holder only).
 * Never throws: a reservation not given back keeps a limit reached early, never passed.
 */
export async function releaseDailyLimit(
  reference: string,
  owner: string,
  deps: ProcessorDeps,
): Promise<void> {
  if (deps.dailyLimits === undefined) return;
  try {
    const released = await deps.dailyLimits.ledger.releaseDailyAmount({ reference, owner });
    if (released !== undefined) {
      deps.logger.info('daily-limit reservation released', { reference, ...released });
    }
  } catch (error) {
    deps.logger.warn('daily-limit reservation not released; that day keeps counting it', {
      reference,
      error: describeError(error),
    });
  }
}
