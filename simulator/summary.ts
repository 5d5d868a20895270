// Builds the SummaryPaymentDto (docs/coindirect.md, "Create body") the simulator answers with.

import type { PayoutStatus, SimMerchant, SummaryPayment } from './types.ts';
import type { CreatePayoutBody } from './validation.ts';

/** Made-up prices, one per coin whatever the price currency: enough to fill `paidCurrency`. */
const PRICES: Readonly<Record<string, number>> = { BTC: 50_000, LTC: 80, ETH: 2_500, USDT: 1, XRP: 0.5 };

const URI_SCHEMES: Readonly<Record<string, string>> = {
  BTC: 'bitcoin',
  LTC: 'litecoin',
  ETH: 'ethereum',
  USDT: 'ethereum',
  XRP: 'ripple',
};

export interface NewSummary {
  readonly uuid: string;
  readonly merchant: SimMerchant;
  readonly body: CreatePayoutBody;
  readonly destination: { currency: string; address: string; tag: string | null; protocol: string | null };
  readonly createdAt: number;
  readonly status: PayoutStatus;
}

export function buildSummary(input: NewSummary): SummaryPayment {
  const { body, destination, createdAt } = input;
  const price = body.currency.toUpperCase();
  const coin = destination.currency;
  const rate = PRICES[coin] ?? 1;
  const expiry = createdAt + (body.expiryMinutes ?? 1440) * 60_000;
  const scheme = destination.protocol === 'TRC20' ? 'tron' : (URI_SCHEMES[coin] ?? coin.toLowerCase());
  const tagSuffix = destination.tag === null ? '' : `?dt=${destination.tag}`;
  return {
    uuid: input.uuid,
    merchantId: input.merchant.merchantId,
    merchantDisplayName: input.merchant.displayName,
    dateCreated: createdAt,
    expiryDate: expiry,
    quoteExpiryDate: expiry,
    acceptanceExpiryDate: expiry,
    quoteStatus: 'ACCEPTED',
    reference: body.reference,
    type: 'OUT',
    subType: 'merchantPayOut',
    status: input.status,
    displayCurrency: { currency: price, amount: body.amount, actual: 0 },
    walletCurrency: { currency: price, amount: body.amount, actual: 0 },
    paidCurrency: { currency: coin, amount: roundTo(body.amount / rate, 8), actual: 0 },
    feeCurrency: { currency: price, amount: 0, actual: 0 },
    displayRate: { base: coin, counter: price, rate },
    exchangeRate: { base: coin, counter: price, rate },
    address: {
      address: destination.address,
      tag: destination.tag,
      protocol: destination.protocol,
      uri: `${scheme}:${destination.address}${tagSuffix}`,
      alternatives: [],
    },
    returnUrl: body.returnUrl ?? '',
    redirectUrl: '',
    transactions: [],
    refund: null,
    refunds: [],
  };
}

/** Moves a summary to `status`; COMPLETE also fills the `actual` amounts, as a sent payout would. */
export function withStatus(summary: SummaryPayment, status: PayoutStatus, now: number): SummaryPayment {
  if (status !== 'COMPLETE') return { ...summary, status };
  return {
    ...summary,
    status,
    displayCurrency: { ...summary.displayCurrency, actual: summary.displayCurrency.amount },
    walletCurrency: { ...summary.walletCurrency, actual: summary.walletCurrency.amount },
    paidCurrency: { ...summary.paidCurrency, actual: summary.paidCurrency.amount },
    transactions: [
      {
        dateCreated: now,
        dateConfirmed: now,
        hash: `sim-${summary.uuid}`,
        amount: summary.paidCurrency.amount,
        risk: null,
        networkFeeCurrency: null,
        networkFeeAmount: null,
        sources: null,
        exchangeRate: null,
        displayRate: null,
      },
    ],
  };
}

function roundTo(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
