import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { mapWithConcurrency } from '#shared/concurrency.ts';
import {
  type PayoutGuardrails,
  type PayoutIssue,
  type PayoutMessage,
  parsePayoutMessage,
} from '#shared/payout/schema.ts';

/** SQS takes at most ten messages and 256 KiB per SendMessageBatch call. */
const MAX_ENTRIES = 10;
const MAX_BATCH_BYTES = 262_144;

export interface SendPayoutsOptions {
  /** SendMessageBatch calls in flight at once. Default 8. */
  readonly concurrency?: number;
  /**
   * Tries per message, the first included, for failures that are not the sender's fault (throttling,
   * SQS errors, network). Default 5. A sender fault (e.g. an invalid body) is never retried.
   */
  readonly maxAttempts?: number;
  /** Wait before the first retry; it doubles per retry, with ±50 % jitter. Default 200 ms. */
  readonly baseDelayMs?: number;
  /**
   * Validate each message with payout v1 and these guardrails first (`sendPayouts` only); invalid ones
   * are not sent and come back with code `INVALID_MESSAGE` and their issues. Default: no validation.
   */
  readonly guardrails?: PayoutGuardrails;
  /** Called after every SendMessageBatch call with the running totals. */
  readonly onProgress?: (progress: SendProgress) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Returns [0, 1), for the jitter. Default `Math.random`. */
  readonly random?: () => number;
}

export interface SendProgress {
  readonly sent: number;
  readonly failed: number;
  readonly total: number;
}

/** What happened to one message, by its index in the input. */
export type SendResult =
  | { readonly index: number; readonly ok: true; readonly messageId: string; readonly attempts: number }
  | {
      readonly index: number;
      readonly ok: false;
      /** SQS's error code, `INVALID_MESSAGE`, or the name of the error a whole call failed with. */
      readonly code: string;
      readonly reason: string;
      readonly attempts: number;
      readonly issues?: readonly PayoutIssue[];
    };

/**
 * Sends payout v1 messages to the payout queue: SendMessageBatch with ten per call and several calls in
 * flight, retrying the entries SQS could not take with backoff. Resolves to one result per message, in
 * input order; it never throws for a message SQS refuses.
 *
 * A call that failed without an answer may still have delivered its messages, so a retry can deliver one
 * twice: the worker acknowledges a repeated delivery of the same payout without paying it again.
 *
 * @example
 * const results = await sendPayouts(new SQSClient({}), queueUrl, [
 *   { reference: 'order-000123', amount: '40.10', currency: 'EUR',
 *     destination: { currency: 'BTC', address: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq' } },
 * ]);
 * const failed = results.filter((r) => !r.ok);
 */
export async function sendPayouts(
  client: SQSClient,
  queueUrl: string,
  messages: readonly PayoutMessage[],
  options: SendPayoutsOptions = {},
): Promise<SendResult[]> {
  const { guardrails } = options;
  if (guardrails === undefined) {
    return sendMessageBodies(
      client,
      queueUrl,
      messages.map((m) => JSON.stringify(m)),
      options,
    );
  }
  const results: SendResult[] = new Array(messages.length);
  const toSend: { index: number; body: string }[] = [];
  messages.forEach((message, index) => {
    const body = JSON.stringify(message);
    const parsed = parsePayoutMessage(body, guardrails);
    if (parsed.ok) toSend.push({ index, body });
    else {
      results[index] = {
        index,
        ok: false,
        code: 'INVALID_MESSAGE',
        reason: parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; '),
        attempts: 0,
        issues: parsed.issues,
      };
    }
  });
  const sent = await sendMessageBodies(
    client,
    queueUrl,
    toSend.map((m) => m.body),
    options,
  );
  sent.forEach((result, i) => {
    const index = toSend[i]?.index ?? -1;
    results[index] = { ...result, index };
  });
  return results;
}

/**
 * The engine of {@link sendPayouts} for bodies that are already JSON text and are not validated here
 * (tools that must send a message as it is, e.g. a local run that shows how the worker rejects one).
 */
export async function sendMessageBodies(
  client: SQSClient,
  queueUrl: string,
  bodies: readonly string[],
  options: SendPayoutsOptions = {},
): Promise<SendResult[]> {
  const results: SendResult[] = new Array(bodies.length);
  const chunks = chunk(bodies);
  const progress = { sent: 0, failed: 0, total: bodies.length };
  // A call refused for good (no credentials, no permission, no such queue) would fail for every other
  // message too: stop there instead of repeating it for the whole file.
  const stop: { reason?: string } = {};
  await mapWithConcurrency(chunks, options.concurrency ?? 8, async (indexes) => {
    const chunkResults =
      stop.reason === undefined
        ? await sendChunk(client, queueUrl, bodies, indexes, options, stop)
        : indexes.map(
            (index): SendResult => ({
              index,
              ok: false,
              code: 'NotAttempted',
              reason: `not sent: ${stop.reason}`,
              attempts: 0,
            }),
          );
    for (const result of chunkResults) {
      results[result.index] = result;
      if (result.ok) progress.sent++;
      else progress.failed++;
    }
    options.onProgress?.({ ...progress });
  });
  return results;
}

/** Groups message indexes into calls of at most ten entries and 256 KiB. */
function chunk(bodies: readonly string[]): number[][] {
  const chunks: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  bodies.forEach((body, index) => {
    const size = Buffer.byteLength(body, 'utf8');
    if (current.length === MAX_ENTRIES || (current.length > 0 && bytes + size > MAX_BATCH_BYTES)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(index);
    bytes += size;
  });
  if (current.length > 0) chunks.push(current);
  return chunks;
}

async function sendChunk(
  client: SQSClient,
  queueUrl: string,
  bodies: readonly string[],
  indexes: readonly number[],
  options: SendPayoutsOptions,
  stop: { reason?: string },
): Promise<SendResult[]> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 5);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const done: SendResult[] = [];
  let pending = [...indexes];
  for (let attempt = 1; pending.length > 0; attempt++) {
    const entries: SendMessageBatchRequestEntry[] = pending.map((index) => ({
      Id: String(index),
      MessageBody: bodies[index] ?? '',
    }));
    const retry: { index: number; code: string; reason: string }[] = [];
    let callFailed = false;
    try {
      const out = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
      const answered = new Set<number>();
      for (const ok of out.Successful ?? []) {
        const index = Number(ok.Id);
        answered.add(index);
        done.push({ index, ok: true, messageId: ok.MessageId ?? '', attempts: attempt });
      }
      for (const failed of out.Failed ?? []) {
        const index = Number(failed.Id);
        answered.add(index);
        const code = failed.Code ?? 'Unknown';
        const reason = failed.Message ?? code;
        if (failed.SenderFault === true) done.push({ index, ok: false, code, reason, attempts: attempt });
        else retry.push({ index, code, reason });
      }
      for (const index of pending) {
        if (!answered.has(index))
          retry.push({ index, code: 'NoAnswer', reason: 'SQS did not report this entry' });
      }
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      const reason = error instanceof Error ? error.message : 'the call failed';
      const permanent = isPermanent(error);
      callFailed = true;
      if (permanent) stop.reason = `an earlier call failed with ${name}: ${reason}`;
      for (const index of pending) {
        if (permanent) done.push({ index, ok: false, code: name, reason, attempts: attempt });
        else retry.push({ index, code: name, reason });
      }
    }
    if (retry.length > 0 && attempt >= maxAttempts) {
      for (const r of retry) done.push({ ...r, ok: false, attempts: attempt });
      // A call that still got no answer after every retry (wrong URL, no network) would fare no better
      // for the rest of the file.
      if (callFailed)
        stop.reason ??= `an earlier call failed ${attempt} times: ${retry[0]?.code}: ${retry[0]?.reason}`;
      break;
    }
    pending = retry.map((r) => r.index);
    if (pending.length > 0) {
      await sleep((options.baseDelayMs ?? 200) * 2 ** (attempt - 1) * (0.5 + random()));
    }
  }
  return done;
}

/**
 * A failed call that sending again cannot fix: refused by SQS for what or who sent it (throttling
 * aside), or never made for want of credentials or a region. Network errors and SQS's own are retried.
 */
function isPermanent(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'CredentialsProviderError' || /Region is missing/i.test(error.message)) return true;
  if (/Throttl|RequestThrottled|TooManyRequests|ServiceUnavailable/.test(error.name)) return false;
  return (error as { $fault?: unknown }).$fault === 'client';
}
