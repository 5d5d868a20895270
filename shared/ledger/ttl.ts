/**
 * The ledger table's TTL attribute (epoch seconds): DynamoDB deletes an item some time after it passes.
 * Only the short-lived control items carry it (webhook replay marks, shared/ledger/webhook-marks.ts);
 * payout items never do. Kept free of SDK imports: the CDK app reads it too.
 */
export const TTL_ATTRIBUTE = 'expiresAt';
