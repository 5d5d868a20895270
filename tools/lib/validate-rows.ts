import {
  type PayoutGuardrails,
  type PayoutMessage,
  parsePayoutMessage,
  payoutMessageSchema,
} from '#shared/payout/schema.ts';
import type { RawRow, RowIssue } from './payout-file.ts';

/** A row that passed the payout v1 schema and the guardrails. */
export interface ValidRow {
  readonly line: number;
  readonly reference: string;
  /** The message as the producer wrote it (no defaults filled in, amount digits untouched). */
  readonly message: PayoutMessage;
}

export interface RowValidation {
  readonly valid: readonly ValidRow[];
  readonly issues: readonly RowIssue[];
}

/**
 * Validates every row exactly as the worker will: `parsePayoutMessage` on the JSON body that would be
 * sent, with the given guardrails. A reference used by an earlier valid row of the same file is an issue
 * too: one reference is at most one payout, so the second row could only end in a CONFLICT or a no-op.
 */
export function validateRows(rows: readonly RawRow[], guardrails: PayoutGuardrails): RowValidation {
  const valid: ValidRow[] = [];
  const issues: RowIssue[] = [];
  const firstLine = new Map<string, number>();
  for (const row of rows) {
    const body = JSON.stringify(row.value) ?? 'null';
    const result = parsePayoutMessage(body, guardrails);
    if (!result.ok) {
      for (const issue of result.issues) {
        issues.push({ line: row.line, field: issue.path, reason: issue.message });
      }
      continue;
    }
    const { reference } = result.payout;
    const earlier = firstLine.get(reference);
    if (earlier !== undefined) {
      issues.push({
        line: row.line,
        field: 'reference',
        reason: `repeats line ${earlier}: one reference is at most one payout`,
      });
      continue;
    }
    firstLine.set(reference, row.line);
    // The structural schema gives the value its type back; parsePayoutMessage has already accepted it.
    const typed = payoutMessageSchema.safeParse(row.value);
    if (typed.success) valid.push({ line: row.line, reference, message: typed.data });
  }
  return { valid, issues };
}
