import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod/mini';
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

export interface WebhookSecretsOptions {
  readonly client: SecretsManagerClient;
  /** Secret name or ARN. */
  readonly secretId: string;
  /** How long a fetched value is reused. Default 300 s, so a rotated secret is picked up within 5 minutes. */
  readonly ttlMs?: number;
  readonly clock?: () => number;
}

/**
 * The webhook secret(s) from Secrets Manager, cached in memory for a short TTL; concurrent callers share
 * one fetch. A failed signature does not force a refetch: anyone can send a bad signature, and Coindirect
 * retries a refused webhook for hours, well past the TTL.
 */
export class WebhookSecrets implements WebhookSecretSource {
  readonly #options: WebhookSecretsOptions;
  #cached: { readonly value: readonly string[]; readonly fetchedAt: number } | undefined;
  #inFlight: Promise<readonly string[]> | undefined;

  constructor(options: WebhookSecretsOptions) {
    this.#options = options;
  }

  get(): Promise<readonly string[]> {
    const now = (this.#options.clock ?? Date.now)();
    if (this.#cached && now - this.#cached.fetchedAt < (this.#options.ttlMs ?? 300_000)) {
      return Promise.resolve(this.#cached.value);
    }
    this.#inFlight ??= this.#load().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  async #load(): Promise<readonly string[]> {
    const { client, secretId } = this.#options;
    let secretString: string | undefined;
    try {
      const out = await client.send(
        new GetSecretValueCommand({ SecretId: secretId, VersionStage: 'AWSCURRENT' }),
      );
      secretString = out.SecretString;
    } catch (error) {
      const name = error instanceof Error ? error.name : 'UnknownError';
      throw new WebhookSecretError(`could not read secret ${secretId}: ${name}`, secretId, { cause: error });
    }
    const value = parseWebhookSecret(secretString, secretId);
    this.#cached = { value, fetchedAt: (this.#options.clock ?? Date.now)() };
    return value;
  }
}
