import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { OPEN_INDEX } from '../../shared/ledger/open-index.ts';
import { TTL_ATTRIBUTE } from '../../shared/ledger/ttl.ts';

export interface PayoutLedgerProps {
  /**
   * Production: deletion protection on, and the table is kept (RETAIN) if the stack is deleted, since it is
   * the record of which references were paid. Otherwise the table goes with the stack.
   */
  readonly retain: boolean;
}

/**
 * The payout ledger: one item per payout `reference` (the idempotency key), claimed with a conditional
 * write before any API call. On-demand billing, point-in-time recovery, encrypted with the AWS-managed
 * DynamoDB key. A sparse index on `openSince` holds only the references the lifecycle sweep must look at
 * (payouts not final yet, events not yet published), so the sweep never scans the table. Besides the
 * payouts it holds a few control items under keys no reference can take (they start with `#`): the pause
 * flag `#control`, and `#webhook#…` replay marks that DynamoDB's TTL (`expiresAt`) deletes after a day.
 * Payout items never carry `expiresAt`: the record of what was paid is kept for ever.
 */
export class PayoutLedger extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: PayoutLedgerProps) {
    super(scope, id);

    this.table = new Table(this, 'Table', {
      partitionKey: { name: 'reference', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: props.retain,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      timeToLiveAttribute: TTL_ATTRIBUTE,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: OPEN_INDEX.indexName,
      partitionKey: { name: OPEN_INDEX.partitionKey, type: AttributeType.NUMBER },
      projectionType: ProjectionType.ALL,
    });
  }
}
