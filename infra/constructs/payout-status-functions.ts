import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecurityGroup, IVpc } from 'aws-cdk-lib/aws-ec2';
import { type EventBus, Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Grant } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { OPEN_INDEX } from '../../shared/ledger/open-index.ts';
import { BundledFunction, LIFECYCLE_SERVICES } from './bundled-function.ts';

/** The status function's timeout: one Coindirect read (10 s at most) and a few writes per message. */
export const STATUS_FUNCTION_TIMEOUT = Duration.seconds(30);
const SWEEP_TIMEOUT = Duration.minutes(5);
const HTTP_TIMEOUT_MS = 10_000;

export interface PayoutStatusFunctionsProps {
  readonly vpc: IVpc;
  /** The worker's group: HTTPS out only, through the NAT gateways on the whitelisted IPs. */
  readonly securityGroup: ISecurityGroup;
  readonly statusQueue: Queue;
  readonly ledgerTable: Table;
  readonly hawkSecret: ISecret;
  readonly hawkSecretId: string;
  readonly eventBus: EventBus;
  readonly coindirectBaseUrl: string;
  readonly stuckAfter: Duration;
  readonly sweepInterval: Duration;
  readonly logRetention: RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
}

/**
 * Trust, then verify: the status function consumes the status queue, re-reads each payout at Coindirect
 * and moves the ledger forward only; the sweep runs on a schedule, publishes event markers left behind,
 * re-reads payouts not final after `stuckAfter` and reports the ones still stuck. Both run in the VPC (the
 * reads go out through the whitelisted IPs, since whether reads need them is UNCONFIRMED) with the HAWK
 * key, and are granted only what they call.
 */
export class PayoutStatusFunctions extends Construct {
  readonly statusFunction: NodejsFunction;
  readonly sweepFunction: NodejsFunction;
  readonly schedule: Rule;

  constructor(scope: Construct, id: string, props: PayoutStatusFunctionsProps) {
    super(scope, id);

    const shared = {
      network: { vpc: props.vpc, securityGroup: props.securityGroup },
      memorySizeMb: 256,
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
    };
    const environment = {
      COINDIRECT_BASE_URL: props.coindirectBaseUrl,
      HAWK_SECRET_ID: props.hawkSecretId,
      LEDGER_TABLE_NAME: props.ledgerTable.tableName,
      EVENT_BUS_NAME: props.eventBus.eventBusName,
      HTTP_TIMEOUT_MS: String(HTTP_TIMEOUT_MS),
      STUCK_AFTER_MINUTES: String(props.stuckAfter.toMinutes()),
      POWERTOOLS_METRICS_NAMESPACE: LIFECYCLE_SERVICES.namespace,
    };

    this.statusFunction = new BundledFunction(this, 'Status', {
      ...shared,
      entry: 'functions/payout-status/handler.ts',
      description: 'Re-reads payouts named by Coindirect webhooks and moves the ledger forward only',
      timeout: STATUS_FUNCTION_TIMEOUT,
      environment: { ...environment, POWERTOOLS_SERVICE_NAME: LIFECYCLE_SERVICES.status },
    }).function;
    this.statusFunction.addEventSource(
      new SqsEventSource(props.statusQueue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        maxConcurrency: 2,
      }),
    );

    this.sweepFunction = new BundledFunction(this, 'Sweep', {
      ...shared,
      entry: 'functions/payout-status/sweep.ts',
      description:
        'Finds payouts not final after the configured age, re-reads them, publishes leftover events',
      timeout: SWEEP_TIMEOUT,
      environment: { ...environment, POWERTOOLS_SERVICE_NAME: LIFECYCLE_SERVICES.sweep },
    }).function;
    this.schedule = new Rule(this, 'Schedule', {
      description: 'Runs the stuck-payout sweep',
      schedule: Schedule.rate(props.sweepInterval),
      targets: [new LambdaFunction(this.sweepFunction, { retryAttempts: 0 })],
    });

    for (const fn of [this.statusFunction, this.sweepFunction]) {
      props.hawkSecret.grantRead(fn);
      props.eventBus.grants.actions(fn, ['events:PutEvents']);
      // The table only, not its indexes: a table grant would add `index/*`.
      Grant.addToPrincipal({
        grantee: fn,
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        resourceArns: [props.ledgerTable.tableArn],
      });
    }
    Grant.addToPrincipal({
      grantee: this.sweepFunction,
      actions: ['dynamodb:Scan'],
      resourceArns: [`${props.ledgerTable.tableArn}/index/${OPEN_INDEX.indexName}`],
    });
  }
}
