import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { selectEnvironment } from '#infra/config.ts';
import {
  cdkContext,
  environmentNames,
  logicalIdOf,
  referencedIds,
  synthPayoutApp,
  type TemplateResource,
} from '../payout-app-fixture.ts';

describe.each(environmentNames)('EgressVpc in the worker stack (%s)', (name) => {
  const { config } = selectEnvironment({ env: name, environments: cdkContext.environments });

  it('puts its NAT gateways on exactly the configured Elastic IP allocations', () => {
    const { worker } = synthPayoutApp(name);

    const gateways = Object.values(worker.findResources('AWS::EC2::NatGateway')) as TemplateResource[];

    expect(gateways.map((gateway) => gateway.Properties?.AllocationId).sort()).toEqual(
      [...config.egress.eipAllocationIds].sort(),
    );
  });

  it('never creates or owns an Elastic IP', () => {
    const { worker } = synthPayoutApp(name);

    worker.resourceCountIs('AWS::EC2::EIP', 0);
  });

  it('does not depend on the Elastic IP stack, so either can be deployed or deleted alone', () => {
    const { workerStack, worker } = synthPayoutApp(name);

    expect(workerStack.dependencies).toEqual([]);
    expect(JSON.stringify(worker.toJSON())).not.toContain('Fn::ImportValue');
  });

  it('routes every private subnet through a NAT gateway on a configured IP', () => {
    const { worker } = synthPayoutApp(name);
    const natIds = Object.keys(worker.findResources('AWS::EC2::NatGateway'));

    const privateRoutes = Object.values(
      worker.findResources('AWS::EC2::Route', { Properties: { NatGatewayId: Match.anyValue() } }),
    ) as TemplateResource[];

    expect(privateRoutes).toHaveLength(config.availabilityZones?.length ?? 2);
    for (const route of privateRoutes) {
      expect(route.Properties?.DestinationCidrBlock).toBe('0.0.0.0/0');
      expect(natIds).toContain(referencedIds(route.Properties?.NatGatewayId)[0]);
    }
  });

  it('outputs each egress IP, looked up from its allocation, with a whitelisting instruction', () => {
    const { worker } = synthPayoutApp(name);

    config.egress.eipAllocationIds.forEach((allocationId, index) => {
      const lookupId = logicalIdOf(worker, 'Custom::AWS', {
        Create: Match.serializedJson(
          Match.objectLike({ action: 'describeAddresses', parameters: { AllocationIds: [allocationId] } }),
        ),
      });
      worker.hasOutput(`EgressIp${index + 1}`, {
        Value: { 'Fn::GetAtt': [lookupId, 'Addresses.0.PublicIp'] },
        Description: Match.stringLikeRegexp(`${allocationId}.*Whitelist it on the Coindirect API key`),
      });
    });
  });

  it('restricts the default security group and adds a DynamoDB gateway endpoint to the private routes', () => {
    const { worker } = synthPayoutApp(name);

    worker.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
    const privateRouteTables = Object.keys(
      worker.findResources('AWS::EC2::RouteTable', {
        Properties: {
          Tags: Match.arrayWith([Match.objectLike({ Value: Match.stringLikeRegexp('WorkerSubnet') })]),
        },
      }),
    );
    const endpoints = Object.values(worker.findResources('AWS::EC2::VPCEndpoint')) as TemplateResource[];

    expect(endpoints).toHaveLength(1);
    expect(endpoints[0]?.Properties).toMatchObject({
      VpcEndpointType: 'Gateway',
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.dynamodb']] },
    });
    expect(referencedIds(endpoints[0]?.Properties?.RouteTableIds).sort()).toEqual(privateRouteTables.sort());
  });
});
