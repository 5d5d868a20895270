import * as z from 'zod/mini';
import {
  canonicalAddress,
  checkDestinationAddress,
  type DESTINATION_CURRENCIES,
  type DestinationCurrency,
  type DestinationField,
  destinationFields,
  isSupportedDestinationCurrency,
  SUPPORTED_DESTINATION_CURRENCIES,
  USDT_PROTOCOLS,
  unsupportedCurrencyReason,
} from './addresses.ts';
import { fractionDigits, minorUnits, PRICE_CURRENCY_MINOR_UNITS } from './currencies.ts';
import { canonicalDecimal, compareDecimal, describeJsonType, isPositive, parseDecimal } from './decimal.ts';
import { DECIMAL_PATTERN, MERCHANT_ID_PATTERN, PRICE_CURRENCY_PATTERN } from './patterns.ts';

/** Keys that could reach an object's prototype; rejected anywhere in a message. */
export const FORBIDDEN_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];
export const MAX_EXPIRY_MINUTES = 43_200;
export const MAX_METADATA_KEYS = 20;
export const MAX_METADATA_VALUE_LENGTH = 512;
export const MAX_ADDRESS_LENGTH = 128;
const MAX_UINT32 = 4_294_967_295;
const MAX_REPORTED_ISSUES = 100;

const REFERENCE_PATTERN = /^[A-Za-z0-9._:-]{6,255}$/;
const METADATA_KEY_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
const TAG_PATTERN = /^(0|[1-9][0-9]{0,9})$/;

type ErrorFn = (issue: { readonly input?: unknown }) => string;

/** Error map for a wrong or missing type: "is required: <rule>" or "must be <rule>, got number". */
const typeError =
  (rule: string, required = 'is required:'): ErrorFn =>
  ({ input }) =>
    input === undefined ? `${required} ${rule}` : `must be ${rule}, got ${describeJsonType(input)}`;

/** A short, quoted echo of a bad string value, so the producer sees what arrived. */
const preview = (input: unknown): string => {
  if (typeof input !== 'string') return describeJsonType(input);
  return input.length <= 40 ? JSON.stringify(input) : `a string of ${input.length} characters`;
};

const text = (rule: string, pattern: RegExp, description: string) =>
  z
    .string({ error: typeError(rule) })
    .check(
      z.regex(pattern, { error: ({ input }) => `must be ${rule}, got ${preview(input)}` }),
      z.describe(description),
    );

const referenceSchema = text(
  '6–255 characters of A–Z a–z 0–9 . _ : -',
  REFERENCE_PATTERN,
  'Idempotency key: one reference is at most one payout, forever. Sent to Coindirect as `reference`.',
);

const amountSchema = z.string({ error: typeError('a decimal string like "40.10"') }).check(
  z.regex(DECIMAL_PATTERN, {
    abort: true,
    error: ({ input }) => {
      const parsed = parseDecimal(input);
      return parsed.ok ? 'must be a decimal string like "40.10"' : parsed.reason;
    },
  }),
  z.refine(isPositive, { error: 'must be greater than 0' }),
  z.describe(
    'Decimal string in the price currency, > 0, at most the environment maximum, with no more decimals than the currency has (2 for EUR, USD, GBP; ISO 4217). No exponent or sign.',
  ),
);

const priceCurrencySchema = text(
  'an upper-case currency code like "EUR" (2–10 characters of A–Z 0–9)',
  PRICE_CURRENCY_PATTERN,
  'Price currency the amount is in (EUR, USD, …); must be enabled in the environment.',
);

const addressSchema = z
  .string({ error: typeError('the destination address as a string') })
  .check(
    z.minLength(1, { error: 'must not be empty' }),
    z.maxLength(MAX_ADDRESS_LENGTH, { error: `must be at most ${MAX_ADDRESS_LENGTH} characters` }),
    z.describe('Destination address; format and checksum are checked per currency and network.'),
  );

const protocolSchema = z
  .enum(USDT_PROTOCOLS, {
    error: ({ input }) =>
      `${input === undefined ? 'is required for USDT:' : 'must be'} "ERC20" (Ethereum) or "TRC20" (Tron); wrong network = funds lost`,
  })
  .check(z.describe('Token network for USDT, required for USDT only. The wrong network loses the funds.'));

const tagSchema = z
  .string({ error: typeError('a string of digits like "12345" ("0" if none)', 'is required for XRP:') })
  .check(
    z.regex(TAG_PATTERN, {
      abort: true,
      error: 'must be digits only, no leading zeros, like "12345" ("0" if none)',
    }),
    z.refine((tag) => Number(tag) <= MAX_UINT32, { error: `must be at most ${MAX_UINT32} (uint32)` }),
    z.describe('XRP destination tag, required for XRP ("0" if none).'),
  );

/**
 * Each destination field besides `currency` and `address` (which currency takes it: DESTINATION_CURRENCIES in
 * addresses.ts): its schema, and what to do when it comes with a currency that takes no such field.
 */
const DESTINATION_FIELDS = {
  protocol: { schema: protocolSchema, whenMisplaced: 'remove it (wrong network = funds lost)' },
  tag: { schema: tagSchema, whenMisplaced: 'remove it' },
} as const satisfies Record<DestinationField, { schema: z.ZodMiniType; whenMisplaced: string }>;

/** The currencies that take `field`: "USDT" for protocol. */
const currenciesTaking = (field: DestinationField): string =>
  SUPPORTED_DESTINATION_CURRENCIES.filter((currency) => destinationFields(currency).includes(field)).join(
    ' or ',
  );

type DestinationShape<C extends DestinationCurrency> = {
  readonly currency: z.ZodMiniLiteral<C>;
  readonly address: typeof addressSchema;
} & {
  readonly [F in (typeof DESTINATION_CURRENCIES)[C]['fields'][number]]: (typeof DESTINATION_FIELDS)[F]['schema'];
};
type DestinationOption<C extends DestinationCurrency> = z.ZodMiniObject<DestinationShape<C>, z.core.$strict>;

/** The `destination` object of one currency: currency, address, and the extra fields the table gives it. */
function destinationOption<C extends DestinationCurrency>(currency: C): DestinationOption<C> {
  const extra = Object.fromEntries(
    destinationFields(currency).map((field) => [field, DESTINATION_FIELDS[field].schema]),
  );
  return z.strictObject({
    currency: z.literal(currency),
    address: addressSchema,
    ...extra,
  }) as unknown as DestinationOption<C>;
}

type AnyDestinationOption = { [C in DestinationCurrency]: DestinationOption<C> }[DestinationCurrency];
const destinationOptions = SUPPORTED_DESTINATION_CURRENCIES.map(
  (currency) => destinationOption(currency) as AnyDestinationOption,
) as [AnyDestinationOption, ...AnyDestinationOption[]];

const destinationSchema = z
  .discriminatedUnion('currency', destinationOptions, {
    // Called for a non-object destination (invalid_type) and for an unknown currency (invalid_union).
    error: ({ input }) => {
      if (!isRecord(input)) return typeError('an object with currency and address')({ input });
      const currency = own(input, 'currency');
      const list = SUPPORTED_DESTINATION_CURRENCIES.join(', ');
      if (typeof currency === 'string') return unsupportedCurrencyReason(currency);
      return typeError(`a crypto currency code, one of ${list}`)({ input: currency });
    },
  })
  .check(z.describe('Where the crypto goes; which fields are allowed depends on currency.'));

const merchantIdSchema = text(
  '6–50 characters of A–Z a–z 0–9 . _ : -',
  MERCHANT_ID_PATTERN,
  'Coindirect merchant id (MID) to pay from; must be allowed in the environment; defaults to its merchant.',
);

const expiryRule = `a whole number of minutes from 1 to ${MAX_EXPIRY_MINUTES}`;
const expiryMinutesSchema = z
  .int({
    error: ({ input }) =>
      typeof input === 'number' ? `must be ${expiryRule}` : typeError(expiryRule)({ input }),
  })
  .check(
    z.minimum(1, { error: `must be ${expiryRule}` }),
    z.maximum(MAX_EXPIRY_MINUTES, { error: `must be ${expiryRule}` }),
    z.describe('Payment window in minutes; Coindirect expires the payout when it passes.'),
  );

const metadataKeySchema = z.string().check(
  z.regex(METADATA_KEY_PATTERN, {
    error: 'is not a valid metadata key (1–64 characters of A–Z a–z 0–9 _ . : -)',
  }),
  z.refine((key) => !FORBIDDEN_KEYS.includes(key), { error: 'is a reserved key name' }),
);

const metadataSchema = z
  .record(
    metadataKeySchema,
    z.string({ error: typeError('a string') }).check(
      z.maxLength(MAX_METADATA_VALUE_LENGTH, {
        error: `must be at most ${MAX_METADATA_VALUE_LENGTH} characters`,
      }),
    ),
    { error: typeError('a flat object of string values') },
  )
  .check(
    z.refine((map) => Object.keys(map).length <= MAX_METADATA_KEYS, {
      error: ({ input }) =>
        `must have at most ${MAX_METADATA_KEYS} keys, got ${Object.keys(input ?? {}).length}`,
    }),
    z.meta({
      maxProperties: MAX_METADATA_KEYS,
      description: 'Flat string map kept in the ledger, never sent to Coindirect.',
    }),
  );

/** Field names of the v1 message, in contract order. */
export const PAYOUT_FIELDS = [
  'reference',
  'amount',
  'currency',
  'destination',
  'merchantId',
  'expiryMinutes',
  'metadata',
] as const;

/**
 * The payout message v1, the producer contract (docs/producer-contract.md). Structure, patterns and static rules only:
 * the per-environment guardrails and the address checksums are applied by {@link parsePayoutMessage}.
 */
export const payoutMessageSchema = z.strictObject(
  {
    reference: referenceSchema,
    amount: amountSchema,
    currency: priceCurrencySchema,
    destination: destinationSchema,
    merchantId: z.optional(merchantIdSchema),
    expiryMinutes: z.optional(expiryMinutesSchema),
    metadata: z.optional(metadataSchema),
  },
  { error: typeError('a JSON object') },
);

export type PayoutMessage = z.infer<typeof payoutMessageSchema>;

export interface PayoutGuardrails {
  readonly defaultMerchantId: string;
  /** Merchants a message may name; `defaultMerchantId` is always allowed. */
  readonly allowedMerchantIds: readonly string[];
  /** Price currency → maximum amount (decimal string). A currency not listed is not enabled. */
  readonly maxAmounts: Readonly<Record<string, string>>;
  readonly addressNetwork: 'mainnet' | 'testnet';
  /** Largest body accepted, in UTF-8 bytes, measured before JSON.parse. */
  readonly maxBodyBytes: number;
}

/** One problem with a message: a dotted path (`destination.address`, or `(body)`) and a reason. */
export interface PayoutIssue {
  readonly path: string;
  readonly message: string;
}

/** A message that passed the schema and the guardrails, in the form the rest of the worker uses. */
export interface ValidPayout {
  readonly reference: string;
  /** Canonical decimal: no trailing fraction zeros ("40.10" → "40.1"). */
  readonly amount: string;
  readonly currency: string;
  readonly destination: {
    readonly currency: string;
    readonly address: string;
    readonly protocol?: 'ERC20' | 'TRC20';
    readonly tag?: string;
  };
  /** The message's merchantId, or the environment's default when absent. */
  readonly merchantId: string;
  readonly expiryMinutes?: number;
  readonly metadata: Readonly<Record<string, string>>;
}

export type PayoutParseResult =
  | { readonly ok: true; readonly payout: ValidPayout }
  | { readonly ok: false; readonly issues: readonly PayoutIssue[]; readonly reference?: string };

/**
 * Validates an SQS message body against payout message v1 and the environment's guardrails.
 * Never throws: every outcome, including a non-JSON or oversized body, is returned as data, with all
 * the issues found (each with its full path).
 *
 * @example
 * const result = parsePayoutMessage(record.body, guardrails);
 * if (!result.ok) return reject(result.reference, result.issues);
 */
export function parsePayoutMessage(body: string, guardrails: PayoutGuardrails): PayoutParseResult {
  if (typeof body !== 'string') return bodyIssue(`must be a string, got ${describeJsonType(body)}`);
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > guardrails.maxBodyBytes) {
    return bodyIssue(`is ${bytes} bytes; the limit is ${guardrails.maxBodyBytes} bytes`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return bodyIssue('not valid JSON');
  }
  if (!isRecord(raw)) return bodyIssue(`must be a JSON object, got ${describeJsonType(raw)}`);

  const issues = [...forbiddenKeyIssues(raw)];
  const parsed = payoutMessageSchema.safeParse(raw);
  if (!parsed.success) {
    const taken = new Set(issues.map((issue) => issue.path));
    for (const issue of parsed.error.issues) {
      for (const mapped of mapZodIssue(issue, raw)) if (!taken.has(mapped.path)) issues.push(mapped);
    }
  }
  issues.push(...guardrailIssues(raw, guardrails));

  if (issues.length > 0 || !parsed.success) {
    const reference = own(raw, 'reference');
    const shown = issues.slice(0, MAX_REPORTED_ISSUES);
    if (issues.length > shown.length) {
      shown.push({ path: '(body)', message: `${issues.length - shown.length} more issues not shown` });
    }
    return referenceSchema.safeParse(reference).success && typeof reference === 'string'
      ? { ok: false, issues: shown, reference }
      : { ok: false, issues: shown };
  }
  return { ok: true, payout: toValidPayout(parsed.data, guardrails) };
}

function bodyIssue(message: string): PayoutParseResult {
  return { ok: false, issues: [{ path: '(body)', message }] };
}

function toValidPayout(message: PayoutMessage, guardrails: PayoutGuardrails): ValidPayout {
  // The strict destination object holds exactly its currency's fields besides currency and address.
  const { currency: destCurrency, address, ...fields } = message.destination;
  // Object.create(null): even a key that slipped past the checks could not reach a prototype.
  const metadata: Record<string, string> = Object.create(null);
  for (const [key, value] of Object.entries(message.metadata ?? {})) metadata[key] = value;
  return Object.freeze({
    reference: message.reference,
    amount: canonicalDecimal(message.amount),
    currency: message.currency,
    destination: Object.freeze({
      currency: destCurrency,
      address: canonicalAddress(destCurrency, address),
      ...fields,
    }),
    merchantId: message.merchantId ?? guardrails.defaultMerchantId,
    ...(message.expiryMinutes === undefined ? {} : { expiryMinutes: message.expiryMinutes }),
    metadata: Object.freeze(metadata),
  });
}

/** Rules that need the environment (caps, merchants, network), checked on each field that is valid alone. */
function guardrailIssues(raw: Record<string, unknown>, guardrails: PayoutGuardrails): PayoutIssue[] {
  const issues: PayoutIssue[] = [];
  const currency = own(raw, 'currency');
  const amount = own(raw, 'amount');
  if (typeof currency === 'string' && priceCurrencySchema.safeParse(currency).success) {
    const max = Object.hasOwn(guardrails.maxAmounts, currency) ? guardrails.maxAmounts[currency] : undefined;
    const enabled = Object.keys(guardrails.maxAmounts).sort().join(', ') || 'none';
    if (max === undefined) {
      issues.push({
        path: 'currency',
        message: `${currency} is not enabled in this environment; enabled: ${enabled}`,
      });
    } else if (!DECIMAL_PATTERN.test(max)) {
      issues.push({
        path: 'currency',
        message: `${currency} has no valid maximum configured (operator: fix maxAmounts)`,
      });
    } else if (typeof amount === 'string' && amountSchema.safeParse(amount).success) {
      const decimals = minorUnits(currency);
      const written = fractionDigits(canonicalDecimal(amount));
      if (decimals === undefined) {
        issues.push({
          path: 'currency',
          message: `${currency} has no known minor unit; supported: ${Object.keys(PRICE_CURRENCY_MINOR_UNITS).join(', ')}`,
        });
      } else if (written > decimals) {
        issues.push({ path: 'amount', message: `${currency} has ${decimals} decimals, got ${amount}` });
      }
      if (compareDecimal(amount, max) > 0) {
        issues.push({
          path: 'amount',
          message: `must be at most ${max} ${currency} in this environment, got ${amount}`,
        });
      }
    }
  }
  const merchantId = own(raw, 'merchantId');
  if (typeof merchantId === 'string' && merchantIdSchema.safeParse(merchantId).success) {
    if (merchantId !== guardrails.defaultMerchantId && !guardrails.allowedMerchantIds.includes(merchantId)) {
      issues.push({
        path: 'merchantId',
        message: 'is not allowed in this environment (omit it to use the default)',
      });
    }
  }
  const destination = own(raw, 'destination');
  if (isRecord(destination)) {
    const destCurrency = own(destination, 'currency');
    const address = own(destination, 'address');
    const protocol = own(destination, 'protocol');
    const usable =
      typeof destCurrency === 'string' &&
      isSupportedDestinationCurrency(destCurrency) &&
      addressSchema.safeParse(address).success &&
      // A protocol picks the address format: without a valid one the address cannot be checked.
      (!destinationFields(destCurrency).includes('protocol') || protocolSchema.safeParse(protocol).success);
    if (usable && typeof address === 'string') {
      const reason = checkDestinationAddress({
        currency: destCurrency,
        address,
        protocol: typeof protocol === 'string' ? protocol : undefined,
        network: guardrails.addressNetwork,
      });
      if (reason !== undefined) issues.push({ path: 'destination.address', message: reason });
    }
  }
  return issues;
}

function mapZodIssue(issue: z.core.$ZodIssue, raw: Record<string, unknown>): PayoutIssue[] {
  if (issue.code === 'invalid_key') {
    return [{ path: formatPath(issue.path), message: issue.issues.map((inner) => inner.message).join('; ') }];
  }
  if (issue.code !== 'unrecognized_keys') return [{ path: formatPath(issue.path), message: issue.message }];
  const inDestination = issue.path.length === 1 && issue.path[0] === 'destination';
  // Read only for a destination's unknown key, which zod reports only once the currency matched an option
  // (a string): a root-level key next to a currency like {"toString": false} must not make String() throw.
  const destination = own(raw, 'destination');
  const destCurrency = inDestination && isRecord(destination) ? String(own(destination, 'currency')) : '';
  return issue.keys.map((key) => ({
    path: formatPath([...issue.path, key]),
    message: !inDestination
      ? `is not a field of payout message v1 (allowed: ${PAYOUT_FIELDS.join(', ')})`
      : isDestinationField(key)
        ? `is only allowed for ${currenciesTaking(key)}, not ${destCurrency}; ${DESTINATION_FIELDS[key].whenMisplaced}`
        : `is not a destination field (allowed: ${DESTINATION_FIELD_LIST})`,
  }));
}

function isDestinationField(key: string): key is DestinationField {
  return Object.hasOwn(DESTINATION_FIELDS, key);
}

/** "currency, address, protocol for USDT, tag for XRP". */
const DESTINATION_FIELD_LIST = [
  'currency',
  'address',
  ...(Object.keys(DESTINATION_FIELDS) as DestinationField[]).map((f) => `${f} for ${currenciesTaking(f)}`),
].join(', ');

/** Walks the parsed JSON without recursion (deep nesting must not overflow the stack). */
function forbiddenKeyIssues(root: Record<string, unknown>): PayoutIssue[] {
  interface Node {
    readonly value: unknown;
    readonly key: PropertyKey | undefined;
    readonly parent: Node | undefined;
  }
  const pathOf = (node: Node): PropertyKey[] => {
    const path: PropertyKey[] = [];
    for (let n: Node | undefined = node; n?.key !== undefined; n = n.parent) path.unshift(n.key);
    return path;
  };
  const issues: PayoutIssue[] = [];
  const stack: Node[] = [{ value: root, key: undefined, parent: undefined }];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    const { value } = node;
    if (typeof value !== 'object' || value === null) continue;
    for (const [key, child] of Object.entries(value)) {
      const childNode: Node = { value: child, key: Array.isArray(value) ? Number(key) : key, parent: node };
      if (FORBIDDEN_KEYS.includes(key) && !Array.isArray(value)) {
        issues.push({
          path: formatPath(pathOf(childNode)),
          message: `uses the reserved key name "${key}", which is never accepted`,
        });
      }
      stack.push(childNode);
    }
  }
  return issues;
}

/** `destination.address`, `metadata["order id"]`, `items[0]`. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(segment)) {
      out += out === '' ? segment : `.${segment}`;
    } else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out === '' ? '(body)' : out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads an own property only: `raw.constructor` must not find `Object` on the prototype. */
function own(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
