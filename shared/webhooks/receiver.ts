import { describeError } from '#shared/describe-error.ts';
import { parseWebhookPayload } from './payload.ts';
import { contentTypeCandidates, SIGNATURE_HEADER, verifyWebhookSignature } from './signature.ts';
import type { StatusQueuePort } from './status-queue.ts';
import type { WebhookSecretSource } from './webhook-secret.ts';

/** One HTTP request to the webhook URL, as the receiver needs it (no Lambda event types here). */
export interface WebhookRequest {
  readonly method: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The raw body bytes exactly as received: the signature covers them. */
  readonly body: Uint8Array;
}

export interface ReceiverDeps {
  readonly secrets: WebhookSecretSource;
  readonly statusQueue: StatusQueuePort;
  /** The registered URL's signed part(s) ({@link signedUrlPart}); see the webhook config for why several. */
  readonly urlParts: readonly string[];
  /** Larger bodies are refused unread. */
  readonly maxBodyBytes: number;
  readonly clock?: () => number;
}

/** How a request ended; `status` is the HTTP answer. Only `accepted` had a side effect (one queue message). */
export type WebhookResult =
  | { readonly status: 200; readonly outcome: 'accepted'; readonly uuid: string; readonly claimed: string }
  | { readonly status: 200; readonly outcome: 'ignored'; readonly detail: string }
  | { readonly status: 400; readonly outcome: 'malformed'; readonly detail: string }
  | { readonly status: 401; readonly outcome: 'unsigned' | 'badSignature'; readonly detail: string }
  | { readonly status: 405; readonly outcome: 'methodNotAllowed'; readonly detail: string }
  | { readonly status: 413; readonly outcome: 'tooLarge'; readonly detail: string }
  | { readonly status: 500; readonly outcome: 'unavailable'; readonly detail: string };

/**
 * Handles one webhook delivery: refuses anything that is not a POST, too large, unsigned or badly signed
 * (4xx, no side effect), then enqueues `{uuid, status, receivedAt}` for the status function and answers
 * 200. A validly signed webhook about something other than a payout's status (a pay-in sharing the
 * merchant's URL) is acknowledged and dropped: a 4xx would only make Coindirect retry it for a day.
 * A secret or queue failure answers 500, so Coindirect delivers it again later.
 */
export async function receiveWebhook(request: WebhookRequest, deps: ReceiverDeps): Promise<WebhookResult> {
  if (request.method.toUpperCase() !== 'POST') {
    return { status: 405, outcome: 'methodNotAllowed', detail: `method ${request.method}` };
  }
  if (request.body.byteLength > deps.maxBodyBytes) {
    return { status: 413, outcome: 'tooLarge', detail: `${request.body.byteLength} bytes` };
  }
  const header = request.headers[SIGNATURE_HEADER];
  if (header === undefined || header.trim() === '') {
    return { status: 401, outcome: 'unsigned', detail: 'no X-Signature header' };
  }
  let secrets: readonly string[];
  try {
    secrets = await deps.secrets.get();
  } catch (error) {
    return { status: 500, outcome: 'unavailable', detail: errorName(error, 'webhook secret unavailable') };
  }
  const verdict = verifyWebhookSignature({
    header,
    secrets,
    urlParts: deps.urlParts,
    contentTypes: contentTypeCandidates(request.headers['content-type']),
    body: request.body,
  });
  if (verdict !== 'valid') {
    return {
      status: 401,
      outcome: verdict === 'missing' ? 'unsigned' : 'badSignature',
      detail: verdict === 'malformed' ? 'X-Signature is not 64 hex digits' : 'X-Signature does not match',
    };
  }
  const payload = parseWebhookPayload(request.body);
  if (payload.kind === 'malformed') return { status: 400, outcome: 'malformed', detail: payload.reason };
  if (payload.kind === 'other') {
    return {
      status: 200,
      outcome: 'ignored',
      detail: `${payload.source}/${payload.event} of type ${payload.type ?? 'none'}`,
    };
  }
  try {
    await deps.statusQueue.send({
      uuid: payload.uuid,
      status: payload.status,
      receivedAt: new Date((deps.clock ?? Date.now)()).toISOString(),
    });
  } catch (error) {
    return { status: 500, outcome: 'unavailable', detail: errorName(error, 'status queue unavailable') };
  }
  return { status: 200, outcome: 'accepted', uuid: payload.uuid, claimed: payload.status };
}

function errorName(error: unknown, what: string): string {
  return `${what}: ${describeError(error)}`;
}
