// What became of each payout of a local run: read back from the DLQ (with the worker's reasons), the
// ledger (Coindirect's status) and the captured lifecycle events, the places an operator and a producer look.
import { isFinalStatus, PAYOUT_STATUS_RANK } from '#shared/coindirect/statuses.ts';
import { mapWithConcurrency } from '#shared/concurrency.ts';
import type { Ledger } from '#shared/ledger/ledger.ts';
import type { DeadLetterMessage } from '#tools/lib/dlq.ts';
import { count, formatTable } from '#tools/lib/table.ts';

export const OUTCOMES = [
  'SUBMITTED',
  'REJECTED',
  'CONFLICT',
  'DEAD_LETTERED',
  'PENDING',
  'NOT_SENT',
] as const;
export type LocalOutcome = (typeof OUTCOMES)[number];
/** Outcomes that end a payout's journey; anything else means the run did not finish. */
export const FINAL_OUTCOMES: readonly LocalOutcome[] = ['SUBMITTED', 'REJECTED', 'CONFLICT', 'DEAD_LETTERED'];

export interface LocalResult {
  readonly line: number;
  readonly reference: string;
  readonly outcome: LocalOutcome;
  /** The last Coindirect status the ledger holds for the reference, e.g. `COMPLETE` or `CANCELLED`. */
  readonly coindirectStatus?: string;
  /** The lifecycle events captured for the reference, in order, e.g. `["PayoutSubmitted","PayoutCompleted"]`. */
  readonly events?: readonly string[];
  readonly uuid?: string;
  readonly reasonCode?: string;
  readonly reason?: string;
}

export type Totals = { readonly total: number } & Readonly<Record<LocalOutcome, number>>;

/** Payouts at Coindirect by their last status in the ledger, each reference counted once. */
export type CoindirectTotals = Readonly<Record<string, number>>;

/** One payout of the run: where it came from and the SQS message id it was sent as. */
export interface SentPayout {
  readonly line: number;
  /** The row's `reference` as written (even an invalid one), or `(line N)` without one. */
  readonly reference: string;
  readonly messageId?: string;
  readonly sendError?: string;
}

/**
 * Resolves each sent payout: a DLQ message for it (by original message id) gives REJECTED / CONFLICT
 * with the worker's reason, or DEAD_LETTERED when SQS moved it after its last receive; otherwise the
 * ledger's SUBMITTED record gives the uuid. Anything else is still PENDING. Every result whose reference
 * has a Coindirect status in the ledger carries it; with `eventsOf`, every result carries the names of the
 * events captured for its reference (none for a reference the worker could not read).
 */
export async function collectResults(
  sent: readonly SentPayout[],
  deadLetters: readonly DeadLetterMessage[],
  ledger: Pick<Ledger, 'get'>,
  eventsOf?: (reference: string) => readonly string[],
): Promise<LocalResult[]> {
  const byMessageId = new Map(deadLetters.map((d) => [d.originalMessageId, d]));
  return mapWithConcurrency(sent, 8, async (payout): Promise<LocalResult> => {
    const valid = isReference(payout.reference);
    const record = valid && payout.messageId !== undefined ? await ledger.get(payout.reference) : undefined;
    const lifecycle = {
      ...(record?.coindirectStatus === undefined ? {} : { coindirectStatus: record.coindirectStatus }),
      ...(eventsOf === undefined ? {} : { events: valid ? [...eventsOf(payout.reference)] : [] }),
    };
    const base = { line: payout.line, reference: payout.reference };
    if (payout.messageId === undefined) {
      return { ...base, outcome: 'NOT_SENT', ...lifecycle, reason: payout.sendError ?? 'not sent' };
    }
    const letter = byMessageId.get(payout.messageId);
    if (letter !== undefined && (letter.outcome === 'REJECTED' || letter.outcome === 'CONFLICT')) {
      return {
        ...base,
        outcome: letter.outcome,
        ...lifecycle,
        reasonCode: letter.reasonCode,
        reason: letter.reason,
      };
    }
    if (letter !== undefined) {
      return {
        ...base,
        outcome: 'DEAD_LETTERED',
        ...lifecycle,
        reasonCode: letter.reasonCode,
        reason: `moved to the DLQ by SQS after its last allowed receive; last error: ${record?.lastError ?? 'none recorded'}`,
      };
    }
    if (record?.state === 'SUBMITTED' && record.uuid !== undefined) {
      return { ...base, outcome: 'SUBMITTED', ...lifecycle, uuid: record.uuid };
    }
    return {
      ...base,
      outcome: 'PENDING',
      ...lifecycle,
      reason: `still in the queue; ledger: ${record?.state ?? 'no record'}${record?.lastError ? `, last error: ${record.lastError}` : ''}`,
    };
  });
}

export function totalsOf(results: readonly LocalResult[]): Totals {
  const totals = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<LocalOutcome, number>;
  for (const r of results) totals[r.outcome]++;
  return { total: results.length, ...totals };
}

/**
 * How many payouts Coindirect holds at each status: PENDING, PROCESSING, COMPLETE and CANCELLED always,
 * any other status when seen. A reference is counted once, however many rows name it.
 */
export function coindirectTotalsOf(results: readonly LocalResult[]): CoindirectTotals {
  const totals: Record<string, number> = Object.fromEntries(
    Object.keys(PAYOUT_STATUS_RANK).map((s) => [s, 0]),
  );
  const byReference = new Map<string, string>();
  for (const r of results) {
    if (r.coindirectStatus !== undefined) byReference.set(r.reference, r.coindirectStatus);
  }
  for (const status of byReference.values()) totals[status] = (totals[status] ?? 0) + 1;
  return totals;
}

/**
 * The references Coindirect holds a payout for that is not final yet (or whose status the ledger lacks),
 * with their status: `npm start` exits 1 while any is left.
 */
export function notFinalAtCoindirect(
  results: readonly LocalResult[],
): { readonly reference: string; readonly coindirectStatus: string }[] {
  const open = new Map<string, string>();
  for (const r of results) {
    const waiting =
      r.coindirectStatus === undefined ? r.outcome === 'SUBMITTED' : !isFinalStatus(r.coindirectStatus);
    if (waiting) open.set(r.reference, r.coindirectStatus ?? 'unknown');
  }
  return [...open].map(([reference, coindirectStatus]) => ({ reference, coindirectStatus }));
}

/** The results as the `--json` document: `{"results":[...],"totals":{..., "coindirectStatus": {...}}}`. */
export function resultsJson(results: readonly LocalResult[]): string {
  return JSON.stringify({
    results,
    totals: { ...totalsOf(results), coindirectStatus: coindirectTotalsOf(results) },
  });
}

/**
 * The results table and a totals line, for people. Results that followed the lifecycle add Coindirect's
 * status and the events of each reference, and the totals count the payouts at Coindirect by status.
 */
export function resultsText(results: readonly LocalResult[]): string {
  const totals = totalsOf(results);
  const lifecycle = results.some((r) => r.coindirectStatus !== undefined || r.events !== undefined);
  const detail = (r: LocalResult): string =>
    r.uuid ?? (r.reasonCode === undefined ? (r.reason ?? '') : `${r.reasonCode}: ${r.reason ?? ''}`);
  const table = lifecycle
    ? formatTable(
        ['line', 'reference', 'outcome', 'coindirect', 'events', 'uuid / reason'],
        results.map((r) => [
          String(r.line),
          r.reference,
          r.outcome,
          r.coindirectStatus ?? '',
          (r.events ?? []).join(' → '),
          detail(r),
        ]),
        { maxCellWidth: 80 },
      )
    : formatTable(
        ['line', 'reference', 'outcome', 'uuid / reason'],
        results.map((r) => [String(r.line), r.reference, r.outcome, detail(r)]),
        { maxCellWidth: 110 },
      );
  const parts = OUTCOMES.filter((o) => totals[o] > 0).map((o) => `${count(totals[o])} ${o}`);
  const line = `total ${count(totals.total)}: ${parts.join(', ')}`;
  if (!lifecycle) return `${table}\n\n${line}`;
  const atCoindirect = Object.entries(coindirectTotalsOf(results))
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${count(n)} ${status}`);
  return `${table}\n\n${line}\nat Coindirect: ${atCoindirect.length === 0 ? 'none' : atCoindirect.join(', ')}`;
}

function isReference(value: string): boolean {
  return /^[A-Za-z0-9._:-]{6,255}$/.test(value);
}
