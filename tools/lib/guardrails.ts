// Which guardrails (caps, merchants, address network, body size) a payout file is checked with before
// it is sent: the first source that sets a value wins, and whatever none sets is permissive.
import { z } from 'zod';
import type { PayoutGuardrails } from '#shared/payout/schema.ts';
import { UsageError } from './errors.ts';

/** Guardrail values one source sets; absent ones are left to the next source. */
export interface GuardrailSettings {
  readonly maxAmounts?: Readonly<Record<string, string>>;
  readonly defaultMerchantId?: string;
  readonly allowedMerchantIds?: readonly string[];
  readonly addressNetwork?: 'mainnet' | 'testnet';
  readonly maxBodyBytes?: number;
}

export interface GuardrailSource {
  /** Says where the values came from, for the report: "flags", "worker CoindirectPayouts-staging-…". */
  readonly name: string;
  readonly settings: GuardrailSettings;
}

/** Stands for "no cap": the largest amount the v1 schema admits at all. */
export const NO_CAP = '999999999999999999';
const PERMISSIVE_MERCHANT = 'any-merchant';
const DEFAULT_MAX_BODY_BYTES = 16_384;

const maxAmountsSchema = z.record(
  z.string().regex(/^[A-Z0-9]{2,10}$/, 'currency codes must be upper-case like EUR'),
  z
    .string('amounts must be decimal strings like "5000"')
    .regex(/^(0|[1-9][0-9]{0,17})(\.[0-9]{1,8})?$/, 'amounts must be decimal strings like "5000"'),
);

/** The settings in a worker-style environment (`PAYOUT_MAX_AMOUNTS`, `COINDIRECT_MERCHANT_ID`, …). */
export function settingsFromWorkerEnv(
  env: Readonly<Record<string, string | undefined>>,
  sourceName: string,
): GuardrailSettings {
  const set = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const maxAmounts = set('PAYOUT_MAX_AMOUNTS');
  const merchant = set('COINDIRECT_MERCHANT_ID');
  const allowed = set('ALLOWED_MERCHANT_IDS');
  const network = set('ADDRESS_NETWORK');
  const bodyBytes = set('MAX_BODY_BYTES');
  return {
    ...(maxAmounts === undefined
      ? {}
      : { maxAmounts: parseMaxAmounts(maxAmounts, `${sourceName} PAYOUT_MAX_AMOUNTS`) }),
    ...(merchant === undefined ? {} : { defaultMerchantId: merchant }),
    ...(allowed === undefined ? {} : { allowedMerchantIds: splitList(allowed) }),
    ...(network === undefined
      ? {}
      : { addressNetwork: parseNetwork(network, `${sourceName} ADDRESS_NETWORK`) }),
    ...(bodyBytes === undefined
      ? {}
      : { maxBodyBytes: parseBodyBytes(bodyBytes, `${sourceName} MAX_BODY_BYTES`) }),
  };
}

export function parseMaxAmounts(raw: string, what: string): Record<string, string> {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new UsageError(`${what}: must be JSON such as {"EUR":"5000","USD":"5000"}`);
  }
  const parsed = maxAmountsSchema.safeParse(json);
  if (!parsed.success) {
    throw new UsageError(`${what}: ${parsed.error.issues[0]?.message ?? 'invalid'}, e.g. {"EUR":"5000"}`);
  }
  return parsed.data;
}

export function parseNetwork(raw: string, what: string): 'mainnet' | 'testnet' {
  if (raw === 'mainnet' || raw === 'testnet') return raw;
  throw new UsageError(`${what}: must be "mainnet" or "testnet", got "${raw}"`);
}

export function parseBodyBytes(raw: string, what: string): number {
  if (!/^[0-9]{4,6}$/.test(raw) || Number(raw) < 1_024 || Number(raw) > 262_144) {
    throw new UsageError(`${what}: must be a whole number of bytes from 1024 to 262144, got "${raw}"`);
  }
  return Number(raw);
}

export function splitList(raw: string): string[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export interface ResolvedGuardrails {
  readonly guardrails: PayoutGuardrails;
  /** One line per guardrail saying where its value came from. */
  readonly description: readonly string[];
}

/**
 * Merges the sources (first wins per value) into guardrails. What no source sets is permissive:
 * no amount cap for any price currency the rows use, any merchant the rows name, mainnet address
 * checks, 16,384-byte bodies (the worker's default).
 *
 * @param rowValues the raw rows, only read for the currencies and merchants a permissive default admits
 */
export function resolveGuardrails(
  sources: readonly GuardrailSource[],
  rowValues: readonly unknown[],
): ResolvedGuardrails {
  const pick = <K extends keyof GuardrailSettings>(key: K) => {
    for (const source of sources) {
      const value = source.settings[key];
      if (value !== undefined) return { value, from: source.name };
    }
    return undefined;
  };
  const caps = pick('maxAmounts');
  const merchant = pick('defaultMerchantId');
  const allowed = pick('allowedMerchantIds');
  const network = pick('addressNetwork');
  const bodyBytes = pick('maxBodyBytes');

  const seen = { currencies: new Set<string>(), merchants: new Set<string>() };
  for (const value of rowValues) {
    if (typeof value !== 'object' || value === null) continue;
    const { currency, merchantId } = value as { currency?: unknown; merchantId?: unknown };
    if (typeof currency === 'string') seen.currencies.add(currency);
    if (typeof merchantId === 'string') seen.merchants.add(merchantId);
  }
  const maxAmounts =
    caps?.value ?? Object.fromEntries([...seen.currencies].map((currency) => [currency, NO_CAP]));
  const guardrails: PayoutGuardrails = {
    maxAmounts,
    defaultMerchantId: merchant?.value ?? PERMISSIVE_MERCHANT,
    // With no merchant settings at all, any merchant the file names is accepted.
    allowedMerchantIds: allowed?.value ?? (merchant === undefined ? [...seen.merchants] : []),
    addressNetwork: network?.value ?? 'mainnet',
    maxBodyBytes: bodyBytes?.value ?? DEFAULT_MAX_BODY_BYTES,
  };
  const from = (found: { from: string } | undefined, permissive: string) =>
    found === undefined ? `permissive: ${permissive}` : found.from;
  return {
    guardrails,
    description: [
      `amount caps: ${from(caps, 'no cap, any price currency')}`,
      `merchants: ${from(merchant ?? allowed, 'any merchantId')}`,
      `address network: ${guardrails.addressNetwork} (${network?.from ?? 'default'})`,
      `body limit: ${guardrails.maxBodyBytes} bytes (${bodyBytes?.from ?? "the worker's default"})`,
    ],
  };
}
