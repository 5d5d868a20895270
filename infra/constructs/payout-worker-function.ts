import { fileURLToPath } from 'node:url';
import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { type ISecurityGroup, type IVpc, SubnetType } from 'aws-cdk-lib/aws-ec2';
import type { EventBus } from 'aws-cdk-lib/aws-events';
import { Grant } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** The worker's EMF metrics: this namespace, one dimension `service=<serviceName>`. */
import { NODEJS_BUNDLING } from './bundled-function.ts';

export const WORKER_METRICS = { namespace: 'CoindirectPayouts', serviceName: 'payout-worker' } as const;

const WORKER_ENTRY = fileURLToPath(new URL('../../functions/payout-worker/handler.ts', import.meta.url));
const LOCK_FILE = fileURLToPath(new URL('../../package-lock.json', import.meta.url));

/** How much longer than the function timeout a ledger lease lasts, so it outlives any invocation. */
const LEASE_MARGIN_SECONDS = 30;

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
  readonly coindirectBaseUrl: string;
  readonly merchantId: string;
  readonly allowedMerchantIds: readonly string[];
  /** Largest amount per payout, by price currency, as decimal strings. */
  readonly payoutMaxAmounts: Readonly<Record<string, string>>;
  readonly addressNetwork: 'mainnet' | 'testnet';
  readonly timeout: Duration;
  readonly memorySizeMb: number;
  readonly batchSize: number;
  readonly maxBatchingWindow: Duration;
  /** Most invocations the event source runs at once. */
  readonly maxConcurrency: number;
  /** Records of a batch the worker processes at the same time. */
  readonly recordConcurrency: number;
  readonly logRetention: RetentionDays;
  /** What happens to the log group when the stack is deleted. */
  readonly logRemovalPolicy: RemovalPolicy;
}

/**
 * The payout worker Lambda: `functions/payout-worker/handler.ts` bundled locally by esbuild (no Docker)
 * as minified ESM with source maps, on the newest Node.js runtime, arm64, in private subnets. It is fed by
 * the payout queue and granted exactly what it uses: read its secret, consume its queue, send to its DLQ,
 * read and write its ledger table.
 */
export class PayoutWorkerFunction extends Construct {
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: PayoutWorkerFunctionProps) {
    super(scope, id);

    const logGroup = new LogGroup(this, 'LogGroup', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });

    this.function = new NodejsFunction(this, 'Function', {
      entry: WORKER_ENTRY,
      handler: 'handler',
      depsLockFilePath: LOCK_FILE,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      description: 'Turns payout messages from SQS into Coindirect payouts, at most once per reference',
      timeout: props.timeout,
      memorySize: props.memorySizeMb,
      logGroup,
      vpc: props.vpc,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [props.securityGroup],
      bundling: NODEJS_BUNDLING,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        COINDIRECT_BASE_URL: props.coindirectBaseUrl,
        COINDIRECT_MERCHANT_ID: props.merchantId,
        ALLOWED_MERCHANT_IDS: props.allowedMerchantIds.join(','),
        PAYOUT_MAX_AMOUNTS: JSON.stringify(props.payoutMaxAmounts),
        ADDRESS_NETWORK: props.addressNetwork,
        HAWK_SECRET_ID: props.hawkSecretId,
        LEDGER_TABLE_NAME: props.ledgerTable.tableName,
        DLQ_URL: props.deadLetterQueue.queueUrl,
        RECORD_CONCURRENCY: String(props.recordConcurrency),
        LEASE_SECONDS: String(props.timeout.toSeconds() + LEASE_MARGIN_SECONDS),
        POWERTOOLS_SERVICE_NAME: WORKER_METRICS.serviceName,
        METRICS_NAMESPACE: WORKER_METRICS.namespace,
        ...(props.eventBus === undefined ? {} : { EVENT_BUS_NAME: props.eventBus.eventBusName }),
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

    Validations.of(this.function).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'AWS-maintained policy that only allows writing CloudWatch Logs.',
      },
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
        reason:
          'AWS-maintained policy Lambda needs to manage its ENIs in the private subnets; the EC2 network ' +
          'interface actions it allows have no resource-level scoping to narrow.',
      },
    );
  }
}
