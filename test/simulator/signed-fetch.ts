// Test-side HAWK signing with the hawk package's client API, the counterpart of the simulator's check.
import Hawk from 'hawk';
import { DEFAULT_CREDENTIAL, DEFAULT_MERCHANT } from '#simulator/defaults.ts';
import type { HawkCredential } from '#simulator/types.ts';

export interface SignedRequest {
  readonly method?: string;
  readonly credential?: HawkCredential;
  /** HAWK ts in seconds; default now. */
  readonly timestamp?: number;
  readonly nonce?: string;
  /** Sent as JSON. */
  readonly body?: unknown;
  /** Sent as is, instead of `body`. */
  readonly rawBody?: string;
  /** The URL the mac covers, when it should differ from the one called. */
  readonly signedUrl?: string;
  /** Ends the request, e.g. `AbortSignal.timeout(ms)` for a client that gives up. */
  readonly signal?: AbortSignal;
}

export async function signedFetch(
  baseUrl: string,
  path: string,
  request: SignedRequest = {},
): Promise<Response> {
  const method =
    request.method ?? (request.body === undefined && request.rawBody === undefined ? 'GET' : 'POST');
  const url = `${baseUrl}${path}`;
  const { header } = Hawk.client.header(request.signedUrl ?? url, method, {
    credentials: { ...(request.credential ?? DEFAULT_CREDENTIAL), algorithm: 'sha256' },
    timestamp: request.timestamp,
    nonce: request.nonce,
  });
  const body = request.rawBody ?? (request.body === undefined ? undefined : JSON.stringify(request.body));
  return fetch(url, {
    method,
    headers: { authorization: header, 'content-type': 'application/json; charset=utf-8' },
    ...(body === undefined ? {} : { body }),
    ...(request.signal === undefined ? {} : { signal: request.signal }),
  });
}

/** POSTs a create-payout body, signed. */
export function createPayout(baseUrl: string, body: unknown, request: SignedRequest = {}): Promise<Response> {
  return signedFetch(baseUrl, '/api/v1/pay/summary', { ...request, method: 'POST', body });
}

export const BTC_ADDRESS = 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq';
export const ETH_ADDRESS = '0x52908400098527886E0F7030069857D2E4169EE7';
export const TRON_ADDRESS = 'TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE';
export const XRP_ADDRESS = 'rEb8TK3gBgk5auZkwc6sHnwrGVJH8DuaLh';

let counter = 0;

/** A valid BTC payout body with a fresh reference; `overrides` replace top-level fields. */
export function payoutBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  counter += 1;
  return {
    merchantId: DEFAULT_MERCHANT.merchantId,
    type: 'OUT',
    amount: 40.1,
    currency: 'EUR',
    reference: `test-ref-${process.pid}-${counter}`,
    payOutDetails: { code: 'crypto', currency: 'BTC', address: BTC_ADDRESS },
    ...overrides,
  };
}

/** The first `errorList` entry of a 400 body. */
export async function firstError(response: Response): Promise<{ parameter: string; code: string }> {
  const body = (await response.json()) as { errorList: Array<{ parameter: string; code: string }> };
  const [first] = body.errorList;
  if (first === undefined) throw new Error('errorList is empty');
  return first;
}
