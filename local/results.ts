// What became of each payout of a local run: read back from the DLQ (with the worker's reasons) and the
// ledger, the same places an operator looks.
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
  readonly uuid?: string;
  readonly reasonCode?: string;
  readonly reason?: string;
}

export type Totals = { readonly total: number } & Readonly<Record<LocalOutcome, number>>;

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
 * ledger's SUBMITTED record gives the uuid. Anything else is still PENDING.
 */
export async function collectResults(
  sent: readonly SentPayout[],
  deadLetters: readonly DeadLetterMessage[],
  ledger: Pick<Ledger, 'get'>,
): Promise<LocalResult[]> {
  const byMessageId = new Map(deadLetters.map((d) => [d.originalMessageId, d]));
  return mapWithConcurrency(sent, 8, async (payout): Promise<LocalResult> => {
    const base = { line: payout.line, reference: payout.reference };
    if (payout.messageId === undefined) {
      return { ...base, outcome: 'NOT_SENT', reason: payout.sendError ?? 'not sent' };
    }
    const letter = byMessageId.get(payout.messageId);
    if (letter !== undefined && (letter.outcome === 'REJECTED' || letter.outcome === 'CONFLICT')) {
      return { ...base, outcome: letter.outcome, reasonCode: letter.reasonCode, reason: letter.reason };
    }
    const record = isReference(payout.reference) ? await ledger.get(payout.reference) : undefined;
    if (letter !== undefined) {
      return {
        ...base,
        outcome: 'DEAD_LETTERED',
        reasonCode: letter.reasonCode,
        reason: `moved to the DLQ by SQS after its last allowed receive; last error: ${record?.lastError ?? 'none recorded'}`,
      };
    }
    if (record?.state === 'SUBMITTED' && record.uuid !== undefined) {
      return { ...base, outcome: 'SUBMITTED', uuid: record.uuid };
    }
    return {
      ...base,
      outcome: 'PENDING',
      reason: `still in the queue; ledger: ${record?.state ?? 'no record'}${record?.lastError ? `, last error: ${record.lastError}` : ''}`,
    };
  });
}

export function totalsOf(results: readonly LocalResult[]): Totals {
  const totals = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<LocalOutcome, number>;
  for (const r of results) totals[r.outcome]++;
  return { total: results.length, ...totals };
}

/** The results as the `--json` document: `{"results":[...],"totals":{...}}`. */
export function resultsJson(results: readonly LocalResult[]): string {
  return JSON.stringify({ results, totals: totalsOf(results) });
}

/** The results table and a totals line, for people. */
export function resultsText(results: readonly LocalResult[]): string {
  const totals = totalsOf(results);
  const table = formatTable(
    ['line', 'reference', 'outcome', 'uuid / reason'],
    results.map((r) => [
      String(r.line),
      r.reference,
      r.outcome,
      r.uuid ?? (r.reasonCode === undefined ? (r.reason ?? '') : `${r.reasonCode}: ${r.reason ?? ''}`),
    ]),
    { maxCellWidth: 110 },
  );
  const parts = OUTCOMES.filter((o) => totals[o] > 0).map((o) => `${count(totals[o])} ${o}`);
  return `${table}\n\ntotal ${count(totals.total)}: ${parts.join(', ')}`;
}

function isReference(value: string): boolean {
  return /^[A-Za-z0-9._:-]{6,255}$/.test(value);
}
