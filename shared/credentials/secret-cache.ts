import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** An error naming the secret id and the problem, never the value (CredentialsError, WebhookSecretError). */
export type SecretErrorType = new (message: string, secretId: string, options?: ErrorOptions) => Error;

export interface SecretCacheOptions<T> {
  readonly client: SecretsManagerClient;
  /** Secret name or ARN. */
  readonly secretId: string;
  /** How long a fetched value is reused. Default 300 s. */
  readonly ttlMs?: number;
  /** Version stage to read. Default `AWSCURRENT`, asked for explicitly (see docs/local.md, "Known gaps of moto 5.2.1"). */
  readonly versionStage?: string;
  readonly clock?: () => number;
  /** Reads the secret string; throws an error that names the problem, never the value. */
  readonly parse: (secretString: string | undefined, secretId: string) => T;
  /** What a failed read throws: `could not read secret ID: ErrorName`, the SDK error as its cause. */
  readonly errorType: SecretErrorType;
}

/**
 * A value parsed from a Secrets Manager secret, cached in memory for a short TTL. Concurrent callers share
 * one fetch; a failed fetch is not cached, so the next call tries again. `refresh()` refetches now.
 */
export class SecretCache<T> {
  readonly #options: SecretCacheOptions<T>;
  #cached: { readonly value: T; readonly fetchedAt: number } | undefined;
  #inFlight: Promise<T> | undefined;

  constructor(options: SecretCacheOptions<T>) {
    this.#options = options;
  }

  /** The cached value while it is younger than the TTL, else a fresh one. */
  get(): Promise<T> {
    const now = this.#now();
    const ttl = this.#options.ttlMs ?? 300_000;
    if (this.#cached && now - this.#cached.fetchedAt < ttl) return Promise.resolve(this.#cached.value);
    return this.refresh();
  }

  /** Fetches now (joining a fetch already under way), whatever the cache holds. */
  refresh(): Promise<T> {
    this.#inFlight ??= this.#load().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  #now(): number {
    return (this.#options.clock ?? Date.now)();
  }

  async #load(): Promise<T> {
    const { client, secretId, errorType } = this.#options;
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
      throw new errorType(`could not read secret ${secretId}: ${name}`, secretId, { cause: error });
    }
    const value = this.#options.parse(secretString, secretId);
    this.#cached = { value, fetchedAt: this.#now() };
    return value;
  }
}
