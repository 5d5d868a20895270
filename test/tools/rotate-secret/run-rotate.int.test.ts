// `npm run rotate-secret` against moto and the simulator. moto cannot run a Lambda, so the check runs
// in-process through the worker's real exported handler (its credential-check hook), fed the event the
// CLI would send and answering JSON as Lambda would.
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CredentialCheckEvent,
  configureCredentialCheck,
} from '#functions/payout-worker/credential-check.ts';
import { handler } from '#functions/payout-worker/handler.ts';
import { localContext } from '#local/lambda-context.ts';
import { DEFAULT_CREDENTIAL } from '#simulator/defaults.ts';
import { awsTestEnv, motoEndpoint } from '#test/support/integration.ts';
import { payoutMessage, type Rig, startRig } from '#test/support/pipeline-harness.ts';
import { rotateSecretCommand } from '#tools/rotate-secret/run-rotate.ts';
import { captureIo } from '../support/capture-io.ts';

const endpoint = motoEndpoint();
const WRONG = { hawkAuthId: 'never-issued-id', hawkAuthKey: 'wrong-key-0b4f7a9c1e2d3' };
const NEXT = { id: 'next-hawk-id', key: 'next-key-9d2c4e6a8b0f1357' };

describe.skipIf(endpoint === null)('npm run rotate-secret', () => {
  const aws = awsTestEnv(endpoint ?? '');
  const secretsManager = new SecretsManagerClient(aws);
  let rig: Rig;

  /** The worker Lambda as `Invoke` sees it: JSON in, JSON out, through the exported handler. */
  const invokeWorker = async (event: CredentialCheckEvent) => {
    const answer: unknown = await handler(
      JSON.parse(JSON.stringify(event)),
      localContext('payout-worker', 30_000),
    );
    return JSON.parse(JSON.stringify(answer));
  };

  const rotate = async (value: unknown) => {
    const io = captureIo({ stdin: JSON.stringify(value) });
    const code = await rotateSecretCommand({ aws, checkCredentials: invokeWorker }).run(
      ['--secret-id', rig.resources.secretId, '--json'],
      io,
    );
    return { code, report: JSON.parse(io.out()), printed: io.out() + io.err() };
  };

  const stages = async () => {
    const out = await secretsManager.send(new DescribeSecretCommand({ SecretId: rig.resources.secretId }));
    return out.VersionIdsToStages ?? {};
  };
  const current = async () => {
    const out = await secretsManager.send(
      new GetSecretValueCommand({ SecretId: rig.resources.secretId, VersionStage: 'AWSCURRENT' }),
    );
    return { versionId: out.VersionId, value: JSON.parse(out.SecretString ?? '{}') };
  };

  /** Sends payouts and runs the worker on them as one batch; returns the batch failures. */
  const pay = async (...references: string[]) => {
    for (const reference of references) await rig.send(payoutMessage(reference));
    const response = await rig.handler(rig.toEvent(await rig.receive(10)));
    return response.batchItemFailures;
  };

  beforeAll(async () => {
    rig = await startRig({ endpoint: endpoint ?? '' });
    configureCredentialCheck(rig.env, { secretsManager });
  });
  afterAll(async () => {
    await rig.close();
    secretsManager.destroy();
  });

  it('keeps the current key when the new one fails the check, and the worker keeps paying', async () => {
    // Arrange
    expect(await pay('rotate-fail-0001')).toEqual([]);
    const before = await current();

    // Act
    const { code, report, printed } = await rotate(WRONG);

    // Assert
    expect(code).toBe(1);
    expect(report).toMatchObject({
      outcome: 'rejected',
      currentVersionId: before.versionId,
      pendingRemoved: true,
    });
    expect(report.detail).toMatch(/Coindirect answered 401 to AWSPENDING/);
    expect(await current()).toEqual(before);
    expect(Object.values(await stages()).flat()).not.toContain('AWSPENDING');
    expect(printed).not.toContain(WRONG.hawkAuthKey);
    const checks = rig.sim.requests().filter((r) => r.path === '/api/v1/merchant');
    expect(checks.map((r) => [r.method, r.authId, r.status])).toContainEqual(['GET', WRONG.hawkAuthId, 401]);
    expect(await pay('rotate-fail-0002')).toEqual([]);
    expect((await rig.ledger('rotate-fail-0002'))?.state).toBe('SUBMITTED');
  });

  it('promotes a new key that passes; the worker uses it on the next payout and nothing is lost', async () => {
    // Arrange: Coindirect issued the new key; a payout is already waiting in the queue.
    rig.sim.addCredential(NEXT);
    await rig.send(payoutMessage('rotate-pass-0001'));
    const before = await current();

    // Act
    const { code, report, printed } = await rotate({ hawkAuthId: NEXT.id, hawkAuthKey: NEXT.key });
    // The operator revokes the old key in Coindirect's UI once the new one is current.
    rig.sim.revokeCredential(DEFAULT_CREDENTIAL.id);
    const failures = await pay('rotate-pass-0002');

    // Assert
    expect(code).toBe(0);
    expect(report).toMatchObject({ outcome: 'promoted', previousVersionId: before.versionId });
    expect(report.detail).toMatch(/merchant .* is listed/);
    expect(await current()).toEqual({
      versionId: report.versionId,
      value: { hawkAuthId: NEXT.id, hawkAuthKey: NEXT.key },
    });
    expect((await stages())[before.versionId ?? '']).toEqual(['AWSPREVIOUS']);
    expect(printed).not.toContain(NEXT.key);
    const checks = rig.sim.requests().filter((r) => r.path === '/api/v1/merchant');
    expect(checks.at(-1)).toMatchObject({ method: 'GET', authId: NEXT.id, status: 200 });

    expect(failures).toEqual([]);
    for (const reference of ['rotate-pass-0001', 'rotate-pass-0002']) {
      expect((await rig.ledger(reference))?.state, reference).toBe('SUBMITTED');
      expect(rig.sim.createdCount(reference), reference).toBe(1);
    }
    const created = rig.sim.requests().filter((r) => r.outcome === 'created');
    expect(created.slice(-2).map((r) => r.authId)).toEqual([NEXT.id, NEXT.id]);
  });
});
