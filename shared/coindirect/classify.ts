import type { HttpResponse } from './http-transport.ts';
import {
  errorListSchema,
  flatErrorSchema,
  type PayoutSummary,
  parseJson,
  payoutSummaryListSchema,
  payoutSummarySchema,
} from './responses.ts';

/** What a create-payout call ended as; the classes of docs/producer-contract.md and docs/coindirect.md ("Error codes and how each is classified"). */
export type CreateOutcome =
  | { readonly kind: 'created'; readonly payout: PayoutSummary }
  | { readonly kind: 'duplicateReference'; readonly code: string }
  | {
      readonly kind: 'rejected';
      readonly code: string;
      readonly message: string;
      /**
       * An errorList entry names the `reference` parameter: whatever the code, Coindirect may be saying
       * that the reference is taken, so the refusal alone never proves the payout was not made.
       */
      readonly namesReference: boolean;
    }
  | { readonly kind: 'insufficientFunds'; readonly code: string }
  | FailureOutcome;

/** Outcomes shared by every call: none of them says anything about the payout itself. */
export type FailureOutcome =
  | { readonly kind: 'unauthorized'; readonly status: number }
  | { readonly kind: 'configuration'; readonly code: string; readonly message: string }
  | { readonly kind: 'throttled'; readonly retryAfterSeconds?: number }
  /** The request may or may not have taken effect (5xx, timeout after send, reset, unreadable body). */
  | { readonly kind: 'ambiguous'; readonly detail: string }
  /** The request certainly never reached Coindirect (no connection could be opened). */
  | { readonly kind: 'unreachable'; readonly detail: string }
  /**
   * Not sent: too little of the invocation's time was left to make (or finish) the call. `paced`: the
   * request got no slot from the container's pacer before the deadline (shared/coindirect/pacer.ts).
   */
  | { readonly kind: 'outOfTime'; readonly detail: string; readonly paced?: true };

export type LookupOutcome =
  | { readonly kind: 'found'; readonly payout: PayoutSummary }
  | { readonly kind: 'notFound' }
  | FailureOutcome;

export type MerchantListOutcome =
  | { readonly kind: 'ok'; readonly merchantIds: readonly string[] }
  | FailureOutcome;

const DUPLICATE_REFERENCE_CODES = new Set(['unique', 'MER-PAY-2010']);
const INSUFFICIENT_FUNDS = 'MER-PAY-2012';
const NOT_FOUND = 'MER-PAY-2008';
/** Not about the message: the key, the IP whitelist or the merchant set-up. Nothing a redelivery fixes alone. */
const CONFIGURATION_CODES = new Set(['MER-PAY-1000', 'MER-PAY-2006', 'MER-PAY-2016']);
/** Coindirect rejected the request because of a concurrent change: nothing was created, try again. */
const RETRYABLE_CODES = new Set(['MER-PAY-2018']);

interface ErrorEntry {
  readonly parameter: string;
  readonly code: string;
  readonly message: string;
}

function errorEntries(body: unknown): readonly ErrorEntry[] | undefined {
  const list = errorListSchema.safeParse(body);
  if (list.success) {
    return list.data.errorList.map((e) => ({
      parameter: e.parameter ?? '',
      code: e.code ?? 'unknown',
      message: e.message ?? '',
    }));
  }
  const flat = flatErrorSchema.safeParse(body);
  if (flat.success) return [{ parameter: '', code: flat.data.code, message: flat.data.message ?? '' }];
  return undefined;
}

/** `Retry-After` as seconds (delta or HTTP date), or undefined when absent or unreadable. */
export function retryAfterSeconds(header: string | undefined, now: number): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** The classes every call shares, or undefined when the response is for the caller to interpret. */
function classifyCommon(response: HttpResponse, now: number): FailureOutcome | undefined {
  const { status } = response;
  if (status === 401) return { kind: 'unauthorized', status };
  if (status === 429) {
    const after = retryAfterSeconds(response.headers['retry-after'], now);
    return after === undefined ? { kind: 'throttled' } : { kind: 'throttled', retryAfterSeconds: after };
  }
  const entries = errorEntries(parseJson(response.body));
  const configuration = entries?.find((e) => CONFIGURATION_CODES.has(e.code));
  if (configuration)
    return { kind: 'configuration', code: configuration.code, message: configuration.message };
  if (status === 403) return { kind: 'configuration', code: 'HTTP_403', message: 'forbidden' };
  if (status === 404 && entries === undefined) {
    return {
      kind: 'configuration',
      code: 'HTTP_404',
      message: 'endpoint not found: check COINDIRECT_BASE_URL',
    };
  }
  if (status >= 500) return { kind: 'ambiguous', detail: `HTTP ${status}` };
  if (entries?.some((e) => RETRYABLE_CODES.has(e.code))) return { kind: 'ambiguous', detail: 'MER-PAY-2018' };
  return undefined;
}

/** Classifies the answer to `POST /api/v1/pay/summary`. */
export function classifyCreate(response: HttpResponse, now: number): CreateOutcome {
  const common = classifyCommon(response, now);
  if (common) return common;
  const body = parseJson(response.body);
  if (response.status >= 200 && response.status < 300) {
    const payout = payoutSummarySchema.safeParse(body);
    return payout.success
      ? { kind: 'created', payout: payout.data }
      : { kind: 'ambiguous', detail: `HTTP ${response.status} without a readable payout` };
  }
  const entries = errorEntries(body);
  if (entries === undefined || entries.length === 0) {
    return { kind: 'ambiguous', detail: `HTTP ${response.status} with an unreadable body` };
  }
  const duplicate = entries.find(
    (e) =>
      DUPLICATE_REFERENCE_CODES.has(e.code) && (e.parameter === 'reference' || e.code.startsWith('MER-')),
  );
  if (duplicate) return { kind: 'duplicateReference', code: duplicate.code };
  const funds = entries.find((e) => e.code === INSUFFICIENT_FUNDS);
  if (funds) return { kind: 'insufficientFunds', code: funds.code };
  if (response.status >= 400 && response.status < 500) {
    const [first] = entries;
    const message = entries.map((e) => [e.parameter, e.message].filter(Boolean).join(': ')).join('; ');
    return {
      kind: 'rejected',
      code: first?.code ?? 'unknown',
      message,
      namesReference: entries.some((e) => e.parameter === 'reference'),
    };
  }
  return { kind: 'ambiguous', detail: `HTTP ${response.status}` };
}

/** Classifies the answer to `GET /api/v1/pay/{uuid}/summary`. */
export function classifyRead(response: HttpResponse, now: number): LookupOutcome {
  const common = classifyCommon(response, now);
  if (common) return common;
  const body = parseJson(response.body);
  if (response.status === 200) {
    const payout = payoutSummarySchema.safeParse(body);
    if (payout.success) return { kind: 'found', payout: payout.data };
  }
  if (errorEntries(body)?.some((e) => e.code === NOT_FOUND)) return { kind: 'notFound' };
  return { kind: 'ambiguous', detail: `HTTP ${response.status} with an unexpected body` };
}

/** Classifies the answer to a reference search; only an exact reference match counts as found. */
export function classifySearch(response: HttpResponse, now: number, reference: string): LookupOutcome {
  const common = classifyCommon(response, now);
  if (common) return common;
  const list = payoutSummaryListSchema.safeParse(parseJson(response.body));
  if (response.status !== 200 || !list.success) {
    return { kind: 'ambiguous', detail: `HTTP ${response.status} with an unexpected body` };
  }
  const match = list.data.find((p) => p.reference === reference);
  return match ? { kind: 'found', payout: match } : { kind: 'notFound' };
}
