import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecurityGroup, IVpc } from 'aws-cdk-lib/aws-ec2';
import type { EventBus } from 'aws-cdk-lib/aws-events';
import { Grant } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { type WorkerSettingValues, workerEnvironment } from '#shared/config/worker-settings.ts';
import { PAYOUT_METRICS_NAMESPACE } from '#shared/deployment/metrics.ts';
import { BundledFunction } from './bundled-function.ts';

/** The worker's EMF metrics: this namespace, one dimension `service=<serviceName>`. */
export const WORKER_METRICS = { namespace: PAYOUT_METRICS_NAMESPACE, serviceName: 'payout-worker' } as const;

/** Worker settings the construct takes from its own resources rather than from `settings`. */
type ResourceSetting =
  | 'HAWK_SECRET_ID'
  | 'LEDGER_TABLE_NAME'
  | 'DLQ_URL'
  | 'EVENT_BUS_NAME'
  | 'POWERTOOLS_METRICS_NAMESPACE'
  | 'METRICS_NAMESPACE'
  | 'WORKER_MAX_CONCURRENCY';

export interface PayoutWorkerFunctionProps {
  readonly vpc: IVpc;
  /** Runs in the VPC's private subnets with this group only. */
  readonly securityGroup: ISecurityGroup;
  /** Consumed through an event source with partial batch responses. */
  readonly queue: Queue;
  /** Where the worker sends permanent failures with their reason. */
  readonly deadLetterQueue: Queue;
  readonly ledgerTable: Table;
  /** Where the worker publishes PayoutSubmitted/Rejected/Conflict. Default: no lifecycle events. */
  readonly eventBus?: EventBus;
  readonly hawkSecret: ISecret;
  /** `SecretId` of the HAWK secret: its ARN, or its name when imported by name. */
  readonly hawkSecretId: string;
  /**
   * The worker settings this environment sets, by variable (shared/config/worker-settings.ts); the others
   * keep the worker's defaults.
   */
  readonly settings: Omit<WorkerSettingValues, ResourceSetting>;
  readonly timeout: Duration;
  readonly memorySizeMb: number;
  readonly batchSize: number;
  readonly maxBatchingWindow: Duration;
  /** Most invocations the event source runs at once. */
  readonly maxConcurrency: number;
  readonly logRetention: RetentionDays;
  /** What happens to the log group when the stack is deleted. */
  readonly logRemovalPolicy: RemovalPolicy;
}

/**
 * The payout worker Lambda: `functions/payout-worker/handler.ts` as a {@link BundledFunction} (bundled
 * locally by esbuild, Node.js 24 on arm64) in private subnets. It is fed by the payout queue and granted
 * exactly what it uses: read its secret, consume its queue, send to its DLQ, read and write its ledger
 * table, publish to its event bus.
 */
export class PayoutWorkerFunction extends BundledFunction {
  constructor(scope: Construct, id: string, props: PayoutWorkerFunctionProps) {
    super(scope, id, {
      entry: 'functions/payout-worker/handler.ts',
      description: 'Turns payout messages from SQS into Coindirect payouts, at most once per reference',
      timeout: props.timeout,
      memorySizeMb: props.memorySizeMb,
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
      network: { vpc: props.vpc, securityGroup: props.securityGroup },
      environment: {
        ...workerEnvironment({
          ...props.settings,
          HAWK_SECRET_ID: props.hawkSecretId,
          LEDGER_TABLE_NAME: props.ledgerTable.tableName,
          DLQ_URL: props.deadLetterQueue.queueUrl,
          POWERTOOLS_METRICS_NAMESPACE: WORKER_METRICS.namespace,
          // The containers that share COINDIRECT_MAX_RPS: as many as the event source may run at once.
          WORKER_MAX_CONCURRENCY: props.maxConcurrency,
          ...(props.eventBus === undefined ? {} : { EVENT_BUS_NAME: props.eventBus.eventBusName }),
        }),
        POWERTOOLS_SERVICE_NAME: WORKER_METRICS.serviceName,
      },
    });

    this.function.addEventSource(
      new SqsEventSource(props.queue, {
        batchSize: props.batchSize,
        ...(props.maxBatchingWindow.toSeconds() > 0 ? { maxBatchingWindow: props.maxBatchingWindow } : {}),
        reportBatchItemFailures: true,
        maxConcurrency: props.maxConcurrency,
      }),
    );

    // The event source already grants consume; granting it here too keeps the worker's own calls
    // (GetQueueUrl, ChangeMessageVisibility for per-message backoff) explicit.
    props.queue.grants.consumeMessages(this.function);
    props.deadLetterQueue.grants.sendMessages(this.function);
    props.hawkSecret.grantRead(this.function);
    // The table only: `grants.actions` would add `index/*`, and the worker reads no index.
    Grant.addToPrincipal({
      grantee: this.function,
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
      resourceArns: [props.ledgerTable.tableArn],
    });
    props.eventBus?.grants.actions(this.function, ['events:PutEvents']);
  }
}
