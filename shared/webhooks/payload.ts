import * as z from 'zod/mini';

/** A Coindirect payout uuid as it may appear in a URL path: no slashes, no query, bounded. */
export const payoutUuidSchema = z.string().check(z.regex(/^[A-Za-z0-9-]{1,64}$/));

const webhookSchema = z.looseObject({
  source: z.string(),
  event: z.string(),
  data: z.looseObject({
    uuid: z.optional(z.unknown()),
    type: z.nullish(z.string()),
    status: z.optional(z.unknown()),
  }),
});

const statusChangedData = z.looseObject({
  uuid: payoutUuidSchema,
  status: z.string().check(z.minLength(1), z.maxLength(32)),
});

/** What a verified webhook body says. Only `payoutStatus` leads to any work. */
export type WebhookPayload =
  /** `{"source":"payment","event":"statusChanged","data":{"type":"OUT","uuid":...,"status":...}}`. */
  | { readonly kind: 'payoutStatus'; readonly uuid: string; readonly status: string }
  /** A well-formed webhook that is not about a payout's status (a pay-in, `transactionDetected`, ...). */
  | { readonly kind: 'other'; readonly source: string; readonly event: string; readonly type: string | null }
  | { readonly kind: 'malformed'; readonly reason: string };

/**
 * Reads a webhook body (docs/coindirect.md, "Webhooks"): JSON `{source, event, data}`, where a payout's status
 * change is `source: "payment"`, `event: "statusChanged"` and `data.type: "OUT"`. Never throws.
 */
export function parseWebhookPayload(body: Uint8Array): WebhookPayload {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    return { kind: 'malformed', reason: 'the body is not UTF-8 JSON' };
  }
  const envelope = webhookSchema.safeParse(json);
  if (!envelope.success) return { kind: 'malformed', reason: 'expected {source, event, data}' };
  const { source, event, data } = envelope.data;
  const type = data.type ?? null;
  if (source !== 'payment' || event !== 'statusChanged' || type !== 'OUT') {
    return { kind: 'other', source, event, type };
  }
  const fields = statusChangedData.safeParse(data);
  if (!fields.success) return { kind: 'malformed', reason: 'data.uuid or data.status is missing or invalid' };
  return { kind: 'payoutStatus', uuid: fields.data.uuid, status: fields.data.status };
}
