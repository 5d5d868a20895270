import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Token, Validations } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { egressIpOutput, WORKER_STACK_OUTPUTS as OUTPUT } from '#shared/deployment/stacks.ts';
import type { EnvironmentConfig } from '../config.ts';
import { EgressVpc } from '../constructs/egress-vpc.ts';
import { HawkSecret } from '../constructs/hawk-secret.ts';
import { LifecycleAlarms } from '../constructs/lifecycle-alarms.ts';
import { LifecycleEventBus } from '../constructs/lifecycle-event-bus.ts';
import { PayoutAlarms } from '../constructs/payout-alarms.ts';
import { PayoutDashboard } from '../constructs/payout-dashboard.ts';
import { PayoutLedger } from '../constructs/payout-ledger.ts';
import { PayoutQueues } from '../constructs/payout-queues.ts';
import { PayoutStatusFunctions, STATUS_FUNCTION_TIMEOUT } from '../constructs/payout-status-functions.ts';
import { PayoutWorkerFunction } from '../constructs/payout-worker-function.ts';
import { StatusQueues } from '../constructs/status-queues.ts';
import { WebhookReceiver } from '../constructs/webhook-receiver.ts';
import { WebhookSecret } from '../constructs/webhook-secret.ts';

export interface WorkerStackProps extends StackProps {
  readonly environmentName: string;
  readonly config: EnvironmentConfig;
  /**
   * One Elastic IP allocation per NAT gateway: `egress.eipAllocationIds` from the config, or the EgressIps
   * stack's (a cross-stack reference, resolved at deploy).
   */
  readonly eipAllocationIds: readonly string[];
}

/**
 * Everything one environment's payout worker needs, wired top-down: the egress VPC (NAT gateways on the
 * configured Elastic IPs), the payout queue and DLQ, the HAWK secret, the ledger, the lifecycle event bus,
 * the worker Lambda and its alarms; then the payout lifecycle: the webhook receiver (Function URL) and its
 * secret, the status queue, the status function and the stuck-payout sweep, and their alarms; and the
 * environment's dashboard. It never creates an Elastic IP, so deleting and re-deploying it keeps the egress
 * IPs.
 */
export class WorkerStack extends Stack {
  private readonly configuredZones: readonly string[] | undefined;

  constructor(scope: Construct, id: string, props: WorkerStackProps) {
    super(scope, id, props);
    this.configuredZones = props.config.availabilityZones;
    if (this.configuredZones) {
      Validations.of(this).acknowledge({
        id: 'CloudFormation-Validate::W3010',
        reason:
          'Zone names come from cdk.json on purpose: synth then needs no AWS credentials for a lookup, and ' +
          'the NAT gateway per zone is pinned to a known Elastic IP.',
      });
    }
    const { config, environmentName } = props;
    const removalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const logRetention = config.logRetentionDays as RetentionDays;
    const timeout = Duration.seconds(config.worker.timeoutSeconds);
    const maxBatchingWindow = Duration.seconds(config.worker.maxBatchingWindowSeconds);

    const egress = new EgressVpc(this, 'Egress', {
      eipAllocationIds: props.eipAllocationIds,
      natGateways: config.egress.natGateways,
      flowLogRetention: logRetention,
      removalPolicy,
    });

    const queues = new PayoutQueues(this, 'Queues', {
      functionTimeout: timeout,
      maxBatchingWindow,
      maxReceiveCount: config.queue.maxReceiveCount,
      retentionPeriod: Duration.days(config.queue.retentionDays),
      removalPolicy,
    });

    const hawk = new HawkSecret(this, 'HawkSecret', {
      environmentName,
      removalPolicy,
      ...(config.hawkSecret ? { importName: config.hawkSecret.importName } : {}),
    });

    const ledger = new PayoutLedger(this, 'Ledger', { retain: config.retainData });

    const events = new LifecycleEventBus(this, 'LifecycleEvents', { environmentName });

    const worker = new PayoutWorkerFunction(this, 'Worker', {
      vpc: egress.vpc,
      securityGroup: egress.workerSecurityGroup,
      queue: queues.queue,
      deadLetterQueue: queues.deadLetterQueue,
      ledgerTable: ledger.table,
      eventBus: events.bus,
      hawkSecret: hawk.secret,
      hawkSecretId: hawk.secretId,
      settings: {
        COINDIRECT_BASE_URL: config.coindirect.baseUrl,
        COINDIRECT_MERCHANT_ID: config.coindirect.merchantId,
        ALLOWED_MERCHANT_IDS: config.coindirect.allowedMerchantIds,
        PAYOUT_MAX_AMOUNTS: config.payoutMaxAmounts,
        ...(config.dailyLimits === undefined ? {} : { PAYOUT_DAILY_LIMITS: config.dailyLimits }),
        ADDRESS_NETWORK: config.coindirect.addressNetwork,
        RECORD_CONCURRENCY: config.worker.recordConcurrency,
        HTTP_TIMEOUT_MS: config.worker.httpTimeoutMs,
        HTTP_CONNECT_TIMEOUT_MS: config.worker.httpConnectTimeoutMs,
        LEASE_SECONDS: config.worker.leaseSeconds,
        MAX_BACKOFF_SECONDS: config.worker.maxBackoffSeconds,
        RESEND_SETTLE_SECONDS: config.worker.resendSettleSeconds,
        ...(config.worker.coindirectMaxRps === undefined
          ? {}
          : { COINDIRECT_MAX_RPS: config.worker.coindirectMaxRps }),
      },
      timeout,
      memorySizeMb: config.worker.memorySizeMb,
      batchSize: config.worker.batchSize,
      maxBatchingWindow,
      maxConcurrency: config.worker.maxConcurrency,
      logRetention,
      logRemovalPolicy: removalPolicy,
    });

    const alarms = new PayoutAlarms(this, 'Alarms', {
      queue: queues.queue,
      deadLetterQueue: queues.deadLetterQueue,
      workerFunction: worker.function,
      email: config.alarms.email,
      oldestMessageAge: Duration.seconds(config.alarms.oldestMessageAgeSeconds),
    });

    const webhookSecret = new WebhookSecret(this, 'WebhookSecret', {
      environmentName,
      removalPolicy,
      ...(config.webhook.secretImportName ? { importName: config.webhook.secretImportName } : {}),
    });
    const statusQueues = new StatusQueues(this, 'StatusQueues', {
      functionTimeout: STATUS_FUNCTION_TIMEOUT,
      maxReceiveCount: config.lifecycle.statusMaxReceiveCount,
      removalPolicy,
    });
    const receiver = new WebhookReceiver(this, 'Webhook', {
      webhookSecret: webhookSecret.secret,
      webhookSecretId: webhookSecret.secretId,
      statusQueue: statusQueues.queue,
      logRetention,
      logRemovalPolicy: removalPolicy,
      ...(config.webhook.registeredUrl ? { registeredUrl: config.webhook.registeredUrl } : {}),
      reservedConcurrency: config.webhook.reservedConcurrency,
    });
    const sweepInterval = Duration.minutes(config.lifecycle.sweepIntervalMinutes);
    const status = new PayoutStatusFunctions(this, 'Lifecycle', {
      vpc: egress.vpc,
      securityGroup: egress.workerSecurityGroup,
      statusQueue: statusQueues.queue,
      ledgerTable: ledger.table,
      hawkSecret: hawk.secret,
      hawkSecretId: hawk.secretId,
      eventBus: events.bus,
      coindirectBaseUrl: config.coindirect.baseUrl,
      stuckAfter: Duration.minutes(config.lifecycle.stuckAfterMinutes),
      sweepInterval,
      logRetention,
      logRemovalPolicy: removalPolicy,
    });
    new LifecycleAlarms(this, 'LifecycleAlarms', {
      topic: alarms.topic,
      statusDeadLetterQueue: statusQueues.deadLetterQueue,
      receiverFunction: receiver.function,
      statusFunction: status.statusFunction,
      sweepFunction: status.sweepFunction,
      sweepInterval,
    });
    new PayoutDashboard(this, 'Dashboard', {
      environmentName,
      queue: queues.queue,
      deadLetterQueue: queues.deadLetterQueue,
      workerFunction: worker.function,
      receiverFunction: receiver.function,
      statusFunction: status.statusFunction,
      sweepFunction: status.sweepFunction,
      sweepInterval,
    });

    egress.egressIps.forEach(({ allocationId, publicIp }, index) => {
      new CfnOutput(this, egressIpOutput(index), {
        value: publicIp,
        // An output description must be a literal: a referenced allocation ID is only known at deploy.
        description: `Egress IP ${index + 1}${Token.isUnresolved(allocationId) ? ', from the EgressIps stack' : ` (${allocationId})`}. Whitelist it on the Coindirect API key, with "Allow withdrawals" on; the whitelist cannot be edited later.`,
      });
    });
    new CfnOutput(this, OUTPUT.payoutQueueUrl, {
      value: queues.queue.queueUrl,
      description: 'Producers send payout v1 messages here',
    });
    new CfnOutput(this, OUTPUT.payoutQueueArn, { value: queues.queue.queueArn });
    new CfnOutput(this, OUTPUT.deadLetterQueueUrl, {
      value: queues.deadLetterQueue.queueUrl,
      description: 'Failed payouts with their reason; redrive once the cause is fixed',
    });
    new CfnOutput(this, OUTPUT.hawkSecretArn, {
      value: hawk.secret.secretArn,
      description:
        'Put {"hawkAuthId": "...", "hawkAuthKey": "..."} here (an imported secret: ARN without suffix)',
    });
    new CfnOutput(this, OUTPUT.ledgerTableName, { value: ledger.table.tableName });
    new CfnOutput(this, OUTPUT.alarmTopicArn, {
      value: alarms.topic.topicArn,
      description: 'Confirm the email subscription sent to the alarm address',
    });
    new CfnOutput(this, OUTPUT.producerPolicyArn, {
      value: queues.producerPolicy.managedPolicyArn,
      description: "Attach to a producer's IAM role: it can send to the payout queue and nothing else",
    });
    new CfnOutput(this, OUTPUT.workerFunctionName, { value: worker.function.functionName });
    new CfnOutput(this, OUTPUT.webhookUrl, {
      value: receiver.url.url,
      description:
        "Register exactly this URL as the webhook URL in Coindirect's merchant settings (Settings, Manage merchants), " +
        'or set webhook.registeredUrl to what you register instead: the signature covers its path and query.',
    });
    new CfnOutput(this, OUTPUT.webhookSecretArn, {
      value: webhookSecret.secret.secretArn,
      description: 'Put the merchant "Secret Key" here (plain string, or {"webhookSecret": "..."})',
    });
    new CfnOutput(this, OUTPUT.eventBusName, {
      value: events.bus.eventBusName,
      description:
        'Producers add a rule here for source coindirect.payouts (PayoutSubmitted, ..., PayoutCancelled)',
    });
    new CfnOutput(this, OUTPUT.eventBusArn, { value: events.bus.eventBusArn });
    new CfnOutput(this, OUTPUT.statusDeadLetterQueueUrl, { value: statusQueues.deadLetterQueue.queueUrl });
  }

  /**
   * Zones from the config when given, so synth never runs the availability-zone context lookup (which
   * needs AWS credentials); otherwise CDK's default, which for an env-agnostic stack is two `Fn::GetAZs`
   * placeholders resolved at deploy time.
   */
  override get availabilityZones(): string[] {
    return this.configuredZones ? [...this.configuredZones] : super.availabilityZones;
  }
}
