/**
 * Exact decimal handling on strings. Amounts never pass through float arithmetic: they are compared
 * as scaled BigInts and normalised by string manipulation only.
 */

// The accepted amount syntax (DECIMAL_PATTERN) and its digit limits live in patterns.ts.
import { MAX_FRACTION_DIGITS, MAX_INTEGER_DIGITS } from './patterns.ts';

const SHAPE = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;
// Looser shape for values that did not come from a producer (e.g. decimalFromNumber, guardrails):
// any number of digits, leading zeros tolerated.
const PLAIN = /^([0-9]+)(?:\.([0-9]+))?$/;

/** Result of {@link parseDecimal}: the canonical form, or a reason a producer can act on. */
export type DecimalParseResult =
  | { readonly ok: true; readonly value: string }
  | { readonly ok: false; readonly reason: string };

const EXAMPLE = 'a decimal string like "40.10"';

/** Names the JSON type of a value for messages, without echoing the value itself. */
export function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * Parses a producer's amount string.
 *
 * Accepts only `^(0|[1-9][0-9]*)(\.[0-9]+)?$` with at most {@link MAX_INTEGER_DIGITS} integer digits
 * and {@link MAX_FRACTION_DIGITS} fraction digits: no sign, exponent, whitespace or leading zeros.
 * Zero is syntactically valid here; use {@link isPositive} for the "> 0" rule.
 *
 * @example
 * parseDecimal('40.10'); // { ok: true, value: '40.1' }
 * parseDecimal('1e5');   // { ok: false, reason: 'must not use exponent notation …' }
 */
export function parseDecimal(input: unknown): DecimalParseResult {
  if (typeof input !== 'string') {
    return { ok: false, reason: `must be ${EXAMPLE}, got ${describeJsonType(input)}` };
  }
  const reason = syntaxProblem(input);
  if (reason !== undefined) return { ok: false, reason };
  return { ok: true, value: canonicalDecimal(input) };
}

function syntaxProblem(s: string): string | undefined {
  if (s.length === 0) return `must be ${EXAMPLE}, got an empty string`;
  if (SHAPE.test(s)) {
    const [int = '', frac = ''] = s.split('.');
    if (int.length > MAX_INTEGER_DIGITS) return `must have at most ${MAX_INTEGER_DIGITS} integer digits`;
    if (frac.length > MAX_FRACTION_DIGITS) return `must have at most ${MAX_FRACTION_DIGITS} decimal places`;
    return undefined;
  }
  if (/\s/.test(s)) return `must be ${EXAMPLE} without whitespace`;
  if (/^[+-]/.test(s)) return `must be ${EXAMPLE} without a sign`;
  if (/[eE]/.test(s) && /^[0-9.]+[eE][+-]?[0-9]+$/.test(s)) {
    return `must be ${EXAMPLE}, not exponent notation`;
  }
  if (s.includes(',')) return `must be ${EXAMPLE}, with "." as the decimal separator and no grouping`;
  if (/^0[0-9]/.test(s)) return `must be ${EXAMPLE} without leading zeros`;
  if (s.startsWith('.') || s.endsWith('.')) return `must be ${EXAMPLE} with digits on both sides of "."`;
  return `must be ${EXAMPLE}`;
}

function splitPlain(s: string): { int: string; frac: string } {
  const match = PLAIN.exec(s);
  if (match === null) throw new RangeError('not a plain non-negative decimal string');
  return { int: match[1] ?? '0', frac: match[2] ?? '' };
}

/**
 * Removes trailing fraction zeros and a trailing dot, and leading integer zeros.
 * Throws `RangeError` for a string that is not a plain non-negative decimal (a caller bug).
 *
 * @example
 * canonicalDecimal('40.10'); // '40.1'
 * canonicalDecimal('40.00'); // '40'
 */
export function canonicalDecimal(s: string): string {
  const { int, frac } = splitPlain(s);
  const intPart = int.replace(/^0+(?=[0-9])/, '');
  const fracPart = frac.replace(/0+$/, '');
  return fracPart === '' ? intPart : `${intPart}.${fracPart}`;
}

/**
 * Compares two plain non-negative decimal strings exactly (BigInt scaling, no floats).
 * Throws `RangeError` when either is not a plain decimal.
 *
 * @example
 * compareDecimal('40.1', '40.10'); // 0
 * compareDecimal('9.99', '10');    // -1
 */
export function compareDecimal(a: string, b: string): -1 | 0 | 1 {
  const x = splitPlain(a);
  const y = splitPlain(b);
  const scale = Math.max(x.frac.length, y.frac.length);
  const left = BigInt(x.int + x.frac.padEnd(scale, '0'));
  const right = BigInt(y.int + y.frac.padEnd(scale, '0'));
  if (left === right) return 0;
  return left < right ? -1 : 1;
}

/** True when the plain decimal string is strictly greater than zero. Throws `RangeError` if not plain. */
export function isPositive(s: string): boolean {
  const { int, frac } = splitPlain(s);
  return /[1-9]/.test(int + frac);
}

/**
 * Turns a JSON number (as Coindirect returns amounts: `40.1`, `1E+4`, `0.030581700000000000`) into a
 * plain canonical decimal string, using the shortest representation that round-trips the double.
 * Returns `undefined` for NaN, ±Infinity and negative numbers. `-0` gives `"0"`.
 *
 * @example
 * decimalFromNumber(1e4);    // '10000'
 * decimalFromNumber(1.5e-7); // '0.00000015'
 */
export function decimalFromNumber(n: number): string | undefined {
  if (!Number.isFinite(n) || n < 0) return undefined;
  const text = String(n);
  const exp = /^([0-9]+)(?:\.([0-9]+))?e([+-][0-9]+)$/.exec(text);
  if (exp === null) return canonicalDecimal(text);
  const digits = (exp[1] ?? '') + (exp[2] ?? '');
  // Position of the decimal point within `digits` after applying the exponent.
  const point = (exp[1] ?? '').length + Number(exp[3]);
  if (point <= 0) return canonicalDecimal(`0.${'0'.repeat(-point)}${digits}`);
  if (point >= digits.length) return canonicalDecimal(digits + '0'.repeat(point - digits.length));
  return canonicalDecimal(`${digits.slice(0, point)}.${digits.slice(point)}`);
}

/** A plain decimal string as an integer count of 10^-scale units. */
function scaled(s: string, scale: number): bigint {
  const { int, frac } = splitPlain(s);
  return BigInt(int + frac.padEnd(scale, '0'));
}

/** Writes an integer count of 10^-scale units back as a canonical decimal string. */
function unscaled(units: bigint, scale: number): string {
  const digits = units.toString().padStart(scale + 1, '0');
  const point = digits.length - scale;
  return canonicalDecimal(scale === 0 ? digits : `${digits.slice(0, point)}.${digits.slice(point)}`);
}

/**
 * The exact sum of two plain non-negative decimal strings, canonical (BigInt scaling, no floats).
 * Throws `RangeError` when either is not a plain decimal.
 *
 * @example
 * addDecimal('0.1', '0.2'); // '0.3'
 */
export function addDecimal(a: string, b: string): string {
  const scale = Math.max(splitPlain(a).frac.length, splitPlain(b).frac.length);
  return unscaled(scaled(a, scale) + scaled(b, scale), scale);
}

/**
 * The exact difference `a - b` of two plain non-negative decimal strings, canonical; `undefined` when it
 * would be negative. Throws `RangeError` when either is not a plain decimal.
 *
 * @example
 * subtractDecimal('40.1', '0.10'); // '40'
 * subtractDecimal('1', '1.01');    // undefined
 */
export function subtractDecimal(a: string, b: string): string | undefined {
  const scale = Math.max(splitPlain(a).frac.length, splitPlain(b).frac.length);
  const difference = scaled(a, scale) - scaled(b, scale);
  return difference < 0n ? undefined : unscaled(difference, scale);
}

/**
 * `part` as a percentage of `whole` (> 0), cut (not rounded) to `decimals` places: exact, no floats.
 * Throws `RangeError` when either is not a plain decimal or `whole` is zero.
 *
 * @example
 * percentOf('1', '3'); // '33.3'
 */
export function percentOf(part: string, whole: string, decimals = 1): string {
  const scale = Math.max(splitPlain(part).frac.length, splitPlain(whole).frac.length);
  const divisor = scaled(whole, scale);
  if (divisor === 0n) throw new RangeError('a percentage of zero');
  return unscaled((scaled(part, scale) * 100n * 10n ** BigInt(decimals)) / divisor, decimals);
}
