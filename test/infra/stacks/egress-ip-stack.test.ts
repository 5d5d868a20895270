import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { selectEnvironment } from '#infra/config.ts';
import type { EgressIpStack } from '#infra/stacks/egress-ip-stack.ts';
import { cdkContext, environmentNames, synthPayoutApp } from '../payout-app-fixture.ts';

/** The EgressIps stack of the sample config, which adopts no Elastic IPs and so defines it. */
function synthEgressIps(name: string): { egressIpStack: EgressIpStack; egressIps: Template } {
  const { egressIpStack, egressIps } = synthPayoutApp(name);
  if (egressIpStack === undefined || egressIps === undefined) {
    throw new Error(`cdk.json environment "${name}" defines no EgressIps stack`);
  }
  return { egressIpStack, egressIps };
}

describe.each(environmentNames)('EgressIpStack (%s)', (name) => {
  const { config } = selectEnvironment({ env: name, environments: cdkContext.environments });
  const count = config.egress.natGateways;

  it('allocates one VPC Elastic IP per NAT gateway and nothing else', () => {
    const { egressIps } = synthEgressIps(name);

    const types = Object.values(egressIps.toJSON().Resources as Record<string, { Type: string }>).map(
      (resource) => resource.Type,
    );

    expect(types).toEqual(Array.from({ length: count }, () => 'AWS::EC2::EIP'));
    egressIps.allResourcesProperties('AWS::EC2::EIP', { Domain: 'vpc' });
  });

  it('retains every Elastic IP on deletion and on replacement', () => {
    const { egressIps } = synthEgressIps(name);

    egressIps.allResources('AWS::EC2::EIP', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('keeps stable logical IDs, since a renamed EIP would be a new address', () => {
    const { egressIps } = synthEgressIps(name);

    expect(Object.keys(egressIps.findResources('AWS::EC2::EIP'))).toEqual(
      Array.from({ length: count }, (_, index) => `EgressIp${index + 1}`),
    );
  });

  it('is termination-protected', () => {
    const { egressIpStack } = synthEgressIps(name);

    expect(egressIpStack.terminationProtection).toBe(true);
  });

  it('outputs each allocation ID and each public IP to whitelist', () => {
    const { egressIps } = synthEgressIps(name);

    for (let n = 1; n <= count; n++) {
      egressIps.hasOutput(`EgressIp${n}AllocationId`, {
        Value: { 'Fn::GetAtt': [`EgressIp${n}`, 'AllocationId'] },
        Description: `The worker stack's NAT gateway ${n} uses it; to keep this IP in another setup, put it in cdk.json environments.${name}.egress.eipAllocationIds[${n - 1}]`,
      });
      egressIps.hasOutput(`EgressIp${n}PublicIp`, {
        Value: { 'Fn::GetAtt': [`EgressIp${n}`, 'PublicIp'] },
        Description: 'Whitelist this IP on the Coindirect API key (with "Allow withdrawals")',
      });
    }
  });
});
