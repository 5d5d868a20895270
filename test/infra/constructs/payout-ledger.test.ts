import { Match } from 'aws-cdk-lib/assertions';
import { describe, it } from 'vitest';
import { selectEnvironment } from '#infra/config.ts';
import { cdkContext, environmentNames, synthPayoutApp } from '../payout-app-fixture.ts';

describe.each(environmentNames)('PayoutLedger and HawkSecret in the worker stack (%s)', (name) => {
  const { config } = selectEnvironment({ env: name, environments: cdkContext.environments });

  it('keys the ledger by reference, on demand, with PITR and AWS-managed encryption', () => {
    const { worker } = synthPayoutApp(name);

    worker.resourceCountIs('AWS::DynamoDB::Table', 1);
    worker.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'reference', KeyType: 'HASH' }],
      AttributeDefinitions: Match.arrayWith([{ AttributeName: 'reference', AttributeType: 'S' }]),
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('expires the short-lived control items (webhook replay marks) by TTL on expiresAt', () => {
    const { worker } = synthPayoutApp(name);

    worker.hasResourceProperties('AWS::DynamoDB::Table', {
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it(`${config.retainData ? 'retains and deletion-protects' : 'does not retain'} the ledger table`, () => {
    const { worker } = synthPayoutApp(name);

    worker.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: config.retainData ? 'Retain' : 'Delete',
      UpdateReplacePolicy: config.retainData ? 'Retain' : 'Delete',
      Properties: Match.objectLike({ DeletionProtectionEnabled: config.retainData }),
    });
  });

  it('creates the HAWK secret empty, describing the JSON shape to put in it', () => {
    const { worker } = synthPayoutApp(name);

    worker.hasResourceProperties('AWS::SecretsManager::Secret', {
      Description: Match.stringLikeRegexp('"hawkAuthId".*"hawkAuthKey"'),
      GenerateSecretString: Match.absent(),
      SecretString: Match.absent(),
    });
  });
});
