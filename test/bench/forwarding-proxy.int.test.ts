// The chaos run's premise: through the serialising forwarder, moto's conditional writes behave as
// DynamoDB's do, so concurrent claims of one reference have one winner. (Without it, moto 5.2.1 lets two
// or more of five concurrent claims win in about half the tries.)
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '#shared/ledger/ledger.ts';
import { payoutDigest } from '#shared/payout/digest.ts';
import { parsePayoutMessage } from '#shared/payout/schema.ts';
import { awsTestEnv, motoEndpoint } from '#test/support/integration.ts';
import { type ForwardingProxy, startForwardingProxy } from '../../bench/lib/forwarding-proxy.ts';
import { payoutBody } from '../../bench/lib/payouts.ts';
import { provisionLocalResources } from '../../local/provision.ts';

const endpoint = motoEndpoint();
const GUARDRAILS = {
  defaultMerchantId: '9a57c17a-1eef-48ff-83d0-b5892c99f767',
  allowedMerchantIds: [],
  maxAmounts: { EUR: '5000' },
  addressNetwork: 'mainnet' as const,
  maxBodyBytes: 16_384,
};

describe.skipIf(endpoint === null)('serialising forwarder in front of moto', () => {
  let proxy: ForwardingProxy;
  let tableName: string;

  beforeAll(async () => {
    const aws = awsTestEnv(endpoint ?? '');
    const resources = await provisionLocalResources({
      sqs: new SQSClient(aws),
      dynamodb: new DynamoDBClient(aws),
      secretsManager: new SecretsManagerClient(aws),
      prefix: `proxy-${Date.now()}`,
      hawk: { hawkAuthId: 'id', hawkAuthKey: 'key' },
    });
    tableName = resources.tableName;
    proxy = await startForwardingProxy(endpoint ?? '', { serial: true });
  });
  afterAll(async () => {
    await proxy.close();
  });

  it('lets exactly one of five concurrent ledger claims of a reference win', async () => {
    const ledgers = Array.from(
      { length: 5 },
      () =>
        new Ledger({ client: new DynamoDBClient(awsTestEnv(proxy.endpoint)), tableName, leaseMs: 10_000 }),
    );
    const winners: number[] = [];

    for (let i = 0; i < 20; i++) {
      const parsed = parsePayoutMessage(payoutBody(`proxy-claim-${i}`), GUARDRAILS);
      if (!parsed.ok) throw new Error('invalid fixture');
      const digest = payoutDigest(parsed.payout);
      const claims = await Promise.all(
        ledgers.map((l, j) => l.claim(parsed.payout, digest, `owner-${j}`, 'm')),
      );
      winners.push(claims.filter((c) => c.kind === 'claimed').length);
    }

    expect(winners).toEqual(Array.from({ length: 20 }, () => 1));
  });
});
