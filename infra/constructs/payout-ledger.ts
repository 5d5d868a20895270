import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

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
 * DynamoDB key.
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
    });
  }
}
