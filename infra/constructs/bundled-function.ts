import { fileURLToPath } from 'node:url';
import { type Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { type ISecurityGroup, type IVpc, SubnetType } from 'aws-cdk-lib/aws-ec2';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PAYOUT_METRICS_NAMESPACE } from '#shared/deployment/metrics.ts';
import { LAMBDA_BUNDLE } from '../lambda-bundling.ts';

const LOCK_FILE = fileURLToPath(new URL('../../package-lock.json', import.meta.url));

/** The Lambda functions of the payout lifecycle; their EMF metrics use this namespace and `service`. */
export const LIFECYCLE_SERVICES = {
  namespace: PAYOUT_METRICS_NAMESPACE,
  webhook: 'payout-webhook',
  status: 'payout-status',
  sweep: 'payout-sweep',
} as const;

/** Every function logs at this level (`POWERTOOLS_LOG_LEVEL`); a function's own environment may override it. */
export const LOG_LEVEL = 'INFO';

/**
 * `NodejsFunction` bundling for every Lambda of the project: the settings of `infra/lambda-bundling.ts`
 * (also used by `npm run build` and the benchmarks), plus the SDK versions the lock file pins and the tests
 * ran against rather than whatever the runtime has.
 */
export const NODEJS_BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  minify: LAMBDA_BUNDLE.minify,
  sourceMap: LAMBDA_BUNDLE.sourcemap,
  target: LAMBDA_BUNDLE.target,
  mainFields: [...LAMBDA_BUNDLE.mainFields],
  banner: LAMBDA_BUNDLE.banner,
  bundleAwsSDK: true,
};

export interface BundledFunctionProps {
  /** Path of the entry file from the repository root, e.g. `functions/payout-status/handler.ts`. */
  readonly entry: string;
  readonly description: string;
  readonly timeout: Duration;
  readonly memorySizeMb: number;
  readonly environment: Readonly<Record<string, string>>;
  readonly logRetention: RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  /** Runs in the VPC's private subnets with this group; omitted: outside any VPC. */
  readonly network?: { readonly vpc: IVpc; readonly securityGroup: ISecurityGroup };
  /** Concurrent executions reserved for the function (and its cap). Default: none. */
  readonly reservedConcurrency?: number;
}

/**
 * One Lambda of the project (the worker, and the lifecycle's receiver, status function and sweep): the entry
 * bundled locally by esbuild (`infra/lambda-bundling.ts`), Node.js 24 on arm64, its own log group with the
 * environment's retention, active X-Ray tracing, and `NODE_OPTIONS=--enable-source-maps` and
 * `POWERTOOLS_LOG_LEVEL` before its own environment.
 */
export class BundledFunction extends Construct {
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: BundledFunctionProps) {
    super(scope, id);

    const logGroup = new LogGroup(this, 'LogGroup', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    this.function = new NodejsFunction(this, 'Function', {
      entry: fileURLToPath(new URL(`../../${props.entry}`, import.meta.url)),
      handler: 'handler',
      depsLockFilePath: LOCK_FILE,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      description: props.description,
      timeout: props.timeout,
      memorySize: props.memorySizeMb,
      logGroup,
      ...(props.network
        ? {
            vpc: props.network.vpc,
            vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
            securityGroups: [props.network.securityGroup],
          }
        : {}),
      ...(props.reservedConcurrency === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrency }),
      bundling: NODEJS_BUNDLING,
      // The runtime records each invocation's segment; no X-Ray SDK in the bundle (docs/decisions.md, "Tracing").
      tracing: Tracing.ACTIVE,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_LOG_LEVEL: LOG_LEVEL,
        ...props.environment,
      },
    });

    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'AWS-maintained policy that only allows writing CloudWatch Logs.',
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords have no resource-level ' +
        "permissions; test/infra checks that they are the only actions on '*'.",
    });
    if (props.network) {
      Validations.of(this.function).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
        reason:
          'AWS-maintained policy Lambda needs to manage its ENIs in the private subnets; the EC2 network ' +
          'interface actions it allows have no resource-level scoping to narrow.',
      });
    }
  }
}
