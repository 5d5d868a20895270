/**
 * How far along a payout is, by Coindirect status (docs/coindirect.md, "Endpoints"): PENDING → PROCESSING →
 * COMPLETE | CANCELLED. The ledger only ever moves a payout to a higher rank, so a late or duplicated
 * status never moves it back. COMPLETE and CANCELLED share the final rank: whichever is seen first stays.
 *
 * UNDERPAID, OVERPAID and EXPIRED (pay-in and hosted-payout statuses) and anything new have no rank: the
 * payout is left where it is and reported, so an operator looks at it.
 */
export const PAYOUT_STATUS_RANK = {
  PENDING: 1,
  PROCESSING: 2,
  COMPLETE: 3,
  CANCELLED: 3,
} as const;

export type RankedPayoutStatus = keyof typeof PAYOUT_STATUS_RANK;
export type PayoutStatusRank = (typeof PAYOUT_STATUS_RANK)[RankedPayoutStatus];

/** The rank at which a payout is final: nothing moves it any more. */
export const FINAL_RANK = 3;

/** The rank of a Coindirect status, or undefined for a status the lifecycle does not track. */
export function statusRank(status: string | null | undefined): PayoutStatusRank | undefined {
  return status != null && Object.hasOwn(PAYOUT_STATUS_RANK, status)
    ? PAYOUT_STATUS_RANK[status as RankedPayoutStatus]
    : undefined;
}

/** True for COMPLETE and CANCELLED. */
export function isFinalStatus(status: string | null | undefined): status is 'COMPLETE' | 'CANCELLED' {
  return statusRank(status) === FINAL_RANK;
}
