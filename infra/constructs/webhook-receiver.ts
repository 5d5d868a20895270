import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { type FunctionUrl, FunctionUrlAuthType, InvokeMode } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BundledFunction, LIFECYCLE_SERVICES } from './bundled-function.ts';

export interface WebhookReceiverProps {
  readonly webhookSecret: ISecret;
  /** `SecretId` of the webhook secret: its ARN, or its name when imported by name. */
  readonly webhookSecretId: string;
  /** Where verified payout webhooks go, as `{uuid, status, receivedAt}`. */
  readonly statusQueue: Queue;
  /** The URL registered at Coindirect when it is not the function URL (see infra config `webhook`). */
  readonly registeredUrl?: string;
  readonly reservedConcurrency?: number;
  readonly logRetention: RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
}

/**
 * The webhook receiver: `functions/payout-webhook/handler.ts` behind a Lambda Function URL, outside the
 * VPC (it calls nothing but Secrets Manager and SQS). The URL's auth type is NONE because Coindirect cannot
 * sign requests with AWS SigV4; the HMAC in `X-Signature` is the authentication, checked before anything
 * happens. A Function URL rather than API Gateway: the path Lambda sees is exactly the registered path (no
 * stage prefix to get wrong, since the signature covers the path), nothing to pay per request beyond the
 * invocation, and no extra resources; the price is no WAF or usage plan in front, which the reserved
 * concurrency cap and the 4xx/5xx alarms stand in for.
 */
export class WebhookReceiver extends Construct {
  readonly function: NodejsFunction;
  readonly url: FunctionUrl;

  constructor(scope: Construct, id: string, props: WebhookReceiverProps) {
    super(scope, id);

    this.function = new BundledFunction(this, 'Receiver', {
      entry: 'functions/payout-webhook/handler.ts',
      description:
        'Verifies Coindirect payout webhooks (X-Signature HMAC) and queues them for the status function',
      timeout: Duration.seconds(5),
      memorySizeMb: 256,
      environment: {
        WEBHOOK_SECRET_ID: props.webhookSecretId,
        STATUS_QUEUE_URL: props.statusQueue.queueUrl,
        ...(props.registeredUrl === undefined ? {} : { WEBHOOK_URL: props.registeredUrl }),
        POWERTOOLS_SERVICE_NAME: LIFECYCLE_SERVICES.webhook,
        POWERTOOLS_METRICS_NAMESPACE: LIFECYCLE_SERVICES.namespace,
      },
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
      ...(props.reservedConcurrency === undefined ? {} : { reservedConcurrency: props.reservedConcurrency }),
    }).function;

    this.url = this.function.addFunctionUrl({
      authType: FunctionUrlAuthType.NONE,
      invokeMode: InvokeMode.BUFFERED,
    });
    props.webhookSecret.grantRead(this.function);
    props.statusQueue.grants.sendMessages(this.function);
  }
}
