/**
 * Price currencies the worker accepts, each with its ISO 4217 minor unit: how many decimals an amount
 * in it may have. A payout amount with more decimals than its currency has is refused at the door,
 * because Coindirect stores a rounded amount and the stored payout would no longer match the message.
 * To accept a new price currency, add it here (docs/changing-it.md).
 */
export const PRICE_CURRENCY_MINOR_UNITS: Readonly<Record<string, number>> = Object.freeze({
  AED: 2,
  AUD: 2,
  BGN: 2,
  BHD: 3,
  BRL: 2,
  CAD: 2,
  CHF: 2,
  CLP: 0,
  CZK: 2,
  DKK: 2,
  EUR: 2,
  GBP: 2,
  GHS: 2,
  HKD: 2,
  HUF: 2,
  ILS: 2,
  INR: 2,
  JOD: 3,
  JPY: 0,
  KES: 2,
  KRW: 0,
  KWD: 3,
  MXN: 2,
  NGN: 2,
  NOK: 2,
  NZD: 2,
  OMR: 3,
  PLN: 2,
  RON: 2,
  SAR: 2,
  SEK: 2,
  SGD: 2,
  TND: 3,
  TRY: 2,
  UGX: 0,
  USD: 2,
  ZAR: 2,
});

/** The minor unit of a supported price currency, or undefined when the worker does not know it. */
export function minorUnits(currency: string): number | undefined {
  return Object.hasOwn(PRICE_CURRENCY_MINOR_UNITS, currency)
    ? PRICE_CURRENCY_MINOR_UNITS[currency]
    : undefined;
}

/** Decimals written in a decimal string (`"10.120"` has 3: trailing zeros count as written). */
export function fractionDigits(decimal: string): number {
  const dot = decimal.indexOf('.');
  return dot < 0 ? 0 : decimal.length - dot - 1;
}
