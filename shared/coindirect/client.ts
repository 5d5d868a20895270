import type { ValidPayout } from '#shared/payout/schema.ts';
import { MIN_CALL_TIME_MS, SAFETY_MARGIN_MS } from '#shared/processing/time-budget.ts';
import {
  type CreateOutcome,
  classifyCreate,
  classifyRead,
  classifySearch,
  type LookupOutcome,
  type MerchantListOutcome,
  retryAfterSeconds,
} from './classify.ts';
import { ClockOffset, correctClockOffset } from './clock-skew.ts';
import { TransportError } from './errors.ts';
import type { HawkCredentials, SignerOptions } from './hawk-signer.ts';
import { signRequest } from './hawk-signer.ts';
import type { HttpRequest, HttpResponse, HttpTransport } from './http-transport.ts';
import type { Pacer } from './pacer.ts';
import { merchantListSchema, parseJson } from './responses.ts';

/**
 * The invocation's clock, for calls made inside a Lambda invocation: each call gets
 * `min(HTTP_TIMEOUT_MS, time left − SAFETY_MARGIN_MS)`, and a call (or a further search page, or the retry
 * after a 401) that would start with less than {@link MIN_CALL_TIME_MS} is not made at all (`outOfTime`).
 */
export interface CallBudget {
  /** Milliseconds left before the invocation's deadline. */
  readonly timeLeftMs: () => number;
}

/** Where the client gets its HAWK key; `refresh` bypasses any cache (after a 401 the key may be rotated). */
export interface CredentialSource {
  get(): Promise<HawkCredentials>;
  refresh(): Promise<HawkCredentials>;
}

export interface CoindirectClientOptions extends SignerOptions {
  /** `https://api.sandbox.coindirect.com` or `https://api.coindirect.com`; the host signed is this one. */
  readonly baseUrl: string;
  readonly credentials: CredentialSource;
  readonly transport: HttpTransport;
  /**
   * The container's request pacer (pacer.ts): every HTTP request waits for a slot, never past the
   * budget's deadline, and a 429 with `Retry-After` pauses it. Default: no pacing.
   */
  readonly pacer?: Pacer;
  /**
   * The container's HAWK clock correction, shared by its clients; a verified stale-timestamp 401 sets it
   * (clock-skew.ts). Default: a correction of this client's own.
   */
  readonly clockOffset?: ClockOffset;
}

/** Search results per page and pages read before giving up on an exact reference match. */
export const SEARCH_PAGE_SIZE = 50;
export const SEARCH_MAX_PAGES = 5;

type Sent =
  | { readonly ok: true; readonly response: HttpResponse }
  | { readonly ok: false; readonly error: TransportError }
  | { readonly ok: false; readonly outOfTime: string; readonly paced?: true };

/**
 * Coindirect's payout API: create, read by uuid, find by reference, list merchants. Every HTTP attempt is
 * signed afresh (new ts, new nonce). A 401 refetches the key once and retries once with a new signature;
 * that is safe even for a create, since an unauthenticated request is never acted on. Before that, a 401
 * that proves our clock is off (a verified stale-timestamp answer, clock-skew.ts) corrects the clock and
 * is retried once without counting as a key problem.
 */
export class CoindirectClient {
  readonly #options: CoindirectClientOptions;
  readonly #base: URL;
  readonly #offset: ClockOffset;

  constructor(options: CoindirectClientOptions) {
    this.#options = options;
    this.#base = new URL(options.baseUrl);
    this.#offset = options.clockOffset ?? new ClockOffset();
  }

  /** `POST /api/v1/pay/summary` with the payout's address; no accept step follows (docs/coindirect.md, "Endpoints"). */
  async createPayout(payout: ValidPayout, budget?: CallBudget): Promise<CreateOutcome> {
    const sent = await this.#send('POST', '/api/v1/pay/summary', budget, createPayoutBody(payout));
    if (!sent.ok) return notAnswered(sent);
    return classifyCreate(sent.response, this.#now());
  }

  /** `GET /api/v1/pay/{uuid}/summary`. */
  async getPayout(uuid: string, budget?: CallBudget): Promise<LookupOutcome> {
    const sent = await this.#send('GET', `/api/v1/pay/${encodeURIComponent(uuid)}/summary`, budget);
    if (!sent.ok) return notAnswered(sent);
    return classifyRead(sent.response, this.#now());
  }

  /**
   * Searches the merchant's payouts for an exact reference match (`GET /api/v1/pay/summary?q=`). How `q`
   * matches is undocumented (it may match substrings of other references, addresses or hashes), so the
   * search pages on until a short page; past {@link SEARCH_MAX_PAGES} pages the answer is `ambiguous`,
   * never a `notFound` that could lead to a second POST. A search cut short by the budget is `outOfTime`.
   */
  async findPayoutByReference(
    merchantId: string,
    reference: string,
    budget?: CallBudget,
  ): Promise<LookupOutcome> {
    for (let page = 0; page < SEARCH_MAX_PAGES; page++) {
      const query = new URLSearchParams({
        merchantId,
        q: reference,
        offset: String(page * SEARCH_PAGE_SIZE),
        max: String(SEARCH_PAGE_SIZE),
      });
      const sent = await this.#send('GET', `/api/v1/pay/summary?${query.toString()}`, budget);
      if (!sent.ok) return notAnswered(sent);
      const outcome = classifySearch(sent.response, this.#now(), reference);
      if (outcome.kind !== 'notFound') return outcome;
      const items = parseJson(sent.response.body);
      if (!Array.isArray(items) || items.length < SEARCH_PAGE_SIZE) return outcome;
    }
    return {
      kind: 'ambiguous',
      detail: `reference not among the first ${SEARCH_MAX_PAGES * SEARCH_PAGE_SIZE} search matches`,
    };
  }

  /** `GET /api/v1/merchant`: a signed read with no side effects. The body holds webhook secrets: never log it. */
  async listMerchantIds(budget?: CallBudget): Promise<MerchantListOutcome> {
    const sent = await this.#send('GET', '/api/v1/merchant', budget);
    if (!sent.ok) return notAnswered(sent);
    const { response } = sent;
    if (response.status === 200) {
      const list = merchantListSchema.safeParse(parseJson(response.body));
      if (list.success) {
        return { kind: 'ok', merchantIds: list.data.flatMap((m) => (m.merchantId ? [m.merchantId] : [])) };
      }
    }
    const outcome = classifyRead(response, this.#now());
    return outcome.kind === 'found' || outcome.kind === 'notFound'
      ? { kind: 'ambiguous', detail: `HTTP ${response.status} with an unexpected body` }
      : outcome;
  }

  #now(): number {
    return (this.#options.clock ?? Date.now)();
  }

  /** Time this call may take under `budget`; undefined when unbounded, `outOfTime` when too little is left. */
  #allowance(budget: CallBudget | undefined): number | undefined | 'outOfTime' {
    if (budget === undefined) return undefined;
    const left = budget.timeLeftMs() - SAFETY_MARGIN_MS;
    return left < MIN_CALL_TIME_MS ? 'outOfTime' : left;
  }

  async #send(
    method: HttpRequest['method'],
    path: string,
    budget: CallBudget | undefined,
    body?: string,
  ): Promise<Sent> {
    const url = new URL(path, this.#base);
    if (this.#allowance(budget) === 'outOfTime') return { ok: false, outOfTime: 'before the call' };
    let credentials = await this.#options.credentials.get();
    let clockCorrected = false;
    let keyRefetched = false;
    for (let attempt = 1; ; attempt++) {
      const when = attempt === 1 ? 'after reading the key' : 'before the retry after a 401';
      // Checked again after the secret read and before the retry that follows a 401.
      if (this.#allowance(budget) === 'outOfTime') return { ok: false, outOfTime: when };
      if (!(await this.#slot(budget))) {
        return { ok: false, outOfTime: `no request slot before the deadline (pacing), ${when}`, paced: true };
      }
      // After any wait for the slot: the time left is what the request may take.
      const allowance = this.#allowance(budget);
      if (allowance === 'outOfTime') return { ok: false, outOfTime: when };
      const headers: Record<string, string> = {
        authorization: signRequest(url, method, credentials, {
          ...this.#options,
          localtimeOffsetMsec: this.#offset.ms,
        }),
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
      };
      try {
        const response = await this.#options.transport({
          url,
          method,
          headers,
          ...(body === undefined ? {} : { body }),
          ...(allowance === undefined ? {} : { timeoutMs: allowance }),
        });
        this.#pauseOn429(response);
        if (response.status !== 401) return { ok: true, response };
        if (!clockCorrected && correctClockOffset(this.#offset, response, credentials, this.#now())) {
          clockCorrected = true;
          continue;
        }
        if (keyRefetched) return { ok: true, response };
      } catch (error) {
        if (error instanceof TransportError) return { ok: false, error };
        throw error;
      }
      credentials = await this.#options.credentials.refresh();
      keyRefetched = true;
    }
  }

  /** Waits for the pacer's slot within what the budget leaves for a call; true at once without a pacer. */
  async #slot(budget: CallBudget | undefined): Promise<boolean> {
    const pacer = this.#options.pacer;
    if (pacer === undefined) return true;
    const maxWaitMs =
      budget === undefined ? undefined : budget.timeLeftMs() - SAFETY_MARGIN_MS - MIN_CALL_TIME_MS;
    return pacer.acquire(maxWaitMs);
  }

  /** A 429 that says how long to back off holds every request of this container back that long. */
  #pauseOn429(response: HttpResponse): void {
    if (response.status !== 429 || this.#options.pacer === undefined) return;
    const seconds = retryAfterSeconds(response.headers['retry-after'], this.#now());
    if (seconds !== undefined) this.#options.pacer.pauseFor(seconds * 1000);
  }
}

/**
 * No HTTP response: out of time, nothing was sent; before the connection opened nothing was sent either;
 * after it, the request may have landed.
 */
function notAnswered(
  sent: Exclude<Sent, { ok: true }>,
):
  | { kind: 'unreachable' | 'ambiguous'; detail: string }
  | { kind: 'outOfTime'; detail: string; paced?: true } {
  if ('outOfTime' in sent) {
    const detail = `not sent: the invocation's deadline is near (${sent.outOfTime})`;
    return sent.paced ? { kind: 'outOfTime', detail, paced: true } : { kind: 'outOfTime', detail };
  }
  const { error } = sent;
  return error.phase === 'connect'
    ? { kind: 'unreachable', detail: `could not connect: ${error.code}` }
    : { kind: 'ambiguous', detail: `no response: ${error.code}` };
}

/**
 * The create request body. The amount goes out as a JSON number written from the exact decimal string,
 * never through a float: "0.10000001" stays "0.10000001".
 */
export function createPayoutBody(payout: ValidPayout): string {
  const { destination } = payout;
  // Coindirect wants an XRP destination tag as the `?dt=` suffix of the address ("?dt=0" when none).
  const address =
    destination.tag === undefined ? destination.address : `${destination.address}?dt=${destination.tag}`;
  const rest = JSON.stringify({
    currency: payout.currency,
    reference: payout.reference,
    type: 'OUT',
    merchantId: payout.merchantId,
    ...(payout.expiryMinutes === undefined ? {} : { expiryMinutes: payout.expiryMinutes }),
    payOutDetails: {
      code: 'crypto',
      currency: destination.currency,
      address,
      ...(destination.protocol === undefined ? {} : { protocol: destination.protocol }),
    },
  });
  if (!/^[0-9]+(\.[0-9]+)?$/.test(payout.amount)) throw new TypeError('amount is not a canonical decimal');
  return `{"amount":${payout.amount},${rest.slice(1)}`;
}
