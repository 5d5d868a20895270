import type { RemovalPolicy } from 'aws-cdk-lib';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { operatorSecret } from './operator-secret.ts';

export interface WebhookSecretProps {
  /** Environment name, shown in the secret's description. */
  readonly environmentName: string;
  /** Use this existing secret instead of creating one. Default: create an empty secret in the stack. */
  readonly importName?: string;
  /** What happens to a created secret when the stack is deleted. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The secret the webhook receiver verifies `X-Signature` with: the merchant's "Secret Key" from
 * Coindirect's Merchant Details page, as a plain string, `{"webhookSecret": "..."}`, or
 * `{"webhookSecrets": ["...", "..."]}` (several merchant IDs, or old and new during a change). Created
 * empty; until it has a value every webhook is answered 500 and Coindirect keeps retrying.
 */
export class WebhookSecret extends Construct {
  readonly secret: ISecret;
  /** What the receiver passes to GetSecretValue: the ARN of a created secret, or the imported name. */
  readonly secretId: string;

  constructor(scope: Construct, id: string, props: WebhookSecretProps) {
    super(scope, id);
    ({ secret: this.secret, secretId: this.secretId } = operatorSecret(this, {
      ...(props.importName === undefined ? {} : { importName: props.importName }),
      description:
        `Coindirect merchant webhook secret of the payout lifecycle (${props.environmentName}). Value: the ` +
        'merchant "Secret Key" as a plain string, {"webhookSecret": "..."} or {"webhookSecrets": ["...", "..."]}. ' +
        'Created empty; put the value after deploying.',
      removalPolicy: props.removalPolicy,
      noRotationReason:
        'The merchant webhook secret is issued by Coindirect and shown in its UI; no Lambda can rotate it. ' +
        'A change is made by hand, with both values accepted during the switch (webhookSecrets).',
    }));
  }
}
