import { type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  FlowLogDestination,
  FlowLogTrafficType,
  GatewayVpcEndpointAwsService,
  IpAddresses,
  type IVpc,
  NatProvider,
  Peer,
  Port,
  SecurityGroup,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

export interface EgressVpcProps {
  /**
   * Elastic IP allocations, one per NAT gateway, in zone order: literal IDs, or references to another
   * stack's (resolved at deploy). The VPC attaches them and never allocates or releases an Elastic IP, so
   * the egress IPs outlive this stack.
   */
  readonly eipAllocationIds: readonly string[];
  /** NAT gateways: 1 routes every zone through one gateway; one per zone keeps egress up in an AZ outage. */
  readonly natGateways: number;
  /** Retention of the VPC flow log. */
  readonly flowLogRetention: RetentionDays;
  /** What happens to the flow log when the stack is deleted. */
  readonly removalPolicy: RemovalPolicy;
  /** IPv4 range of the VPC. Default `10.0.0.0/16`, which nothing outside the VPC needs to know about. */
  readonly cidr?: string;
}

/** One Elastic IP the worker's requests leave AWS from. */
export interface EgressIp {
  readonly allocationId: string;
  /** Resolved at deploy time by looking the allocation up (the stack does not own the address). */
  readonly publicIp: string;
}

/**
 * The network the payout worker runs in: public subnets whose NAT gateways send all traffic out through
 * the configured Elastic IPs (the ones whitelisted on the Coindirect key), private subnets for the Lambda,
 * a security group that allows nothing but HTTPS out, and a free gateway endpoint for DynamoDB. Zones
 * come from the stack's `availabilityZones`.
 */
export class EgressVpc extends Construct {
  readonly vpc: IVpc;
  /** For the worker: egress on 443 only, no ingress. */
  readonly workerSecurityGroup: SecurityGroup;
  readonly egressIps: readonly EgressIp[];

  constructor(scope: Construct, id: string, props: EgressVpcProps) {
    super(scope, id);

    const vpc = new Vpc(this, 'Vpc', {
      ipAddresses: IpAddresses.cidr(props.cidr ?? '10.0.0.0/16'),
      natGateways: props.natGateways,
      natGatewayProvider: NatProvider.gateway({ eipAllocationIds: [...props.eipAllocationIds] }),
      subnetConfiguration: [
        { name: 'Public', subnetType: SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'Worker', subnetType: SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      ],
      restrictDefaultSecurityGroup: true,
      gatewayEndpoints: {
        DynamoDb: {
          service: GatewayVpcEndpointAwsService.DYNAMODB,
          subnets: [{ subnetType: SubnetType.PRIVATE_WITH_EGRESS }],
        },
      },
    });

    const flowLogGroup = new LogGroup(this, 'FlowLogGroup', {
      retention: props.flowLogRetention,
      removalPolicy: props.removalPolicy,
    });
    vpc.addFlowLog('FlowLog', {
      destination: FlowLogDestination.toCloudWatchLogs(flowLogGroup),
      trafficType: FlowLogTrafficType.ALL,
    });
    // aws-cdk-lib classes type unset optional fields as `T | undefined`, which exactOptionalPropertyTypes
    // does not let them pass for the interfaces they implement; the upcast is sound.
    this.vpc = vpc as IVpc;

    this.workerSecurityGroup = new SecurityGroup(this, 'WorkerSecurityGroup', {
      vpc: this.vpc,
      description: 'Payout worker: HTTPS out only (Coindirect through the NAT gateways, AWS APIs)',
      allowAllOutbound: false,
    });
    this.workerSecurityGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(443), 'HTTPS to Coindirect and AWS APIs');

    this.egressIps = props.eipAllocationIds.map((allocationId, index) => ({
      allocationId,
      publicIp: this.lookUpPublicIp(`EgressIp${index + 1}Lookup`, allocationId),
    }));
    acknowledgeCustomResourceProvider(Stack.of(this));
  }

  // CloudFormation has no attribute giving a NAT gateway's or a foreign allocation's public IP, so a
  // deploy-time DescribeAddresses call resolves it; the output is then what the NAT really uses.
  private lookUpPublicIp(id: string, allocationId: string): string {
    const lookup = new AwsCustomResource(this, id, {
      onUpdate: {
        service: 'EC2',
        action: 'describeAddresses',
        parameters: { AllocationIds: [allocationId] },
        physicalResourceId: PhysicalResourceId.of(allocationId),
        outputPaths: ['Addresses.0.PublicIp'],
      },
      policy: AwsCustomResourcePolicy.fromSdkCalls({ resources: AwsCustomResourcePolicy.ANY_RESOURCE }),
      installLatestAwsSdk: false,
    });
    Validations.of(lookup).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ec2:DescribeAddresses has no resource-level permissions; the call is read-only and runs at deploy.',
    });
    return lookup.getResponseField('Addresses.0.PublicIp');
  }
}

// The lookups share one CDK-made singleton Lambda, created at stack level.
function acknowledgeCustomResourceProvider(stack: Stack): void {
  const provider = stack.node.tryFindChild(
    `AWS${AwsCustomResource.PROVIDER_FUNCTION_UUID.replaceAll('-', '')}`,
  );
  if (!provider) return;
  Validations.of(provider).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: 'CDK-managed deploy-time provider; the AWS policy only lets it write its own logs.',
  });
}
