import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { selectEnvironment } from '#infra/config.ts';
import {
  ADOPTED_ALLOCATION_IDS,
  adoptingEnvironment,
  cdkContext,
  environmentNames,
  logicalIdOf,
  referencedIds,
  synthPayoutApp,
  type TemplateResource,
} from '../payout-app-fixture.ts';

describe.each(environmentNames)('EgressVpc in the worker stack (%s)', (name) => {
  const { config } = selectEnvironment({ env: name, environments: cdkContext.environments });

  it('never creates or owns an Elastic IP', () => {
    const { worker } = synthPayoutApp(name);

    worker.resourceCountIs('AWS::EC2::EIP', 0);
  });

  it('routes every private subnet through a NAT gateway', () => {
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
    // Literal allocation IDs (adopted ones) show in the lookup; referenced ones: egress-allocation-flow.test.ts.
    const { worker } = synthPayoutApp(name, { environment: adoptingEnvironment(name) });

    ADOPTED_ALLOCATION_IDS.slice(0, config.egress.natGateways).forEach((allocationId, index) => {
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
