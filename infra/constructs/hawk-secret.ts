import type { RemovalPolicy } from 'aws-cdk-lib';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { operatorSecret } from './operator-secret.ts';

export interface HawkSecretProps {
  /** Environment name, shown in the secret's description. */
  readonly environmentName: string;
  /** Use this existing secret instead of creating one. Default: create an empty secret in the stack. */
  readonly importName?: string;
  /** What happens to a created secret when the stack is deleted. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The Secrets Manager secret holding the Coindirect HAWK key, as JSON
 * `{"hawkAuthId": "...", "hawkAuthKey": "..."}`. A created secret starts empty: the key is made by hand
 * in Coindirect's UI, so the operator puts its value after the deploy (see docs/operations.md, "Deploy").
 */
export class HawkSecret extends Construct {
  readonly secret: ISecret;
  /**
   * What the worker passes to GetSecretValue as `SecretId`: the full ARN of a created secret, or the name
   * of an imported one (an ARN built from a name lacks the random suffix and would not resolve).
   */
  readonly secretId: string;

  constructor(scope: Construct, id: string, props: HawkSecretProps) {
    super(scope, id);
    ({ secret: this.secret, secretId: this.secretId } = operatorSecret(this, {
      ...(props.importName === undefined ? {} : { importName: props.importName }),
      description:
        `Coindirect HAWK API key of the payout worker (${props.environmentName}). ` +
        'Value: JSON {"hawkAuthId": "...", "hawkAuthKey": "..."}. The key must have "Allow withdrawals" ' +
        "and whitelist the worker stack's EgressIp outputs. Created empty; put the value after deploying.",
      removalPolicy: props.removalPolicy,
      noRotationReason:
        'Coindirect keys are created by hand in its UI (2FA, fixed IP whitelist), so no Lambda can rotate ' +
        'them; rotation is the operator-driven pending/test/promote procedure in the README.',
    }));
  }
}
