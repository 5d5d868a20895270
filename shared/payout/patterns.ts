/**
 * The string rules shared by the payout schema (shared/payout/schema.ts), the worker's settings
 * (shared/config/worker-settings.ts, functions/payout-worker/config.ts) and the deployment config
 * (infra/config.ts). Each is also a JSON Schema `pattern`, so none uses a look-around that RE2-based
 * validators (Go, Rust) cannot run.
 */

/** Most integer digits an amount may have (fits a Java `BigDecimal`/`long` comfortably). */
export const MAX_INTEGER_DIGITS = 18;
/** Most fraction digits an amount may have (satoshi precision). */
export const MAX_FRACTION_DIGITS = 8;

/**
 * A non-negative decimal string with the digit limits built in: no sign, exponent, whitespace or leading
 * zeros. Amounts, and the caps of `PAYOUT_MAX_AMOUNTS` / `payoutMaxAmounts`.
 */
export const DECIMAL_PATTERN = new RegExp(
  `^(0|[1-9][0-9]{0,${MAX_INTEGER_DIGITS - 1}})(\\.[0-9]{1,${MAX_FRACTION_DIGITS}})?$`,
);

/** Length limits of a Coindirect merchant id (MID). */
export const MERCHANT_ID_LENGTH = { min: 6, max: 50 } as const;

/**
 * A Coindirect merchant id (MID). It has no comma, the separator of `ALLOWED_MERCHANT_IDS`.
 */
export const MERCHANT_ID_PATTERN = new RegExp(
  `^[A-Za-z0-9._:-]{${MERCHANT_ID_LENGTH.min},${MERCHANT_ID_LENGTH.max}}$`,
);

/** A price currency code such as `EUR`: 2–10 upper-case letters and digits. */
export const PRICE_CURRENCY_PATTERN = /^[A-Z0-9]{2,10}$/;
