import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod/mini';
import type { CredentialSource } from '#shared/coindirect/client.ts';
import type { HawkCredentials } from '#shared/coindirect/hawk-signer.ts';
import { CredentialsError } from './errors.ts';

/** The secret's JSON value: `{"hawkAuthId": "...", "hawkAuthKey": "..."}`. */
export const hawkSecretSchema = z.object({
  hawkAuthId: z.string().check(z.minLength(1)),
  hawkAuthKey: z.string().check(z.minLength(1)),
});

export interface SecretCredentialsOptions {
  readonly client: SecretsManagerClient;
  /** Secret name or ARN. */
  readonly secretId: string;
  /** How long a fetched value is reused. Default 300 s; a 401 forces a refetch sooner. */
  readonly ttlMs?: number;
  /** Version stage to read. Default `AWSCURRENT`, asked for explicitly (see design.md, moto gaps). */
  readonly versionStage?: string;
  readonly clock?: () => number;
}

/** Parses a secret string into credentials, with an error that names the problem but never the value. */
export function parseHawkSecret(secretString: string | undefined, secretId: string): HawkCredentials {
  if (secretString === undefined || secretString === '') {
    throw new CredentialsError(`secret ${secretId} has no string value`, secretId);
  }
  let json: unknown;
  try {
    json = JSON.parse(secretString);
  } catch {
    throw new CredentialsError(
      `secret ${secretId} is not JSON; expected {"hawkAuthId": "...", "hawkAuthKey": "..."}`,
      secretId,
    );
  }
  const parsed = hawkSecretSchema.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.') || '(value)').join(', ');
    throw new CredentialsError(
      `secret ${secretId} is missing or has empty fields (${fields}); expected {"hawkAuthId": "...", "hawkAuthKey": "..."}`,
      secretId,
    );
  }
  return parsed.data;
}

/**
 * HAWK credentials from Secrets Manager, cached in memory for a short TTL. Concurrent callers share one
 * fetch. `refresh()` refetches now: after a 401 the key may have been rotated.
 */
export class SecretCredentials implements CredentialSource {
  readonly #options: SecretCredentialsOptions;
  #cached: { readonly value: HawkCredentials; readonly fetchedAt: number } | undefined;
  #inFlight: Promise<HawkCredentials> | undefined;

  constructor(options: SecretCredentialsOptions) {
    this.#options = options;
  }

  get(): Promise<HawkCredentials> {
    const now = this.#now();
    const ttl = this.#options.ttlMs ?? 300_000;
    if (this.#cached && now - this.#cached.fetchedAt < ttl) return Promise.resolve(this.#cached.value);
    return this.#fetch();
  }

  refresh(): Promise<HawkCredentials> {
    return this.#fetch();
  }

  #now(): number {
    return (this.#options.clock ?? Date.now)();
  }

  #fetch(): Promise<HawkCredentials> {
    this.#inFlight ??= this.#load().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  async #load(): Promise<HawkCredentials> {
    const { client, secretId } = this.#options;
    let secretString: string | undefined;
    try {
      const out = await client.send(
        new GetSecretValueCommand({
          SecretId: secretId,
          VersionStage: this.#options.versionStage ?? 'AWSCURRENT',
        }),
      );
      secretString = out.SecretString;
    } catch (error) {
      const name = error instanceof Error ? error.name : 'UnknownError';
      throw new CredentialsError(`could not read secret ${secretId}: ${name}`, secretId, { cause: error });
    }
    const value = parseHawkSecret(secretString, secretId);
    this.#cached = { value, fetchedAt: this.#now() };
    return value;
  }
}
