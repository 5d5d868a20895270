// The worker's credential-check mode: a direct invocation `{"action":"checkCredentials", ...}` reads one
// version of the HAWK secret and makes a signed read call (`GET /api/v1/merchant`) with it from the
// worker's own network, the only one whose egress IPs Coindirect whitelists. `npm run rotate-secret`
// uses it to test a pending key before promoting it.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { MiddlewareObj } from '@middy/core';
import * as z from 'zod/mini';
import { CoindirectClient, type CredentialSource } from '#shared/coindirect/client.ts';
import type { ClockOffset } from '#shared/coindirect/clock-skew.ts';
import type { HawkCredentials } from '#shared/coindirect/hawk-signer.ts';
import { createHttpTransport, type HttpTransport } from '#shared/coindirect/http-transport.ts';
import type { Pacer } from '#shared/coindirect/pacer.ts';
import { parseHawkSecret } from '#shared/credentials/secret-credentials.ts';
import { describeError } from '#shared/describe-error.ts';
import type { LoggerPort } from '#shared/processing/ports.ts';
import { loadConfig, type WorkerConfig } from './config.ts';
import type { CoindirectContainer } from './worker.ts';

/** The direct-invocation event. `versionStage` defaults to AWSPENDING; `versionId` pins one version. */
export const credentialCheckEventSchema = z.strictObject({
  action: z.literal('checkCredentials'),
  versionStage: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_]{1,256}$/))),
  versionId: z.optional(z.string().check(z.regex(/^[A-Za-z0-9-]{1,64}$/))),
});
export type CredentialCheckEvent = z.infer<typeof credentialCheckEventSchema>;

/** The answer. It never holds the key, the secret value or Coindirect's response body. */
export interface CredentialCheckResult {
  /** The signed call succeeded and the configured merchant is on the key's account. */
  readonly ok: boolean;
  readonly merchantIdFound: boolean;
  /** What happened, for the operator. */
  readonly detail: string;
}

export interface CredentialCheckDeps {
  readonly secretsManager: SecretsManagerClient;
  readonly secretId: string;
  readonly baseUrl: string;
  /** The merchant the worker pays from; the key must see it. */
  readonly merchantId: string;
  readonly transport: HttpTransport;
  readonly signQuery?: boolean;
  readonly clock?: () => number;
  /** The container's pacer: the check's call counts against the account's rate like any other. */
  readonly pacer?: Pacer;
  /** The container's HAWK clock correction. */
  readonly clockOffset?: ClockOffset;
}

/** True for an event meant for the credential check (even a malformed one, which gets a refusal). */
export function isCredentialCheckEvent(event: unknown): boolean {
  return (
    typeof event === 'object' &&
    event !== null &&
    Object.hasOwn(event, 'action') &&
    (event as { action?: unknown }).action === 'checkCredentials'
  );
}

/**
 * Tests one version of the HAWK secret: reads it (stage and, when given, version id), signs
 * `GET /api/v1/merchant` with it and checks that the configured merchant is listed. Never throws for
 * anything the secret or Coindirect can do; the detail says what happened without any secret in it.
 */
export async function checkCredentials(
  event: unknown,
  deps: CredentialCheckDeps,
): Promise<CredentialCheckResult> {
  const request = credentialCheckEventSchema.safeParse(event);
  if (!request.success) {
    return fail(
      'invalid request: expected {"action":"checkCredentials","versionStage"?: "AWSPENDING","versionId"?: "..."}',
    );
  }
  const stage = request.data.versionStage ?? 'AWSPENDING';
  const version = request.data.versionId === undefined ? stage : `${stage} (${request.data.versionId})`;
  let credentials: HawkCredentials;
  try {
    const out = await deps.secretsManager.send(
      new GetSecretValueCommand({
        SecretId: deps.secretId,
        VersionStage: stage,
        ...(request.data.versionId === undefined ? {} : { VersionId: request.data.versionId }),
      }),
    );
    credentials = parseHawkSecret(out.SecretString, deps.secretId);
  } catch (error) {
    const why =
      error instanceof Error && error.name === 'CredentialsError' ? error.message : describeError(error);
    return fail(`could not read version ${version} of the secret: ${why}`);
  }
  const fixed: CredentialSource = { get: async () => credentials, refresh: async () => credentials };
  const client = new CoindirectClient({
    baseUrl: deps.baseUrl,
    credentials: fixed,
    transport: deps.transport,
    ...(deps.clock === undefined ? {} : { clock: deps.clock }),
    ...(deps.signQuery === undefined ? {} : { signQuery: deps.signQuery }),
    ...(deps.pacer === undefined ? {} : { pacer: deps.pacer }),
    ...(deps.clockOffset === undefined ? {} : { clockOffset: deps.clockOffset }),
  });
  const outcome = await client.listMerchantIds();
  switch (outcome.kind) {
    case 'ok': {
      const found = outcome.merchantIds.includes(deps.merchantId);
      return found
        ? {
            ok: true,
            merchantIdFound: true,
            detail: `signed GET /api/v1/merchant with ${version} succeeded; merchant ${deps.merchantId} is listed`,
          }
        : {
            ok: false,
            merchantIdFound: false,
            detail: `signed GET /api/v1/merchant with ${version} succeeded, but merchant ${deps.merchantId} is not among the ${outcome.merchantIds.length} the key can see: a key of another account?`,
          };
    }
    case 'unauthorized':
      return fail(
        `Coindirect answered ${outcome.status} to ${version}: the key id or key is wrong, revoked or not active yet`,
      );
    case 'configuration':
      return fail(
        `Coindirect refused the read (${outcome.code}): check the key's IP whitelist and permissions`,
      );
    case 'throttled':
      return fail('Coindirect throttled the check (HTTP 429): try again in a minute');
    case 'ambiguous':
    case 'unreachable':
    case 'outOfTime':
      return fail(`no usable answer from Coindirect at ${deps.baseUrl}: ${outcome.detail}`);
  }
}

function fail(detail: string): CredentialCheckResult {
  return { ok: false, merchantIdFound: false, detail };
}

/** What the check needs from the worker's validated configuration; clients default to new ones. */
export function credentialCheckDeps(
  config: WorkerConfig,
  overrides: {
    readonly secretsManager?: SecretsManagerClient;
    readonly transport?: HttpTransport;
    /** The container whose pacer and clock correction the check shares; default none. */
    readonly container?: CoindirectContainer;
  } = {},
): CredentialCheckDeps {
  const pacer = overrides.container?.pacer(config);
  return {
    ...(pacer === undefined ? {} : { pacer }),
    ...(overrides.container === undefined ? {} : { clockOffset: overrides.container.clockOffset }),
    secretsManager: overrides.secretsManager ?? new SecretsManagerClient({}),
    secretId: config.hawkSecretId,
    baseUrl: config.coindirectBaseUrl,
    merchantId: config.merchantId,
    signQuery: config.signQuery,
    transport:
      overrides.transport ??
      createHttpTransport({
        connectTimeoutMs: config.httpConnectTimeoutMs,
        totalTimeoutMs: config.httpTimeoutMs,
      }),
  };
}

let configured: CredentialCheckDeps | undefined;

/** Test seam, beside `configureWorker`: the check's dependencies with some collaborators replaced. */
export function configureCredentialCheck(
  env: Readonly<Record<string, string | undefined>>,
  overrides: Parameters<typeof credentialCheckDeps>[1] = {},
): void {
  configured = credentialCheckDeps(loadConfig(env), overrides);
}

/**
 * Middy middleware that answers a credential-check invocation before the SQS batch handler runs (an
 * early response), and lets every other event through. The dependencies are built from `env` on the
 * first check only, so SQS batches never pay for them.
 */
export function credentialCheckMode(
  logger: LoggerPort,
  env: Readonly<Record<string, string | undefined>>,
  container?: CoindirectContainer,
): MiddlewareObj<unknown, CredentialCheckResult> {
  return {
    before: async (request) => {
      if (!isCredentialCheckEvent(request.event)) return undefined;
      let result: CredentialCheckResult;
      try {
        configured ??= credentialCheckDeps(loadConfig(env), container === undefined ? {} : { container });
        result = await checkCredentials(request.event, configured);
      } catch (error) {
        // A configuration error names the bad variables; nothing here carries a secret.
        result = fail(`the check could not run: ${describeError(error)}`);
      }
      logger.info('credential check', { ...result });
      return result;
    },
  };
}
