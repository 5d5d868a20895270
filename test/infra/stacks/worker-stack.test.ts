import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { selectEnvironment } from '#infra/config.ts';
import {
  cdkContext,
  environmentNames,
  logicalIdOf,
  rawEnvironment,
  referencedIds,
  statementsOf,
  synthPayoutApp,
  type TemplateResource,
  WORKER_IDS,
} from '../payout-app-fixture.ts';

describe.each(environmentNames)('WorkerStack (%s)', (name) => {
  const { config } = selectEnvironment({ env: name, environments: cdkContext.environments });

  it('outputs what an operator and a producer need', () => {
    const { worker } = synthPayoutApp(name);

    const outputs = Object.keys(worker.findOutputs('*'));

    expect(outputs).toEqual(
      expect.arrayContaining([
        ...Array.from({ length: config.egress.natGateways }, (_, index) => `EgressIp${index + 1}`),
        'PayoutQueueUrl',
        'PayoutQueueArn',
        'DeadLetterQueueUrl',
        'HawkSecretArn',
        'LedgerTableName',
        'AlarmTopicArn',
        'ProducerPolicyArn',
      ]),
    );
  });

  it(`is ${config.retainData ? '' : 'not '}termination-protected`, () => {
    const { workerStack } = synthPayoutApp(name);

    expect(workerStack.terminationProtection).toBe(config.retainData);
  });

  it('keeps the worker log and the VPC flow log for the configured retention', () => {
    const { worker } = synthPayoutApp(name);
    const fnId = logicalIdOf(
      worker,
      'AWS::Lambda::Function',
      { VpcConfig: Match.anyValue() },
      WORKER_IDS.function,
    );
    const fn = worker.toJSON().Resources[fnId] as TemplateResource;
    const workerLogGroup = referencedIds(fn.Properties?.LoggingConfig)[0] as string;
    const flowLogGroup = referencedIds(
      (Object.values(worker.findResources('AWS::EC2::FlowLog'))[0] as TemplateResource).Properties
        ?.LogGroupName,
    )[0] as string;

    for (const id of [workerLogGroup, flowLogGroup]) {
      expect(worker.toJSON().Resources[id]).toMatchObject({
        Type: 'AWS::Logs::LogGroup',
        Properties: { RetentionInDays: config.logRetentionDays },
        DeletionPolicy: config.retainData ? 'Retain' : 'Delete',
      });
    }
    worker.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', ResourceType: 'VPC' });
  });

  it('needs no context lookup at synth, so synth works without AWS credentials', () => {
    const { app } = synthPayoutApp(name);

    const assembly = app.synth();

    expect(assembly.manifest.missing ?? []).toEqual([]);
  });
});

describe('WorkerStack variants', () => {
  it('uses an existing secret by name without creating one, and passes the name as HAWK_SECRET_ID', () => {
    const environment = { ...rawEnvironment('staging'), hawkSecret: { importName: 'coindirect/hawk' } };

    const { worker } = synthPayoutApp('staging', { environment });

    // The one secret left is the lifecycle's webhook secret.
    expect(
      Object.keys(worker.findResources('AWS::SecretsManager::Secret')).filter((id) =>
        id.startsWith(WORKER_IDS.hawkSecret),
      ),
    ).toEqual([]);
    worker.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ HAWK_SECRET_ID: 'coindirect/hawk' }) },
    });
    const hawkStatements = statementsOf(worker.findResources('AWS::IAM::Policy')).filter(
      (statement) =>
        [statement.Action].flat().includes('secretsmanager:GetSecretValue') &&
        JSON.stringify(statement.Resource).includes('coindirect/hawk'),
    );
    // The worker, the status function and the sweep read the HAWK key; each grant names it exactly.
    expect(hawkStatements).toHaveLength(3);
    for (const statement of hawkStatements) {
      expect(JSON.stringify(statement.Resource)).toContain(':secret:coindirect/hawk-??????');
    }
  });

  it('synthesizes env-agnostic, with deploy-time zone placeholders, when no region is configured', () => {
    const { region: _region, availabilityZones: _zones, ...agnostic } = rawEnvironment('production');

    const { app, worker } = synthPayoutApp('production', { environment: agnostic });

    expect(app.synth().manifest.missing ?? []).toEqual([]);
    worker.hasResourceProperties('AWS::EC2::Subnet', {
      AvailabilityZone: { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] },
    });
    worker.resourceCountIs('AWS::EC2::NatGateway', 2);
  });

  it('shares one NAT gateway between the zones when one is configured', () => {
    const environment = rawEnvironment('production');
    environment.egress = { natGateways: 1, eipAllocationIds: ['eipalloc-0fedcba9876543210'] };

    const { worker } = synthPayoutApp('production', { environment });

    worker.resourceCountIs('AWS::EC2::NatGateway', 1);
    worker.hasResourceProperties('AWS::EC2::NatGateway', { AllocationId: 'eipalloc-0fedcba9876543210' });
    expect(
      Object.keys(
        worker.findResources('AWS::EC2::Route', { Properties: { NatGatewayId: Match.anyValue() } }),
      ),
    ).toHaveLength(2);
  });
});
