import { sameAddress } from '#shared/payout/addresses.ts';
import { compareDecimal, decimalFromNumber } from '#shared/payout/decimal.ts';
import type { ValidPayout } from '#shared/payout/schema.ts';
import type { PayoutSummary } from './responses.ts';

/**
 * Compares a payout Coindirect holds under a reference with the message that claims the same reference,
 * in canonical forms on both sides: exact decimals, addresses by each chain's rules, tags as numbers.
 * Returns the differences an operator needs to see; empty means the same payout (an idempotent success).
 * A field Coindirect did not return counts as a difference: when in doubt, CONFLICT (an alarm and a
 * human look), never a silent success.
 */
export function differencesFrom(payout: ValidPayout, summary: PayoutSummary): readonly string[] {
  const differences: string[] = [];
  const expect = (field: string, ours: string | undefined, theirs: string | null | undefined): void => {
    if (ours !== theirs)
      differences.push(`${field}: message has ${show(ours)}, Coindirect has ${show(theirs)}`);
  };

  if (summary.type !== undefined && summary.type !== null && summary.type !== 'OUT') {
    differences.push(`type: Coindirect has ${show(summary.type)}, not a payout`);
  }
  expect('merchantId', payout.merchantId, summary.merchantId);
  expect('currency', payout.currency, summary.displayCurrency?.currency?.toUpperCase());
  const amount = summary.displayCurrency?.amount;
  const theirAmount = amount === undefined || amount === null ? undefined : decimalFromNumber(amount);
  if (theirAmount === undefined || compareDecimal(payout.amount, theirAmount) !== 0) {
    differences.push(`amount: message has ${payout.amount}, Coindirect has ${show(theirAmount)}`);
  }
  const destination = payout.destination;
  expect('destination.currency', destination.currency, summary.paidCurrency?.currency?.toUpperCase());

  const [address, suffixTag] = splitTag(summary.address?.address ?? undefined);
  if (address === undefined || !sameAddress(destination.currency, destination.address, address)) {
    differences.push(
      `destination.address: message has ${destination.address}, Coindirect has ${show(address)}`,
    );
  }
  if (destination.tag !== undefined) {
    const rawTag = summary.address?.tag;
    const tag = rawTag === undefined || rawTag === null ? suffixTag : String(rawTag);
    // Tags are numbers: "007" at Coindirect is tag 7.
    expect('destination.tag', destination.tag, tag === undefined ? undefined : canonicalTag(tag));
  }
  const protocol = summary.address?.protocol;
  // Coindirect reports an ETH payout's protocol as "ETH"; only a USDT network name can contradict ours.
  if (destination.protocol !== undefined && (protocol === 'ERC20' || protocol === 'TRC20')) {
    expect('destination.protocol', destination.protocol, protocol);
  }
  return differences;
}

function show(value: string | null | undefined): string {
  return value === undefined || value === null ? 'nothing' : JSON.stringify(value);
}

function canonicalTag(tag: string): string {
  return /^[0-9]+$/.test(tag) ? String(BigInt(tag)) : tag;
}

/** Coindirect's XRP form `r…?dt=123` back into address and tag. */
function splitTag(address: string | undefined): [string | undefined, string | undefined] {
  if (address === undefined) return [undefined, undefined];
  const match = /^(.*)\?dt=([0-9]+)$/.exec(address);
  return match ? [match[1], match[2]] : [address, undefined];
}
