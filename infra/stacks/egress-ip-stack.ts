import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { CfnEIP } from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';

export interface EgressIpStackProps extends StackProps {
  readonly environmentName: string;
  /** Elastic IPs to allocate: one per NAT gateway of the worker stack. */
  readonly count: number;
}

/**
 * Allocates the Elastic IPs the worker's NAT gateways use, for users who have none. It is its own stack,
 * termination-protected, and every address is RETAINed, so neither a worker stack change nor the deletion
 * of this stack releases an IP the Coindirect key whitelists. Put the AllocationId outputs in
 * `cdk.json` (`environments.<env>.egress.eipAllocationIds`).
 */
export class EgressIpStack extends Stack {
  readonly addresses: readonly CfnEIP[];

  constructor(scope: Construct, id: string, props: EgressIpStackProps) {
    super(scope, id, { ...props, terminationProtection: true });

    this.addresses = Array.from({ length: props.count }, (_, index) => {
      const n = index + 1;
      const eip = new CfnEIP(this, `EgressIp${n}`, {
        domain: 'vpc',
        tags: [{ key: 'Name', value: `coindirect-payouts-${props.environmentName}-egress-${n}` }],
      });
      eip.applyRemovalPolicy(RemovalPolicy.RETAIN);
      new CfnOutput(this, `EgressIp${n}AllocationId`, {
        value: eip.attrAllocationId,
        description: `Put in cdk.json environments.${props.environmentName}.egress.eipAllocationIds[${index}]`,
      });
      new CfnOutput(this, `EgressIp${n}PublicIp`, {
        value: eip.attrPublicIp,
        description: 'Whitelist this IP on the Coindirect API key (with "Allow withdrawals")',
      });
      return eip;
    });
  }
}
