// The payout API endpoints (docs/coindirect.md, "Endpoints"), answering after authentication passed.
import { randomUUID } from 'node:crypto';
import { customDuplicateReference, invalidParameter, notFoundRoute, problem } from './error-bodies.ts';
import { json, parseJson, type SimResponse } from './http-io.ts';
import { normalizeAddress, normalizeAmount } from './normalize.ts';
import type { PayoutStore } from './store.ts';
import { buildSummary } from './summary.ts';
import type { ErrorStyle, PayoutStatus, RequestOutcome, SimMerchant, VendorModes } from './types.ts';
import { type CreatePayoutBody, checkDestination, createPayoutSchema } from './validation.ts';

export interface ApiDeps {
  readonly store: PayoutStore;
  readonly merchants: ReadonlyMap<string, SimMerchant>;
  readonly errorStyle: ErrorStyle;
  readonly createStatus: PayoutStatus;
  readonly clock: () => number;
  /** Read on every request: the modes can change at runtime. */
  readonly modes: () => VendorModes;
}

export interface ApiRequest {
  readonly method: string;
  readonly url: URL;
  readonly bodyText: string;
}

export interface RouteResult {
  readonly response: SimResponse;
  readonly outcome: RequestOutcome;
}

const READ_PATH = /^\/api\/v1\/pay\/([^/]+)\/summary$/;

export function routeApi(request: ApiRequest, deps: ApiDeps): RouteResult {
  const { method, url } = request;
  const path = url.pathname;
  if (path === '/api/v1/pay/summary' && method === 'POST') return createPayout(request.bodyText, deps);
  if (path === '/api/v1/pay/summary' && method === 'GET') return searchPayouts(url.searchParams, deps);
  if (path === '/api/v1/merchant' && method === 'GET') return listMerchants(deps);
  const read = READ_PATH.exec(path);
  if (read !== null && method === 'GET') return readPayout(decodeURIComponent(read[1] ?? ''), deps);
  return { response: notFoundRoute(path), outcome: 'unknown-route' };
}

function createPayout(bodyText: string, deps: ApiDeps): RouteResult {
  const parsed = createPayoutSchema.safeParse(parseJson(bodyText));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const parameter = issue === undefined || issue.path.length === 0 ? 'body' : issue.path.join('.');
    return rejected(invalidParameter(parameter, issue?.message ?? 'Invalid request body'));
  }
  const modes = deps.modes();
  // A normalising vendor canonicalises on the way in, so an upper-case bech32 address passes its checks.
  const body = modes.normalize ? normalized(parsed.data, bodyText) : parsed.data;
  if (!(body.amount > 0)) return rejected(invalidParameter('amount', `amount rounds to 0 ${body.currency}`));
  const merchant = deps.merchants.get(body.merchantId);
  if (merchant === undefined) return rejected(problem(deps.errorStyle, 'unknownMerchant'));
  const destination = checkDestination(body.payOutDetails);
  if (!destination.ok) return rejected(problem(deps.errorStyle, destination.problem));
  // Without uniqueness there is no check at all, so `duplicateReferenceCode` then has nothing to answer.
  if (modes.enforceUniqueReference && deps.store.hasReference(merchant.merchantId, body.reference)) {
    const response =
      modes.duplicateReferenceCode === null
        ? problem(deps.errorStyle, 'duplicateReference')
        : customDuplicateReference(modes.duplicateReferenceCode);
    return { response, outcome: 'duplicate-reference' };
  }
  const uuid = randomUUID();
  const summary = buildSummary({
    uuid,
    merchant,
    body,
    destination,
    createdAt: deps.clock(),
    status: deps.createStatus,
  });
  // `request` and `rawBody` stay as received even when normalising: they are the audit of what was sent.
  deps.store.add({
    uuid,
    reference: body.reference,
    merchantId: merchant.merchantId,
    request: parseJson(bodyText),
    rawBody: bodyText,
    summary,
  });
  return { response: json(200, summary), outcome: 'created' };
}

/** The body as a normalising Coindirect stores it: see normalize.ts for the rules. */
function normalized(body: CreatePayoutBody, bodyText: string): CreatePayoutBody {
  const { payOutDetails } = body;
  return {
    ...body,
    amount: normalizeAmount(body.currency, body.amount, bodyText),
    payOutDetails: {
      ...payOutDetails,
      address: normalizeAddress(payOutDetails.currency, payOutDetails.address),
    },
  };
}

function readPayout(uuid: string, deps: ApiDeps): RouteResult {
  const record = deps.store.get(uuid);
  if (record === undefined) {
    return { response: problem(deps.errorStyle, 'paymentNotFound'), outcome: 'not-found' };
  }
  return { response: json(200, record.summary), outcome: 'found' };
}

function searchPayouts(params: URLSearchParams, deps: ApiDeps): RouteResult {
  const merchantId = params.get('merchantId');
  if (merchantId === null || merchantId === '') {
    return rejected(problem(deps.errorStyle, 'merchantIdMissing'));
  }
  if (!deps.merchants.has(merchantId)) return rejected(problem(deps.errorStyle, 'unknownMerchant'));
  const offset = nonNegativeInt(params.get('offset'), 0);
  const max = nonNegativeInt(params.get('max'), 10);
  if (offset === null) return rejected(invalidParameter('offset', 'offset must be a non-negative integer'));
  if (max === null) return rejected(invalidParameter('max', 'max must be a non-negative integer'));
  // The whole search endpoint lags, not just `q`: it reads one index that has not caught up yet.
  const { searchLagMs } = deps.modes();
  const summaries = deps.store.search({
    merchantId,
    q: params.get('q'),
    status: params.get('status'),
    offset,
    max,
    createdAtMost: searchLagMs > 0 ? deps.clock() - searchLagMs : Number.POSITIVE_INFINITY,
  });
  return { response: json(200, summaries), outcome: 'listed' };
}

function listMerchants(deps: ApiDeps): RouteResult {
  const merchants = [...deps.merchants.values()].map((merchant, index) => ({
    id: index + 1,
    merchantId: merchant.merchantId,
    displayName: merchant.displayName,
    secret: merchant.secret,
    webhookUrl: null,
    autoConvertInvalidPayments: false,
    defaultExpiryMinutes: 1440,
    webhookVersion: 'v1',
    emailRecipients: [],
  }));
  return { response: json(200, merchants), outcome: 'merchants' };
}

function rejected(response: SimResponse): RouteResult {
  return { response, outcome: 'rejected' };
}

function nonNegativeInt(text: string | null, fallback: number): number | null {
  if (text === null || text === '') return fallback;
  return /^\d{1,9}$/.test(text) ? Number(text) : null;
}
