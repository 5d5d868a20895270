// Public types of the Coindirect simulator. Shapes of the vendor's payloads follow docs/coindirect.md.

export type PayoutStatus =
  | 'PENDING'
  | 'PROCESSING'
  | 'COMPLETE'
  | 'CANCELLED'
  | 'UNDERPAID'
  | 'OVERPAID'
  | 'EXPIRED';

/** Which error codes 400s carry: Coindirect's legacy words (`unique`) or BVNK's `MER-PAY-*` codes. */
export type ErrorStyle = 'coindirect' | 'bvnk';

/** Which resource string the HAWK mac may cover for a request with a query (docs/coindirect.md, "HAWK request signing"). */
export type QueryInMac = 'either' | 'included' | 'excluded';

export interface HawkCredential {
  readonly id: string;
  readonly key: string;
}

export interface SimMerchant {
  readonly merchantId: string;
  readonly displayName: string;
  /** The webhook secret; the merchant list returns it, as the real API does. */
  readonly secret: string;
}

export type Fault =
  | { readonly kind: 'status'; readonly status: 500 | 502 | 503 }
  | { readonly kind: 'html'; readonly status: number }
  | { readonly kind: 'throttle'; readonly retryAfterSec?: number | undefined }
  | { readonly kind: 'forbidden' }
  | { readonly kind: 'insufficientFunds' }
  /** Coindirect refusing the address (invalidPayout / MER-PAY-2027) for one the worker judged valid. */
  | { readonly kind: 'rejectAddress'; readonly style?: ErrorStyle | undefined }
  | { readonly kind: 'commitThenDrop' }
  | { readonly kind: 'commitThenDelay'; readonly ms: number }
  | { readonly kind: 'dropBeforeCommit' }
  | { readonly kind: 'delay'; readonly ms: number }
  /**
   * Never answers: the request is held until the client gives up (its socket closes) or the simulator
   * closes. It hangs after authentication but before the route runs, so a hung create commits nothing.
   */
  | { readonly kind: 'hang' };

export type FaultKind = Fault['kind'];

// Optional fields admit `undefined` because rules also arrive as parsed JSON through the admin API.
export interface FaultMatch {
  /** HTTP method, any case. */
  readonly method?: string | undefined;
  /** Prefix of the URL path (query excluded). */
  readonly path?: string | undefined;
  /** The create body's `reference`, or the search's `q`. */
  readonly reference?: string | undefined;
}

export interface FaultRule {
  readonly fault: Fault;
  /** Omitted: every /api/ request matches. */
  readonly match?: FaultMatch | undefined;
  /** How many requests the fault hits before it disarms; default 1, `Infinity` never disarms. */
  readonly times?: number | undefined;
  /** Chance (0..1) that a matching request is hit; default 1. A miss does not use up `times`. */
  readonly probability?: number | undefined;
}

export interface ActiveFault {
  readonly id: string;
  readonly rule: FaultRule;
  /** Hits left; `Infinity` for a permanent fault. */
  readonly remaining: number;
}

export interface CurrencyAmount {
  currency: string;
  amount: number;
  actual: number;
}

export interface SummaryPayment {
  uuid: string;
  merchantId: string;
  merchantDisplayName: string;
  dateCreated: number;
  expiryDate: number;
  quoteExpiryDate: number;
  acceptanceExpiryDate: number;
  quoteStatus: string;
  reference: string;
  type: 'OUT';
  subType: 'merchantPayOut';
  status: PayoutStatus;
  displayCurrency: CurrencyAmount;
  walletCurrency: CurrencyAmount;
  paidCurrency: CurrencyAmount;
  feeCurrency: CurrencyAmount;
  displayRate: { base: string; counter: string; rate: number };
  exchangeRate: { base: string; counter: string; rate: number };
  address: {
    address: string;
    tag: string | null;
    protocol: string | null;
    uri: string;
    alternatives: unknown[];
  };
  returnUrl: string;
  redirectUrl: string;
  transactions: unknown[];
  refund: null;
  refunds: unknown[];
}

/** One payout the simulator really created. */
export interface PayoutRecord {
  readonly uuid: string;
  readonly reference: string;
  readonly merchantId: string;
  /** The create request body as parsed JSON. */
  readonly request: unknown;
  /** The create request body exactly as received (amount digits included). */
  readonly rawBody: string;
  readonly summary: SummaryPayment;
}

/** What the simulator did with one /api/ request. Never holds a key. */
export interface RequestLogEntry {
  readonly at: number;
  readonly method: string;
  readonly path: string;
  /** The query string without `?`, empty when there is none. */
  readonly query: string;
  /** `null` when the connection was dropped without an answer. */
  readonly status: number | null;
  readonly authId: string | null;
  readonly nonce: string | null;
  readonly outcome: RequestOutcome;
  readonly fault: FaultKind | null;
}

export type RequestOutcome =
  | 'created'
  | 'duplicate-reference'
  | 'rejected'
  | 'found'
  | 'not-found'
  | 'listed'
  | 'merchants'
  | 'unknown-route'
  | 'unauthorized'
  | 'nonce-reused'
  | 'too-large'
  /** Refused with 429 by the rate limit (`rateLimit`). */
  | 'rate-limited'
  | 'fault';

/** Where the simulator sends its signed status webhooks. */
export interface WebhookTarget {
  /** The endpoint POSTed to. */
  readonly url: string;
  /** The URL as "registered" at Coindirect, which the signature covers; default `url`. */
  readonly registeredUrl?: string | undefined;
  /** The signing secret; default the payout's merchant `secret`. */
  readonly secret?: string | undefined;
}

/** One webhook the simulator sent. Never holds the secret or the signature. */
export interface WebhookDelivery {
  readonly at: number;
  readonly uuid: string;
  readonly status: PayoutStatus;
  readonly url: string;
  /** `null` when no HTTP answer came back. */
  readonly httpStatus: number | null;
  readonly error?: string;
}

/** Moves every new payout forward on timers, as Coindirect does on its own. */
export interface AutoProgress {
  /** A payout created PENDING becomes PROCESSING this long after its creation. */
  readonly processingAfterMs?: number | undefined;
  /**
   * A payout becomes final this long after its creation: COMPLETE, or CANCELLED when its reference ends in
   * `cancelDigit`.
   */
  readonly completeAfterMs?: number | undefined;
  /**
   * The deterministic share of payouts Coindirect cancels instead of completing: every payout whose
   * reference ends in this digit (0–9). Default: none is cancelled.
   */
  readonly cancelDigit?: number | undefined;
}

/**
 * Ways the simulated Coindirect behaves worse than its documentation, switchable at start
 * (`SimulatorOptions`), at runtime (`setVendorModes`, `POST /__sim/vendor`) and as `npm run simulator` flags.
 */
export interface VendorModes {
  /** A new payout stays out of `GET /api/v1/pay/summary` results this long (read by uuid sees it at once). */
  readonly searchLagMs: number;
  /** Set: a duplicate is refused with this code, not `unique` / `MER-PAY-2010` (moot without uniqueness). */
  readonly duplicateReferenceCode: string | null;
  /** Reject a second payout with a used reference (per merchant). False: no uniqueness check at all. */
  readonly enforceUniqueReference: boolean;
  /** Store bech32 addresses lower-cased and fiat amounts rounded (see normalize.ts). */
  readonly normalize: boolean;
  /** Every /api/ request waits this long before it is looked at. */
  readonly latencyMs: number;
  /**
   * A token bucket across all /api/ requests: over it, 429 with `Retry-After` (seconds). Null: no limit,
   * as Coindirect documents none (its real limit is unconfirmed).
   */
  readonly rateLimit: RateLimit | null;
  /**
   * The simulated server's clock runs this far ahead of its `clock` (negative: behind), for HAWK checks:
   * a client more than `timestampSkewSec` off gets hawk's stale-timestamp 401, with `WWW-Authenticate:
   * Hawk ts, tsm, error="Stale timestamp"`.
   */
  readonly clockSkewMs: number;
}

/** Requests per second and how many may come at once after a quiet spell. */
export interface RateLimit {
  /** Refill rate, requests per second (decimals allowed). */
  readonly rps: number;
  /** Bucket size: requests let through at once after a quiet spell; at least 1. */
  readonly burst: number;
}

/** What the API did with requests since the start (or the last reset), for tests and the bench. */
export interface ApiCounts {
  /** Requests the rate limit let through (all requests when there is no limit). */
  readonly allowed: number;
  /** Requests refused with 429 by the rate limit. */
  readonly refusedForRate: number;
}

/** A change to some vendor modes; `undefined` keeps a mode as it is (patches also arrive as parsed JSON). */
export type VendorModesPatch = { readonly [K in keyof VendorModes]?: VendorModes[K] | undefined };

export interface SimulatorOptions {
  /** Port to listen on (127.0.0.1 only); default 0 picks a free one. */
  readonly port?: number;
  /** Accepted HAWK credentials; default `[DEFAULT_CREDENTIAL]`. */
  readonly credentials?: readonly HawkCredential[];
  /** Known merchants; default `[DEFAULT_MERCHANT]`. */
  readonly merchants?: readonly SimMerchant[];
  /** Allowed HAWK clock skew either way; default 60 s (hawk's own default; hawk also reads 0 as 60). */
  readonly timestampSkewSec?: number;
  /** Error codes carried by 400s; default 'coindirect' (`unique`, `invalidPayout`). */
  readonly errorStyle?: ErrorStyle;
  /** Reject a second payout with a used reference (per merchant); default true. False: no check at all. */
  readonly enforceUniqueReference?: boolean;
  /** Refuse a duplicate reference with this `errorList` code instead of the documented one; default none. */
  readonly duplicateReferenceCode?: string;
  /** Hide a new payout from the reference search for this many ms (by the `clock`); default 0. */
  readonly searchLagMs?: number;
  /** Normalise stored content: bech32 addresses lower-cased, fiat amounts rounded; default false. */
  readonly normalize?: boolean;
  /** Delay before every /api/ request is looked at; default 0. `setLatency` changes it later. */
  readonly latencyMs?: number;
  /** Refuse requests over this rate with 429 + `Retry-After`; default none. `burst` defaults to `rps`. */
  readonly rateLimit?: { readonly rps: number; readonly burst?: number | undefined };
  /** Run the HAWK check's clock this far ahead (negative: behind); default 0. */
  readonly clockSkewMs?: number;
  /** Status of a freshly created payout; default 'PROCESSING'. */
  readonly createStatus?: 'PENDING' | 'PROCESSING';
  /** Whether the mac of a request with a query covers `path?query`, the path only, or either; default 'either'. */
  readonly queryInMac?: QueryInMac;
  /** Time source in epoch ms for HAWK checks and payout dates; default `Date.now`. */
  readonly clock?: () => number;
  /** Random source in [0, 1) for fault probabilities; default `Math.random`. */
  readonly random?: () => number;
  /** Send a signed status webhook on every status a payout takes (its first included). Default: none. */
  readonly webhook?: WebhookTarget;
  /** Progress every new payout on timers. Default: payouts change status only by `setPayoutStatus`. */
  readonly autoProgress?: AutoProgress;
}

/** The controls shared by the in-process API and the `/__sim/` admin API. */
export interface SimulatorControls {
  payouts(): PayoutRecord[];
  createdCount(reference: string): number;
  requests(): RequestLogEntry[];
  /** Requests let through and refused for rate (kept whole, unlike the capped request log). */
  apiCounts(): ApiCounts;
  addCredential(credential: HawkCredential): void;
  /** Returns false when the id was not known. */
  revokeCredential(id: string): boolean;
  /** Same as `setVendorModes({ latencyMs: ms })`. */
  setLatency(ms: number): void;
  vendorModes(): VendorModes;
  /** Validates the whole patch before applying any of it (RangeError); returns the modes now in force. */
  setVendorModes(patch: VendorModesPatch): VendorModes;
  /** Returns the fault's id. */
  injectFault(rule: FaultRule): string;
  clearFaults(): void;
  faults(): ActiveFault[];
  /** Throws when the uuid is unknown. Sends a status webhook when a webhook target is set. */
  setPayoutStatus(uuid: string, status: PayoutStatus): void;
  /** Where status webhooks go from now on; undefined stops them. */
  setWebhook(target: WebhookTarget | undefined): void;
  /** Sends the payout's current status webhook again (Coindirect may deliver duplicates). Throws when unknown. */
  redeliverWebhook(uuid: string): void;
  webhookDeliveries(): WebhookDelivery[];
  /**
   * Forgets payouts, requests, nonces, faults, webhook deliveries and pending progress timers; restores
   * the initial credentials, webhook target and vendor modes (latency included).
   */
  reset(): void;
}

export interface Simulator extends SimulatorControls {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  readonly url: string;
  /** Resolves once every webhook sent so far has been answered (or failed). */
  flushWebhooks(): Promise<void>;
  close(): Promise<void>;
}
