// The `normalize` vendor mode: a Coindirect that canonicalises what it stores, so what the worker reads
// back differs from what it sent. The worker must match its payout by reference, never by echoed content.

/**
 * Decimal places kept per fiat price currency. A small explicit list: a price currency not in it
 * (a coin such as BTC, or an unknown code) keeps its amount as sent.
 */
const FIAT_DECIMALS: Readonly<Record<string, number>> = {
  EUR: 2,
  USD: 2,
  GBP: 2,
  CHF: 2,
  ZAR: 2,
  JPY: 0,
};

/** Human-readable parts of the bech32 addresses lower-cased, each with the separator `1`. */
const BECH32_PREFIX = /^(bc|tb|bcrt|ltc|tltc)1/i;
const BECH32_COINS: ReadonlySet<string> = new Set(['BTC', 'LTC']);

/**
 * A BTC or LTC bech32 address lower-cased (BIP 173 allows all upper case; the lower-case form is the
 * canonical one); any other address as it is. The prefix is detected case-insensitively.
 */
export function normalizeAddress(coin: string, address: string): string {
  return BECH32_COINS.has(coin.toUpperCase()) && BECH32_PREFIX.test(address)
    ? address.toLowerCase()
    : address;
}

/**
 * The request's `amount` rounded for a fiat price currency; `amount` itself otherwise.
 *
 * Rounding rule: to the currency's decimal places (2, JPY 0), half up — a 5 right after the last kept
 * place rounds up (amounts are positive, so up is away from zero). It works on the decimal digits of the
 * number exactly as written in the raw request body, never on the parsed double: `1.005` is held as
 * 1.00499999… in binary, so `Math.round(x * 100) / 100` (or `toFixed(2)`) gives 1.00 where decimal
 * arithmetic gives 1.01. Examples: 10.125 → 10.13, 1.005 → 1.01, 0.005 → 0.01, 10.1 → 10.1,
 * 1.0125e1 → 10.13.
 */
export function normalizeAmount(priceCurrency: string, amount: number, rawBody: string): number {
  const places = FIAT_DECIMALS[priceCurrency.toUpperCase()];
  if (places === undefined) return amount;
  const source = topLevelMemberSource(rawBody, 'amount');
  // The body passed validation, so the literal is there and is this number; the guard is for safety only.
  const literal = source !== undefined && Number(source) === amount ? source : String(amount);
  return Number(roundDecimalHalfUp(literal, places));
}

const NUMBER_LITERAL = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** A JSON number literal rounded half up (away from zero) to `places` decimals, as a plain decimal string. */
export function roundDecimalHalfUp(literal: string, places: number): string {
  const parts = NUMBER_LITERAL.exec(literal);
  if (parts === null) throw new RangeError(`not a JSON number: ${literal}`);
  const [, sign = '', whole = '0', fraction = '', exponent = '0'] = parts;
  let digits = whole + fraction;
  // Where the decimal point sits in `digits`, once the exponent has moved it.
  let point = whole.length + Number(exponent);
  if (point < 0) {
    digits = '0'.repeat(-point) + digits;
    point = 0;
  }
  const kept = point + places;
  if (digits.length < kept) digits += '0'.repeat(kept - digits.length);
  const roundUp = (digits.charAt(kept) || '0') >= '5';
  const scaled = BigInt(digits.slice(0, kept) || '0') + (roundUp ? 1n : 0n);
  const text = scaled.toString().padStart(places + 1, '0');
  const unsigned = places === 0 ? text : `${text.slice(0, -places)}.${text.slice(-places)}`;
  return scaled === 0n ? unsigned : `${sign}${unsigned}`;
}

/**
 * The source text of the top-level member `key` of a JSON object, the last one when repeated (as
 * `JSON.parse` keeps the last); undefined when absent. `jsonText` must be valid JSON: it is not checked.
 */
export function topLevelMemberSource(jsonText: string, key: string): string | undefined {
  let at = 0;
  const skipSpace = (): void => {
    while (at < jsonText.length && ' \t\n\r'.includes(jsonText.charAt(at))) at += 1;
  };
  const readString = (): string => {
    const start = at;
    at += 1;
    while (at < jsonText.length && jsonText.charAt(at) !== '"') at += jsonText.charAt(at) === '\\' ? 2 : 1;
    at += 1;
    return JSON.parse(jsonText.slice(start, at)) as string;
  };
  const readValue = (): string => {
    const start = at;
    const first = jsonText.charAt(at);
    if (first === '"') {
      readString();
    } else if (first === '{' || first === '[') {
      let depth = 0;
      do {
        const char = jsonText.charAt(at);
        if (char === '"') {
          readString();
        } else {
          if (char === '{' || char === '[') depth += 1;
          if (char === '}' || char === ']') depth -= 1;
          at += 1;
        }
      } while (depth > 0 && at < jsonText.length);
    } else {
      while (at < jsonText.length && !',}] \t\n\r'.includes(jsonText.charAt(at))) at += 1;
    }
    return jsonText.slice(start, at);
  };

  let found: string | undefined;
  skipSpace();
  if (jsonText.charAt(at) !== '{') return undefined;
  at += 1;
  skipSpace();
  while (at < jsonText.length && jsonText.charAt(at) === '"') {
    const name = readString();
    skipSpace();
    at += 1; // ':'
    skipSpace();
    const value = readValue();
    if (name === key) found = value;
    skipSpace();
    if (jsonText.charAt(at) !== ',') break;
    at += 1;
    skipSpace();
  }
  return found;
}
