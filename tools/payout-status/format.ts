import type { LookupOutcome } from '#shared/coindirect/classify.ts';
import type { PauseState } from '#shared/ledger/control.ts';
import type { LedgerRecord } from '#shared/ledger/record.ts';

/** What Coindirect says about a payout, in the fields an operator reads (never the raw body). */
export type LiveView =
  | {
      readonly found: true;
      readonly uuid: string;
      readonly status: string | null;
      readonly reference: string | null;
      readonly amount: string | null;
      readonly paid: string | null;
      readonly address: string | null;
      readonly createdAt: string | null;
    }
  | { readonly found: false; readonly detail: string };

/** Turns a lookup outcome into a view, or an error an operator can act on. */
export function liveView(outcome: LookupOutcome, baseUrl: string): LiveView | { readonly error: string } {
  switch (outcome.kind) {
    case 'found': {
      const p = outcome.payout;
      const money = (
        m: { currency?: string | null | undefined; amount?: number | null | undefined } | null | undefined,
      ) => (m?.amount === undefined || m.amount === null ? null : `${m.amount} ${m.currency ?? ''}`.trim());
      const address = p.address?.address ?? null;
      const extra = [
        p.address?.protocol ? `protocol ${p.address.protocol}` : '',
        p.address?.tag ? `tag ${p.address.tag}` : '',
      ]
        .filter(Boolean)
        .join(', ');
      return {
        found: true,
        uuid: p.uuid,
        status: p.status ?? null,
        reference: p.reference ?? null,
        amount: money(p.displayCurrency),
        paid: money(p.paidCurrency),
        address: address === null ? null : extra === '' ? address : `${address} (${extra})`,
        createdAt: typeof p.dateCreated === 'number' ? new Date(p.dateCreated).toISOString() : null,
      };
    }
    case 'notFound':
      return {
        found: false,
        detail: `Coindirect (${baseUrl}) has no payout with this reference: nothing was paid`,
      };
    case 'unauthorized':
      return {
        error: `Coindirect answered ${outcome.status}: the key in the secret is wrong or revoked (see npm run rotate-secret)`,
      };
    case 'configuration':
      return {
        error: `Coindirect refused the read (${outcome.code}); from outside the VPC, this IP may not be allowed`,
      };
    case 'throttled':
      return { error: 'Coindirect throttled the lookup (HTTP 429): try again in a minute' };
    case 'ambiguous':
    case 'unreachable':
    case 'outOfTime':
      return { error: `no usable answer from ${baseUrl}: ${outcome.detail}` };
  }
}

/** The pause flag as the first lines of the output; nothing while payouts run. */
export function formatPause(pause: PauseState | { readonly error: string }): string | undefined {
  if ('error' in pause)
    return `pause flag   could not be read (${pause.error}): workers send nothing while it cannot`;
  if (!pause.paused) return undefined;
  return lines([
    ['PAYOUTS', 'PAUSED: nothing is sent until npm run resume'],
    ['paused by', pause.by],
    ['paused at', pause.at],
    ['reason', pause.reason],
  ]);
}

/** The ledger record as aligned `name  value` lines. */
export function formatLedger(r: LedgerRecord): string {
  const destination = [
    r.destinationCurrency,
    r.destinationAddress,
    r.destinationProtocol ? `(${r.destinationProtocol})` : undefined,
    r.destinationTag === undefined ? undefined : `tag ${r.destinationTag}`,
  ]
    .filter((part) => part !== undefined)
    .join(' ');
  const metadata = Object.entries(r.metadata)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const rows: Array<[string, string | undefined]> = [
    ['reference', r.reference],
    ['state', r.state],
    ['uuid', r.uuid],
    [
      'coindirect status',
      r.coindirectStatus === undefined ? undefined : `${r.coindirectStatus} (when submitted)`,
    ],
    ['reason', r.reasonCode === undefined ? r.reason : `${r.reasonCode}: ${r.reason ?? ''}`],
    ['attempts', String(r.attempts)],
    ['last error', r.lastError],
    ['amount', r.amount === undefined ? undefined : `${r.amount} ${r.currency ?? ''}`],
    ['destination', destination === '' ? undefined : destination],
    ['merchant', r.merchantId],
    ['metadata', metadata === '' ? undefined : metadata],
    [
      'conflicts',
      r.conflictCount > 0 ? `${r.conflictCount} (last: ${r.lastConflictReason ?? '-'})` : undefined,
    ],
    [
      'lease',
      r.state === 'CLAIMED' && r.leaseUntil !== undefined
        ? `held until ${new Date(r.leaseUntil).toISOString()}`
        : undefined,
    ],
    ['send attempted', r.state === 'CLAIMED' ? String(r.sendAttempted) : undefined],
    ['created', r.createdAt],
    ['updated', r.updatedAt],
  ];
  return lines(rows);
}

export function formatLive(view: LiveView): string {
  if (!view.found) return `at Coindirect: ${view.detail}`;
  return `at Coindirect:\n${lines(
    [
      ['status', view.status ?? undefined],
      ['uuid', view.uuid],
      ['reference', view.reference ?? undefined],
      ['amount', view.amount ?? undefined],
      ['paid', view.paid ?? undefined],
      ['address', view.address ?? undefined],
      ['created', view.createdAt ?? undefined],
    ],
    '  ',
  )}`;
}

function lines(rows: ReadonlyArray<[string, string | undefined]>, indent = ''): string {
  const shown = rows.filter((row): row is [string, string] => row[1] !== undefined && row[1] !== '');
  const width = Math.max(...shown.map(([name]) => name.length));
  return shown.map(([name, value]) => `${indent}${name.padEnd(width)}  ${value}`).join('\n');
}
