import * as z from 'zod/mini';
import { SecretCache, type SecretCacheOptions } from '#shared/credentials/secret-cache.ts';
import { WebhookSecretError } from './errors.ts';

const secretText = z.string().check(z.trim(), z.minLength(1));
const secretJson = z.union([
  z.object({ webhookSecret: secretText }),
  z.object({ webhookSecrets: z.array(secretText).check(z.minLength(1), z.maxLength(10)) }),
]);

const EXPECTED =
  'expected the merchant secret as a plain string, {"webhookSecret": "..."} or {"webhookSecrets": ["...", "..."]}';

/**
 * Reads the webhook secret value. Accepted forms: the merchant's "Secret Key" as a plain string;
 * `{"webhookSecret": "..."}`; or `{"webhookSecrets": ["...", ...]}` when several merchant IDs send to the
 * same URL, or while a secret is being replaced (old and new both verify until the old one is removed).
 *
 * @throws WebhookSecretError naming the problem, never the value.
 */
export function parseWebhookSecret(secretString: string | undefined, secretId: string): readonly string[] {
  const text = secretString?.trim() ?? '';
  if (text === '') throw new WebhookSecretError(`secret ${secretId} has no value yet; ${EXPECTED}`, secretId);
  if (!text.startsWith('{')) return [text];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new WebhookSecretError(`secret ${secretId} starts with "{" but is not JSON; ${EXPECTED}`, secretId);
  }
  const parsed = secretJson.safeParse(json);
  if (!parsed.success)
    throw new WebhookSecretError(`secret ${secretId} has an unknown shape; ${EXPECTED}`, secretId);
  return 'webhookSecret' in parsed.data ? [parsed.data.webhookSecret] : parsed.data.webhookSecrets;
}

/** Where the receiver gets the secrets that may have signed a webhook. */
export interface WebhookSecretSource {
  get(): Promise<readonly string[]>;
}

export interface WebhookSecretsOptions
  extends Omit<SecretCacheOptions<readonly string[]>, 'parse' | 'errorType' | 'versionStage'> {
  /** How long a fetched value is reused. Default 300 s, so a rotated secret is picked up within 5 minutes. */
  readonly ttlMs?: number;
}

/**
 * The webhook secret(s) from Secrets Manager, cached in memory for a short TTL; concurrent callers share
 * one fetch. A failed signature does not force a refetch: anyone can send a bad signature, and Coindirect
 * retries a refused webhook for hours, well past the TTL.
 */
export class WebhookSecrets implements WebhookSecretSource {
  readonly #cache: SecretCache<readonly string[]>;

  constructor(options: WebhookSecretsOptions) {
    this.#cache = new SecretCache({
      client: options.client,
      secretId: options.secretId,
      ...(options.ttlMs === undefined ? {} : { ttlMs: options.ttlMs }),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      parse: parseWebhookSecret,
      errorType: WebhookSecretError,
    });
  }

  get(): Promise<readonly string[]> {
    return this.#cache.get();
  }
}
