import {
  DescribeSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { CliError } from '#tools/lib/errors.ts';
import { type RotationDeps, rotateSecret } from '#tools/rotate-secret/rotate.ts';

const sm = mockClient(SecretsManagerClient);
const KEY = { hawkAuthId: 'new-id', hawkAuthKey: 'new-key-3f9a' };
const PASS = async () => ({ ok: true, merchantIdFound: true, detail: 'listed' });
const FAIL = async () => ({ ok: false, merchantIdFound: false, detail: 'Coindirect answered 401' });
const deps = (checkCredentials: RotationDeps['checkCredentials']): RotationDeps => ({
  secretsManager: new SecretsManagerClient({ region: 'eu-west-1' }),
  secretId: 'payouts/hawk',
  checkCredentials,
});
const stageUpdates = () => sm.commandCalls(UpdateSecretVersionStageCommand).map((c) => c.args[0].input);

beforeEach(() => {
  sm.reset();
  sm.on(DescribeSecretCommand).resolves({ VersionIdsToStages: { 'v-old': ['AWSCURRENT'] } });
  sm.on(PutSecretValueCommand).resolves({ VersionId: 'v-new', VersionStages: ['AWSPENDING'] });
  sm.on(UpdateSecretVersionStageCommand).resolves({});
});

describe('rotateSecret', () => {
  it('stores the key as AWSPENDING, checks that version, then moves AWSCURRENT from the old one', async () => {
    // Arrange
    const asked: unknown[] = [];

    // Act
    const report = await rotateSecret(
      KEY,
      deps(async (event) => {
        asked.push(event);
        return PASS();
      }),
    );

    // Assert
    expect(sm.commandCalls(PutSecretValueCommand)[0]?.args[0].input).toMatchObject({
      SecretId: 'payouts/hawk',
      SecretString: JSON.stringify(KEY),
      VersionStages: ['AWSPENDING'],
    });
    expect(asked).toEqual([{ action: 'checkCredentials', versionStage: 'AWSPENDING', versionId: 'v-new' }]);
    expect(stageUpdates()).toEqual([
      {
        SecretId: 'payouts/hawk',
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: 'v-new',
        RemoveFromVersionId: 'v-old',
      },
      { SecretId: 'payouts/hawk', VersionStage: 'AWSPENDING', RemoveFromVersionId: 'v-new' },
    ]);
    expect(report).toEqual({
      outcome: 'promoted',
      versionId: 'v-new',
      previousVersionId: 'v-old',
      detail: 'listed',
    });
  });

  it('never touches AWSCURRENT when the check fails or cannot run', async () => {
    // Act
    const failed = await rotateSecret(KEY, deps(FAIL));
    const crashed = await rotateSecret(
      KEY,
      deps(async () => {
        throw new Error('AccessDeniedException: not allowed to invoke');
      }),
    );

    // Assert
    expect(stageUpdates().every((u) => u.VersionStage === 'AWSPENDING')).toBe(true);
    expect(failed).toMatchObject({ outcome: 'rejected', currentVersionId: 'v-old', pendingRemoved: true });
    expect(crashed).toMatchObject({
      outcome: 'rejected',
      detail: 'the check could not run: AccessDeniedException: not allowed to invoke',
    });
  });

  it('says so when the first value of an empty secret became current by itself', async () => {
    // Arrange
    sm.on(DescribeSecretCommand).resolves({});
    sm.on(PutSecretValueCommand).resolves({
      VersionId: 'v-first',
      VersionStages: ['AWSPENDING', 'AWSCURRENT'],
    });

    // Act
    const failed = await rotateSecret(KEY, deps(FAIL));
    const passed = await rotateSecret(KEY, deps(PASS));

    // Assert
    expect(failed).toMatchObject({
      outcome: 'rejected',
      currentVersionId: null,
      firstVersionIsCurrent: true,
    });
    expect(passed).toEqual({
      outcome: 'promoted',
      versionId: 'v-first',
      previousVersionId: null,
      detail: 'listed',
    });
    expect(stageUpdates().filter((u) => u.VersionStage === 'AWSCURRENT')).toEqual([]);
  });

  it('says how to finish by hand when the promotion itself fails', async () => {
    // Arrange
    sm.on(UpdateSecretVersionStageCommand, { VersionStage: 'AWSCURRENT' }).rejects(
      Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }),
    );

    // Act
    const rotation = rotateSecret(KEY, deps(PASS));

    // Assert
    await expect(rotation).rejects.toBeInstanceOf(CliError);
    await expect(rotation).rejects.toThrow(
      /promoting it failed \(AccessDeniedException: not authorized\)\. The current key is unchanged; .*--move-to-version-id v-new --remove-from-version-id v-old/,
    );
  });
});
