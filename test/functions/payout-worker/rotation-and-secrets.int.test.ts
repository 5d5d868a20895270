import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureWorker, handler } from '#functions/payout-worker/handler.ts';
import { METRIC } from '#shared/processing/ports.ts';
import { DEFAULT_CREDENTIAL, DEFAULT_MERCHANT } from '#simulator/defaults.ts';
import { awsTestEnv, motoEndpoint } from '#test/support/integration.ts';
import { payoutMessage, type Rig, startRig } from '#test/support/pipeline-harness.ts';
import { localContext } from '../../../local/lambda-context.ts';

const endpoint = motoEndpoint();
const ROTATED = { id: 'rotated-hawk-id', key: 'rotated-key-7c1d0f4b9e2a4a55b0d3' };

describe.skipIf(endpoint === null)('payout worker: key rotation and secrecy', () => {
  let rig: Rig;
  const output: string[] = [];
  const writes = { stdout: process.stdout.write, stderr: process.stderr.write };

  beforeAll(async () => {
    rig = await startRig({ endpoint: endpoint ?? '' });
    // Everything the process prints from here on (Powertools' JSON logs and metrics included).
    for (const stream of [process.stdout, process.stderr] as const) {
      const original = stream.write.bind(stream);
      stream.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
        output.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
        return original(chunk, ...rest);
      }) as typeof stream.write;
    }
  });
  afterAll(async () => {
    process.stdout.write = writes.stdout;
    process.stderr.write = writes.stderr;
    await rig.close();
  });

  it('refetches the secret on a 401 after rotation and submits without losing the message', async () => {
    await rig.send(payoutMessage('rotate-0001'));
    await rig.handler(rig.toEvent(await rig.receive(1)));
    expect(rig.sim.createdCount('rotate-0001')).toBe(1);
    // The operator rotates: Coindirect issues a new key and the old one is revoked; the worker's cache
    // still holds the old one.
    rig.sim.addCredential(ROTATED);
    await rig.rotateSecret({ hawkAuthId: ROTATED.id, hawkAuthKey: ROTATED.key });
    rig.sim.revokeCredential(DEFAULT_CREDENTIAL.id);
    const failuresBefore = rig.metrics.get(METRIC.credentialFailure);

    await rig.send(payoutMessage('rotate-0002'));
    const response = await rig.handler(rig.toEvent(await rig.receive(1)));

    expect(response.batchItemFailures).toEqual([]);
    expect(rig.sim.createdCount('rotate-0002')).toBe(1);
    expect(rig.metrics.get(METRIC.credentialFailure)).toBe(failuresBefore);
    const posts = rig.sim
      .requests()
      .filter((r) => r.method === 'POST')
      .slice(-2);
    expect(posts.map((p) => [p.authId, p.status])).toEqual([
      [DEFAULT_CREDENTIAL.id, 401],
      [ROTATED.id, 200],
    ]);
  });

  it('runs the exported Lambda handler end to end with Powertools logging and metrics', async () => {
    const aws = awsTestEnv(endpoint ?? '');
    configureWorker(rig.env, {
      sqs: new SQSClient(aws),
      dynamodb: new DynamoDBClient(aws),
      secretsManager: new SecretsManagerClient(aws),
    });
    await rig.send(payoutMessage('exported-0001'));
    await rig.send('not json at all');
    const messages = await rig.receive(10);

    const response = await handler(rig.toEvent(messages), localContext('payout-worker', 30_000));

    expect(response.batchItemFailures).toEqual([]);
    expect(rig.sim.createdCount('exported-0001')).toBe(1);
    const printed = output.join('');
    expect(printed).toContain('"message":"payout submitted"');
    expect(printed).toContain('"PayoutSubmitted"');
  });

  it('never prints or logs a HAWK key or the webhook secret', () => {
    const everything = [...rig.logger.lines, ...output].join('\n');
    expect(everything.length).toBeGreaterThan(0);
    for (const secret of [DEFAULT_CREDENTIAL.key, ROTATED.key, DEFAULT_MERCHANT.secret]) {
      expect(everything.includes(secret), 'a secret was printed').toBe(false);
    }
  });
});
