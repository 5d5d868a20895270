import * as z from 'zod/mini';
import { ConfigError, envProblems } from '#shared/config/config-error.ts';
import { wholeNumberVar } from '#shared/config/env-vars.ts';
import { signedUrlPart } from '#shared/webhooks/signature.ts';

/** Thrown at cold start when the environment is wrong; the message lists every bad variable. */
export class WebhookConfigError extends ConfigError {
  override readonly name: string = 'WebhookConfigError';
}

const envSchema = z.object({
  WEBHOOK_SECRET_ID: z.string().check(z.minLength(1, 'must name the webhook secret (name or ARN)')),
  STATUS_QUEUE_URL: z.url({ error: 'must be the status queue URL' }),
  WEBHOOK_URL: z.optional(
    z.url({ protocol: /^https?$/, error: 'must be the webhook URL exactly as registered at Coindirect' }),
  ),
  WEBHOOK_MAX_BODY_BYTES: wholeNumberVar(65_536, 1_024, 1_048_576),
  SECRET_CACHE_TTL_SECONDS: wholeNumberVar(300, 0, 3_600),
});

export interface WebhookConfig {
  readonly secretId: string;
  readonly statusQueueUrl: string;
  /**
   * The signed part(s) of the registered URL. From `WEBHOOK_URL` when set (a custom domain, a path or a
   * query in front of the function). Unset, the registered URL is the function URL itself, which signs
   * as `/` when registered as the stack output shows it, or as an empty path when registered without the
   * trailing slash; both are accepted.
   */
  readonly urlParts: readonly string[];
  readonly maxBodyBytes: number;
  readonly secretCacheTtlMs: number;
}

/** Reads the receiver's configuration from environment variables; throws naming every bad variable. */
export function loadWebhookConfig(env: Readonly<Record<string, string | undefined>>): WebhookConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new WebhookConfigError('payout-webhook', envProblems(parsed.error.issues, env));
  const e = parsed.data;
  return {
    secretId: e.WEBHOOK_SECRET_ID,
    statusQueueUrl: e.STATUS_QUEUE_URL,
    urlParts: e.WEBHOOK_URL === undefined ? ['/', ''] : [signedUrlPart(e.WEBHOOK_URL)],
    maxBodyBytes: e.WEBHOOK_MAX_BODY_BYTES,
    secretCacheTtlMs: e.SECRET_CACHE_TTL_SECONDS * 1000,
  };
}
