import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { selectEnvironment } from '#infra/config.ts';
import { stackNames } from '#shared/deployment/stacks.ts';
import {
  ADOPTED_ALLOCATION_IDS,
  adoptingEnvironment,
  cdkContext,
  environmentNames,
  synthPayoutApp,
  type TemplateResource,
} from '../payout-app-fixture.ts';

/** The `Fn::GetStackOutput` reads inside a template value, however deeply nested. */
function stackOutputReads(
  value: unknown,
): Array<{ StackName: unknown; Region: unknown; OutputName: string }> {
  if (Array.isArray(value)) return value.flatMap(stackOutputReads);
  if (typeof value !== 'object' || value === null) return [];
  const read = (value as Record<string, unknown>)['Fn::GetStackOutput'];
  if (typeof read === 'object' && read !== null) {
    return [read as { StackName: unknown; Region: unknown; OutputName: string }];
  }
  return Object.values(value).flatMap(stackOutputReads);
}

function natGatewayAllocations(worker: Template): unknown[] {
  return (Object.values(worker.findResources('AWS::EC2::NatGateway')) as TemplateResource[]).map(
    (gateway) => gateway.Properties?.AllocationId,
  );
}

describe.each(environmentNames)('Elastic IP allocation IDs, EgressIps stack to worker stack (%s)', (name) => {
  const { config } = selectEnvironment({ env: name, environments: cdkContext.environments });
  const names = stackNames(name);

  it('puts each NAT gateway on a different Elastic IP of the EgressIps stack, read with Fn::GetStackOutput', () => {
    const { worker, egressIps } = synthPayoutApp(name);
    if (egressIps === undefined) throw new Error('the sample config defines an EgressIps stack');

    const allocations = natGatewayAllocations(worker);
    const reads = allocations.flatMap(stackOutputReads);

    expect(allocations).toHaveLength(config.egress.natGateways);
    expect(reads).toHaveLength(config.egress.natGateways);
    const addresses = reads.map((read) => {
      expect(allocations).toContainEqual({ 'Fn::GetStackOutput': read });
      expect(read).toMatchObject({ StackName: names.egressIps, Region: config.region });
      const output = egressIps.findOutputs(read.OutputName);
      expect(Object.keys(output)).toEqual([read.OutputName]);
      const value = output[read.OutputName]?.Value as { 'Fn::GetAtt': [string, string] };
      expect(value['Fn::GetAtt'][1]).toBe('AllocationId');
      return value['Fn::GetAtt'][0];
    });
    expect(addresses.sort()).toEqual(
      Array.from({ length: config.egress.natGateways }, (_, index) => `EgressIp${index + 1}`),
    );
  });

  it('looks each egress IP up from the same allocation ID its NAT gateway uses', () => {
    const { worker } = synthPayoutApp(name);
    const gatewayOutputs = natGatewayAllocations(worker)
      .flatMap(stackOutputReads)
      .map((read) => read.OutputName);

    const lookups = Object.values(worker.findResources('Custom::AWS')) as TemplateResource[];
    const lookedUp = lookups.map((lookup) => {
      expect(JSON.stringify(lookup.Properties?.Create)).toContain('describeAddresses');
      return [...new Set(stackOutputReads(lookup.Properties?.Create).map((read) => read.OutputName))];
    });

    expect(lookedUp.flat().sort()).toEqual([...gatewayOutputs].sort());
    for (const outputs of lookedUp) expect(outputs).toHaveLength(1);
  });

  it('depends on the EgressIps stack for the deploy order only, with no export to lock it', () => {
    const { workerStack, egressIpStack, worker, egressIps } = synthPayoutApp(name);

    expect(workerStack.dependencies).toEqual([egressIpStack]);
    expect(JSON.stringify(worker.toJSON())).not.toContain('Fn::ImportValue');
    const outputs = Object.values(egressIps?.findOutputs('*') ?? {}) as Array<{ Export?: unknown }>;
    expect(outputs.length).toBeGreaterThan(0);
    expect(outputs.filter((output) => output.Export !== undefined)).toEqual([]);
  });

  it('takes adopted allocation IDs from cdk.json as literals, and defines no EgressIps stack then', () => {
    const { app, worker, workerStack, egressIpStack } = synthPayoutApp(name, {
      environment: adoptingEnvironment(name),
    });

    expect(egressIpStack).toBeUndefined();
    expect(app.synth().stacks.map((stack) => stack.stackName)).toEqual([names.worker]);
    expect(workerStack.dependencies).toEqual([]);
    expect(natGatewayAllocations(worker).sort()).toEqual(
      [...ADOPTED_ALLOCATION_IDS.slice(0, config.egress.natGateways)].sort(),
    );
    expect(JSON.stringify(worker.toJSON())).not.toContain('Fn::GetStackOutput');
  });
});
