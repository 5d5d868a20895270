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
 * of this stack releases an IP the Coindirect key whitelists. The worker stack reads the allocation IDs
 * from it ({@link allocationIds}); the app leaves it out when `egress.eipAllocationIds` adopts existing ones.
 */
export class EgressIpStack extends Stack {
  readonly addresses: readonly CfnEIP[];
  /** One allocation ID per address, for the worker stack's NAT gateways (a cross-stack reference there). */
  readonly allocationIds: readonly string[];

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
        description: `The worker stack's NAT gateway ${n} uses it; to keep this IP in another setup, put it in cdk.json environments.${props.environmentName}.egress.eipAllocationIds[${index}]`,
      });
      new CfnOutput(this, `EgressIp${n}PublicIp`, {
        value: eip.attrPublicIp,
        description: 'Whitelist this IP on the Coindirect API key (with "Allow withdrawals")',
      });
      return eip;
    });
    this.allocationIds = this.addresses.map((eip) => eip.attrAllocationId);
  }
}
