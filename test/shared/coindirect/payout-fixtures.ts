// Payouts and Coindirect summaries for the coindirect unit tests. Addresses are well-formed examples;
// nothing here checks them (the schema tests do that).
import type { HttpResponse } from '#shared/coindirect/http-transport.ts';
import type { PayoutSummary } from '#shared/coindirect/responses.ts';
import type { ValidPayout } from '#shared/payout/schema.ts';

export const MERCHANT_ID = '9a57c17a-1eef-48ff-83d0-b5892c99f767';
export const BTC_ADDRESS = 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq';
export const ETH_ADDRESS = '0x52908400098527886E0F7030069857D2E4169EE7';
export const XRP_ADDRESS = 'rPEPPER7kfTD9w2To4CQk6UCfuHM9c6GDY';

type PayoutOverrides = Partial<Omit<ValidPayout, 'destination'>> & {
  readonly destination?: ValidPayout['destination'];
};

/** A valid BTC payout of 40.1 EUR; override any field. */
export function btcPayout(overrides: PayoutOverrides = {}): ValidPayout {
  return {
    reference: 'ref-000123',
    amount: '40.1',
    currency: 'EUR',
    destination: { currency: 'BTC', address: BTC_ADDRESS },
    merchantId: MERCHANT_ID,
    metadata: {},
    ...overrides,
  };
}

/** The summary Coindirect would hold for `btcPayout()`. */
export function btcSummary(overrides: Partial<PayoutSummary> = {}): PayoutSummary {
  return {
    uuid: '11111111-2222-3333-4444-555555555555',
    reference: 'ref-000123',
    merchantId: MERCHANT_ID,
    type: 'OUT',
    status: 'PENDING',
    dateCreated: 1_700_000_000_000,
    displayCurrency: { currency: 'EUR', amount: 40.1, actual: 0 },
    paidCurrency: { currency: 'BTC', amount: 0.000802, actual: 0 },
    address: { address: BTC_ADDRESS, tag: null, protocol: null },
    ...overrides,
  };
}

/** An HTTP response with a JSON body (or a raw string body when given a string). */
export function response(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers, body: typeof body === 'string' ? body : JSON.stringify(body) };
}

export function errorList(
  ...entries: ReadonlyArray<{ parameter?: string; code: string; message?: string }>
): { errorList: typeof entries } {
  return { errorList: entries };
}

export const HTML_BLOCKED =
  '<html><head><title>403 Forbidden</title></head><body>Request blocked.</body></html>';
