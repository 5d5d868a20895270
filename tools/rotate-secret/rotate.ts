// Rotation of the HAWK key: store the new value as AWSPENDING, have it tested from inside the VPC, and
// promote it to AWSCURRENT only when the test passes.
import { randomUUID } from 'node:crypto';
import {
  DescribeSecretCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type {
  CredentialCheckEvent,
  CredentialCheckResult,
} from '#functions/payout-worker/credential-check.ts';
import type { HawkCredentials } from '#shared/coindirect/hawk-signer.ts';
import { CliError } from '../lib/errors.ts';

export interface RotationDeps {
  readonly secretsManager: SecretsManagerClient;
  readonly secretId: string;
  /** Runs the worker's credential check (a Lambda invocation; in tests, the check in-process). */
  readonly checkCredentials: (event: CredentialCheckEvent) => Promise<CredentialCheckResult>;
  /** Progress lines for the operator. */
  readonly log?: (line: string) => void;
}

export type RotationReport =
  | {
      readonly outcome: 'promoted';
      readonly versionId: string;
      /** The version that was AWSCURRENT before (now AWSPREVIOUS); null for the secret's first value. */
      readonly previousVersionId: string | null;
      readonly detail: string;
    }
  | {
      readonly outcome: 'rejected';
      readonly versionId: string;
      /** The version that stays AWSCURRENT; null when the secret had no value before. */
      readonly currentVersionId: string | null;
      readonly detail: string;
      /** Whether the AWSPENDING label could be taken off the failed version again. */
      readonly pendingRemoved: boolean;
      /**
       * The secret had no value, so Secrets Manager made this first version AWSCURRENT by itself and the
       * failing key is now the only one. Nothing worked before either: store a working key next.
       */
      readonly firstVersionIsCurrent: boolean;
    };

/**
 * Stores `value` as a new AWSPENDING version, asks `checkCredentials` to test that exact version, then
 * either moves AWSCURRENT to it (the old current becomes AWSPREVIOUS) or takes AWSPENDING off it again,
 * leaving the current key untouched. The value is never logged or returned.
 *
 * @throws CliError when a Secrets Manager step fails; the message says what state the secret is in.
 */
export async function rotateSecret(value: HawkCredentials, deps: RotationDeps): Promise<RotationReport> {
  const log = deps.log ?? (() => undefined);
  const currentVersionId = (await versionWithStage(deps, 'AWSCURRENT')) ?? null;

  const put = await deps.secretsManager.send(
    new PutSecretValueCommand({
      SecretId: deps.secretId,
      SecretString: JSON.stringify({ hawkAuthId: value.hawkAuthId, hawkAuthKey: value.hawkAuthKey }),
      VersionStages: ['AWSPENDING'],
      ClientRequestToken: randomUUID(),
    }),
  );
  const versionId = put.VersionId;
  if (versionId === undefined) {
    throw new CliError('PutSecretValue returned no version id; nothing was promoted');
  }
  // The first version of a secret gets AWSCURRENT whatever labels were asked for.
  const firstVersionIsCurrent = put.VersionStages?.includes('AWSCURRENT') === true;
  log(
    `stored the new key as AWSPENDING (version ${versionId}${firstVersionIsCurrent ? ", the secret's first value" : ''})`,
  );

  log('testing it from inside the VPC (signed GET /api/v1/merchant from the worker)…');
  let check: CredentialCheckResult;
  try {
    check = await deps.checkCredentials({
      action: 'checkCredentials',
      versionStage: 'AWSPENDING',
      versionId,
    });
  } catch (error) {
    const why = error instanceof Error ? error.message : 'unknown error';
    check = { ok: false, merchantIdFound: false, detail: `the check could not run: ${why}` };
  }

  if (!check.ok) {
    const pendingRemoved = await removePending(deps, versionId);
    return {
      outcome: 'rejected',
      versionId,
      currentVersionId,
      detail: check.detail,
      pendingRemoved,
      firstVersionIsCurrent,
    };
  }
  if (!firstVersionIsCurrent) await promote(deps, versionId, currentVersionId);
  // The pending label has done its job; left on, it would confuse the next rotation. Not fatal if it stays.
  await removePending(deps, versionId);
  return { outcome: 'promoted', versionId, previousVersionId: currentVersionId, detail: check.detail };
}

async function promote(
  deps: RotationDeps,
  versionId: string,
  currentVersionId: string | null,
): Promise<void> {
  const { secretsManager, secretId } = deps;
  try {
    await secretsManager.send(
      new UpdateSecretVersionStageCommand({
        SecretId: secretId,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: versionId,
        ...(currentVersionId === null ? {} : { RemoveFromVersionId: currentVersionId }),
      }),
    );
  } catch (error) {
    const why = error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
    const remove = currentVersionId === null ? '' : ` --remove-from-version-id ${currentVersionId}`;
    throw new CliError(
      `the new key passed the check, but promoting it failed (${why}). The current key is unchanged; the new ` +
        `one waits as AWSPENDING (version ${versionId}). Run the command again, or promote it with: ` +
        `aws secretsmanager update-secret-version-stage --secret-id ${secretId} --version-stage AWSCURRENT ` +
        `--move-to-version-id ${versionId}${remove}`,
      { cause: error },
    );
  }
}

/** Takes AWSPENDING off a version; false when that failed (harmless: the worker never reads AWSPENDING). */
async function removePending(deps: RotationDeps, versionId: string): Promise<boolean> {
  try {
    await deps.secretsManager.send(
      new UpdateSecretVersionStageCommand({
        SecretId: deps.secretId,
        VersionStage: 'AWSPENDING',
        RemoveFromVersionId: versionId,
      }),
    );
    return true;
  } catch {
    return false;
  }
}

async function versionWithStage(deps: RotationDeps, stage: string): Promise<string | undefined> {
  const out = await deps.secretsManager.send(new DescribeSecretCommand({ SecretId: deps.secretId }));
  for (const [versionId, stages] of Object.entries(out.VersionIdsToStages ?? {})) {
    if (stages.includes(stage)) return versionId;
  }
  return undefined;
}
