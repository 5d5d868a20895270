/**
 * The ledger's sparse index of references the lifecycle sweep must look at. An item carries the key
 * attribute `openSince` (epoch ms) only while it has unfinished business: a SUBMITTED payout that is not
 * final yet, or lifecycle events not yet published. Only those items are in the index, so the sweep scans
 * a handful of items instead of the table. Kept free of SDK imports: the CDK app reads it too.
 */
export const OPEN_INDEX = { indexName: 'OpenPayouts', partitionKey: 'openSince' } as const;
