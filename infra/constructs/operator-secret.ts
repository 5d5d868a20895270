import { type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { type CfnSecret, type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';

export interface OperatorSecretProps {
  /** Use this existing secret instead of creating one. Default: create an empty secret in the stack. */
  readonly importName?: string;
  readonly description: string;
  /** What happens to a created secret when the stack is deleted. */
  readonly removalPolicy: RemovalPolicy;
  /** Why no rotation Lambda is attached (the cdk-nag AwsSolutions-SMG4 acknowledgement). */
  readonly noRotationReason: string;
}

/**
 * A secret whose value an operator supplies by hand (it comes from Coindirect's UI), defined in `scope`
 * as `Secret` (created empty) or `Imported` (by name). `secretId` is what a function passes to
 * GetSecretValue: the full ARN of a created secret, or the name of an imported one (an ARN built from a
 * name lacks the random suffix and would not resolve).
 */
export function operatorSecret(
  scope: Construct,
  props: OperatorSecretProps,
): { secret: ISecret; secretId: string } {
  if (props.importName !== undefined) {
    return {
      secret: Secret.fromSecretNameV2(scope, 'Imported', props.importName),
      secretId: props.importName,
    };
  }
  const secret = new Secret(scope, 'Secret', {
    description: props.description,
    removalPolicy: props.removalPolicy,
  });
  // The L2 always generates a random value; CloudFormation creates an empty secret when both
  // GenerateSecretString and SecretString are absent, so nothing ever reads or verifies a made-up value.
  (secret.node.defaultChild as CfnSecret).addPropertyDeletionOverride('GenerateSecretString');
  Validations.of(secret).acknowledge({ id: 'AwsSolutions-SMG4', reason: props.noRotationReason });
  // Upcast: exactOptionalPropertyTypes rejects the class's `T | undefined` fields for the interface.
  return { secret: secret as ISecret, secretId: secret.secretArn };
}
