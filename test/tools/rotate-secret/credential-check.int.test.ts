// The worker's credential-check mode on its own, against moto's Secrets Manager and the simulator.
import { randomUUID } from 'node:crypto';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CredentialCheckDeps, checkCredentials } from '#functions/payout-worker/credential-check.ts';
import { createHttpTransport } from '#shared/coindirect/http-transport.ts';
import { DEFAULT_CREDENTIAL, DEFAULT_MERCHANT } from '#simulator/defaults.ts';
import { startSimulator } from '#simulator/simulator.ts';
import type { Simulator } from '#simulator/types.ts';
import { awsTestEnv, motoEndpoint } from '#test/support/integration.ts';

const endpoint = motoEndpoint();

describe.skipIf(endpoint === null)('checkCredentials', () => {
  const secretsManager = new SecretsManagerClient(awsTestEnv(endpoint ?? ''));
  const secretId = `check-${randomUUID().slice(0, 8)}/hawk`;
  let sim: Simulator;
  let deps: CredentialCheckDeps;

  beforeAll(async () => {
    sim = await startSimulator({});
    await secretsManager.send(
      new CreateSecretCommand({
        Name: secretId,
        SecretString: JSON.stringify({
          hawkAuthId: DEFAULT_CREDENTIAL.id,
          hawkAuthKey: DEFAULT_CREDENTIAL.key,
        }),
      }),
    );
    deps = {
      secretsManager,
      secretId,
      baseUrl: sim.url,
      merchantId: DEFAULT_MERCHANT.merchantId,
      transport: createHttpTransport({ connectTimeoutMs: 1_000, totalTimeoutMs: 2_000 }),
    };
  });
  afterAll(async () => {
    await sim.close();
    secretsManager.destroy();
  });

  it('passes for a working key whose account lists the merchant, without returning anything secret', async () => {
    // Act
    const result = await checkCredentials({ action: 'checkCredentials', versionStage: 'AWSCURRENT' }, deps);

    // Assert
    expect(result).toEqual({
      ok: true,
      merchantIdFound: true,
      detail: `signed GET /api/v1/merchant with AWSCURRENT succeeded; merchant ${DEFAULT_MERCHANT.merchantId} is listed`,
    });
    expect(JSON.stringify(result)).not.toContain(DEFAULT_MERCHANT.secret);
  });

  it('fails when the key works but its account does not list the merchant', async () => {
    // Act
    const result = await checkCredentials(
      { action: 'checkCredentials', versionStage: 'AWSCURRENT' },
      { ...deps, merchantId: 'another-merchant-01' },
    );

    // Assert
    expect(result).toMatchObject({ ok: false, merchantIdFound: false });
    expect(result.detail).toMatch(/merchant another-merchant-01 is not among the 1 the key can see/);
  });

  it('fails, naming the version, when that version of the secret cannot be read', async () => {
    // Act
    const result = await checkCredentials({ action: 'checkCredentials', versionStage: 'AWSPENDING' }, deps);

    // Assert
    expect(result).toMatchObject({ ok: false, merchantIdFound: false });
    expect(result.detail).toMatch(
      /^could not read version AWSPENDING of the secret: ResourceNotFoundException/,
    );
    expect(sim.requests().filter((r) => r.path === '/api/v1/merchant')).toHaveLength(2);
  });

  it('refuses a malformed request without reading anything', async () => {
    // Act
    const result = await checkCredentials({ action: 'checkCredentials', versionStage: 'AWS PENDING!' }, deps);

    // Assert
    expect(result).toMatchObject({ ok: false, detail: expect.stringMatching(/^invalid request/) });
  });
});
