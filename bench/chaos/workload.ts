// What a chaos run sends: payouts to several destination currencies, some sent twice (next to each other,
// so two workers can hold them at once, or later, after the first was paid), a few invalid ones and a few
// references reused with different content. Fixed by the seed.
//
// Every valid amount has at most 2 decimals (EUR's minor unit): the worker refuses more at the door. Some
// BTC destinations are bech32 addresses written in UPPER case, which BIP 173 allows: the worker sends them
// lower-cased, and a normalising Coindirect (`--normalize`) stores them lower-cased too.

/** A small, fast, seedable PRNG (mulberry32): the same seed gives the same workload. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Valid mainnet destinations (checksums included), one per kind the worker checks. */
const DESTINATIONS: ReadonlyArray<Record<string, string>> = [
  { currency: 'ETH', address: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed' },
  { currency: 'ETH', address: '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359' },
  { currency: 'BTC', address: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq' },
  // The same kind of address in upper case (P2WPKH), and an upper-case taproot one (P2TR, bech32m).
  { currency: 'BTC', address: 'BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ' },
  { currency: 'BTC', address: 'BC1P0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQZK5JJ0' },
  { currency: 'BTC', address: '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa' },
  { currency: 'LTC', address: 'LTdsVS8VDw6syvfQADdhf2PHAm3rMGJvPX' },
  { currency: 'USDT', address: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', protocol: 'TRC20' },
  { currency: 'USDT', address: '0xdAC17F958D2ee523a2206206994597C13D831ec7', protocol: 'ERC20' },
  { currency: 'XRP', address: 'rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh', tag: '12345' },
];

/** The amount cap the chaos worker runs with; half the invalid messages exceed it. */
export const CHAOS_MAX_AMOUNTS = { EUR: '5000' } as const;

export type MessageKind =
  /** A payout that must be paid exactly once. */
  | 'payout'
  /** The same body again, sent right after the first. */
  | 'duplicate-adjacent'
  /** The same body again, sent once about half the payouts exist. */
  | 'duplicate-late'
  /** Same reference, different amount: at most one of the two is paid, the other is a CONFLICT. */
  | 'conflict'
  /** Over the amount cap, or more decimals than EUR has (`10.125`): must be REJECTED and never paid. */
  | 'invalid';

export interface PlannedMessage {
  readonly kind: MessageKind;
  readonly reference: string;
  readonly body: string;
  /** Sent with the first wave (false: held back until the run is half done). */
  readonly early: boolean;
}

export interface Workload {
  readonly messages: readonly PlannedMessage[];
  /** References at least one valid message asks to pay. */
  readonly payable: ReadonlySet<string>;
  /** References only invalid messages name: nothing may ever be paid for them. */
  readonly unpayable: ReadonlySet<string>;
}

export interface WorkloadOptions {
  readonly payouts: number;
  readonly seed: number;
  /** Share of payouts sent twice; half adjacent, half late. Default 0.2. */
  readonly duplicateShare?: number;
  /** Share of payouts that also get a conflicting message. Default 0.01. */
  readonly conflictShare?: number;
  /** Share of references that are invalid messages instead of payouts. Default 0.02. */
  readonly invalidShare?: number;
  /** Makes references unique to this run (several runs can share one simulator or ledger). */
  readonly runTag: string;
}

export function planWorkload(options: WorkloadOptions): Workload {
  const random = seededRandom(options.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const cents = (min: number, max: number): string => {
    const value = min + Math.floor(random() * (max - min) * 100) / 100;
    return value.toFixed(2);
  };
  const messages: PlannedMessage[] = [];
  const late: PlannedMessage[] = [];
  const payable = new Set<string>();
  const unpayable = new Set<string>();
  for (let i = 0; i < options.payouts; i++) {
    const reference = `chaos-${options.runTag}-${String(i).padStart(6, '0')}`;
    const destination = pick(DESTINATIONS);
    const message = (amount: string) => JSON.stringify({ reference, amount, currency: 'EUR', destination });
    const roll = random();
    if (roll < (options.invalidShare ?? 0.02)) {
      unpayable.add(reference);
      // Over the cap, or a third decimal (never 0, so it is a real third decimal): both refused at the door.
      const amount = random() < 0.5 ? '9999.00' : `${cents(1, 999)}${1 + Math.floor(random() * 9)}`;
      messages.push({ kind: 'invalid', reference, body: message(amount), early: true });
      continue;
    }
    payable.add(reference);
    const body = message(cents(1, 999));
    messages.push({ kind: 'payout', reference, body, early: true });
    const dup = random();
    const share = options.duplicateShare ?? 0.2;
    if (dup < share / 2) messages.push({ kind: 'duplicate-adjacent', reference, body, early: true });
    else if (dup < share) late.push({ kind: 'duplicate-late', reference, body, early: false });
    if (random() < (options.conflictShare ?? 0.01)) {
      messages.push({ kind: 'conflict', reference, body: message(cents(1000, 2000)), early: true });
    }
  }
  return { messages: [...messages, ...late], payable, unpayable };
}
