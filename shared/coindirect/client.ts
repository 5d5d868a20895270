import type { ValidPayout } from '#shared/payout/schema.ts';
import {
  type CreateOutcome,
  classifyCreate,
  classifyRead,
  classifySearch,
  type LookupOutcome,
  type MerchantListOutcome,
} from './classify.ts';
import { TransportError } from './errors.ts';
import type { HawkCredentials, SignerOptions } from './hawk-signer.ts';
import { signRequest } from './hawk-signer.ts';
import type { HttpRequest, HttpResponse, HttpTransport } from './http-transport.ts';
import { merchantListSchema, parseJson } from './responses.ts';

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
}

/** Search results per page and pages read before giving up on an exact reference match. */
export const SEARCH_PAGE_SIZE = 50;
export const SEARCH_MAX_PAGES = 5;

type Sent =
  | { readonly ok: true; readonly response: HttpResponse }
  | { readonly ok: false; readonly error: TransportError };

/**
 * Coindirect's payout API: create, read by uuid, find by reference, list merchants. Every HTTP attempt is
 * signed afresh (new ts, new nonce). A 401 refetches the key once and retries once with a new signature;
 * that is safe even for a create, since an unauthenticated request is never acted on.
 */
export class CoindirectClient {
  readonly #options: CoindirectClientOptions;
  readonly #base: URL;

  constructor(options: CoindirectClientOptions) {
    this.#options = options;
    this.#base = new URL(options.baseUrl);
  }

  /** `POST /api/v1/pay/summary` with the payout's address; no accept step follows (coindirect-api.md §3.6). */
  async createPayout(payout: ValidPayout): Promise<CreateOutcome> {
    const sent = await this.#send('POST', '/api/v1/pay/summary', createPayoutBody(payout));
    if (!sent.ok) return transportOutcome(sent.error);
    return classifyCreate(sent.response, this.#now());
  }

  /** `GET /api/v1/pay/{uuid}/summary`. */
  async getPayout(uuid: string): Promise<LookupOutcome> {
    const sent = await this.#send('GET', `/api/v1/pay/${encodeURIComponent(uuid)}/summary`);
    if (!sent.ok) return transportOutcome(sent.error);
    return classifyRead(sent.response, this.#now());
  }

  /**
   * Searches the merchant's payouts for an exact reference match (`GET /api/v1/pay/summary?q=`). How `q`
   * matches is undocumented (it may match substrings of other references, addresses or hashes), so the
   * search pages on until a short page; past {@link SEARCH_MAX_PAGES} pages the answer is `ambiguous`,
   * never a `notFound` that could lead to a second POST.
   */
  async findPayoutByReference(merchantId: string, reference: string): Promise<LookupOutcome> {
    for (let page = 0; page < SEARCH_MAX_PAGES; page++) {
      const query = new URLSearchParams({
        merchantId,
        q: reference,
        offset: String(page * SEARCH_PAGE_SIZE),
        max: String(SEARCH_PAGE_SIZE),
      });
      const sent = await this.#send('GET', `/api/v1/pay/summary?${query.toString()}`);
      if (!sent.ok) return transportOutcome(sent.error);
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
  async listMerchantIds(): Promise<MerchantListOutcome> {
    const sent = await this.#send('GET', '/api/v1/merchant');
    if (!sent.ok) return transportOutcome(sent.error);
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

  async #send(method: HttpRequest['method'], path: string, body?: string): Promise<Sent> {
    const url = new URL(path, this.#base);
    let credentials = await this.#options.credentials.get();
    for (let attempt = 1; ; attempt++) {
      const headers: Record<string, string> = {
        authorization: signRequest(url, method, credentials, this.#options),
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
      };
      try {
        const response = await this.#options.transport({
          url,
          method,
          headers,
          ...(body === undefined ? {} : { body }),
        });
        if (response.status !== 401 || attempt > 1) return { ok: true, response };
      } catch (error) {
        if (error instanceof TransportError) return { ok: false, error };
        throw error;
      }
      credentials = await this.#options.credentials.refresh();
    }
  }
}

/** No HTTP response: before the connection opened nothing was sent; after it, the request may have landed. */
function transportOutcome(error: TransportError): { kind: 'unreachable' | 'ambiguous'; detail: string } {
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
