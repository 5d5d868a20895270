import * as z from 'zod/mini';
import type { CredentialSource } from '#shared/coindirect/client.ts';
import type { HawkCredentials } from '#shared/coindirect/hawk-signer.ts';
import { CredentialsError } from './errors.ts';
import { SecretCache, type SecretCacheOptions } from './secret-cache.ts';

/** The secret's JSON value: `{"hawkAuthId": "...", "hawkAuthKey": "..."}`. */
export const hawkSecretSchema = z.object({
  hawkAuthId: z.string().check(z.minLength(1)),
  hawkAuthKey: z.string().check(z.minLength(1)),
});

export interface SecretCredentialsOptions
  extends Omit<SecretCacheOptions<HawkCredentials>, 'parse' | 'errorType'> {
  /** How long a fetched value is reused. Default 300 s; a 401 forces a refetch sooner. */
  readonly ttlMs?: number;
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
  readonly #cache: SecretCache<HawkCredentials>;

  constructor(options: SecretCredentialsOptions) {
    this.#cache = new SecretCache({ ...options, parse: parseHawkSecret, errorType: CredentialsError });
  }

  get(): Promise<HawkCredentials> {
    return this.#cache.get();
  }

  refresh(): Promise<HawkCredentials> {
    return this.#cache.refresh();
  }
}
