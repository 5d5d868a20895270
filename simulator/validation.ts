// What the simulator accepts in a create-payout body (docs/coindirect.md, "Create body"). The address rules are
// deliberately simple and independent of the worker's own checks, so a bug there cannot hide here.
import { z } from 'zod';

/** Unknown fields are ignored, as a lenient JSON binder would. */
export const createPayoutSchema = z.object({
  merchantId: z.string().min(1),
  type: z.literal('OUT'),
  amount: z.number().positive(),
  currency: z.string().min(2).max(20),
  reference: z.string().min(6).max(255),
  expiryMinutes: z.number().int().positive().optional(),
  returnUrl: z.string().optional(),
  payOutDetails: z.object({
    code: z.literal('crypto'),
    currency: z.string().min(1),
    address: z.string().min(1),
    protocol: z.string().optional(),
  }),
});

export type CreatePayoutBody = z.infer<typeof createPayoutSchema>;

export type Destination =
  | {
      readonly ok: true;
      readonly currency: string;
      readonly address: string;
      readonly tag: string | null;
      readonly protocol: string | null;
    }
  | { readonly ok: false; readonly problem: 'protocolRequired' | 'invalidAddress' | 'unknownCurrency' };

const B58 = '[1-9A-HJ-NP-Za-km-z]';
const BECH32 = '[02-9ac-hj-np-z]';

const BTC = [new RegExp(`^[13mn2]${B58}{25,34}$`), new RegExp(`^(bc1|tb1|bcrt1)${BECH32}{11,71}$`)];
const LTC = [new RegExp(`^[LM3mn2Q]${B58}{25,34}$`), new RegExp(`^(ltc1|tltc1|rltc1)${BECH32}{11,71}$`)];
const EVM = [/^0x[0-9a-fA-F]{40}$/];
const TRON = [new RegExp(`^T${B58}{33}$`)];
const XRP_WITH_TAG = new RegExp(`^(r${B58}{24,34})\\?dt=(\\d{1,10})$`);

const PLAIN: Readonly<Record<string, readonly RegExp[]>> = { BTC, LTC, ETH: EVM };
const USDT: Readonly<Record<string, readonly RegExp[]>> = { ERC20: EVM, TRC20: TRON };

/** Checks the destination the way the simulator's Coindirect would; currencies compare upper-cased. */
export function checkDestination(details: CreatePayoutBody['payOutDetails']): Destination {
  const currency = details.currency.toUpperCase();
  const protocol = details.protocol ?? null;
  const { address } = details;
  if (currency === 'USDT') {
    const patterns = protocol === null ? undefined : USDT[protocol];
    if (patterns === undefined) return { ok: false, problem: 'protocolRequired' };
    return matchesAny(patterns, address)
      ? { ok: true, currency, address, tag: null, protocol }
      : { ok: false, problem: 'invalidAddress' };
  }
  // Below, a `protocol` on a single-network coin is refused: the worker must never send one.
  if (currency === 'XRP') {
    const tagged = XRP_WITH_TAG.exec(address);
    if (protocol !== null || tagged === null) return { ok: false, problem: 'invalidAddress' };
    return { ok: true, currency, address: tagged[1] ?? '', tag: tagged[2] ?? null, protocol: null };
  }
  const patterns = PLAIN[currency];
  if (patterns === undefined) return { ok: false, problem: 'unknownCurrency' };
  return protocol === null && matchesAny(patterns, address)
    ? { ok: true, currency, address, tag: null, protocol: null }
    : { ok: false, problem: 'invalidAddress' };
}

function matchesAny(patterns: readonly RegExp[], value: string): boolean {
  return patterns.some((pattern) => pattern.test(value));
}
