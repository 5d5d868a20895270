import type { CliIo } from '../lib/cli.ts';
import type { PayoutFileFormat, RowIssue } from '../lib/payout-file.ts';
import { count, formatTable } from '../lib/table.ts';

/** One row that could not be sent, with where it came from. */
export interface SendFailure {
  readonly line: number;
  readonly reference: string;
  readonly code: string;
  readonly reason: string;
}

export interface EnqueueReport {
  readonly file: string;
  readonly format: PayoutFileFormat;
  readonly rows: number;
  readonly valid: number;
  readonly invalid: readonly RowIssue[];
  readonly invalidRows: number;
  /** The file itself (its JSON, CSV quoting or header) could not be read: nothing can be sent. */
  readonly fileUnreadable: boolean;
  readonly guardrails: readonly string[];
  readonly queueUrl: string | null;
  readonly dryRun: boolean;
  readonly sent: number;
  readonly failed: readonly SendFailure[];
  readonly seconds: number;
}

/** The final report: a table of invalid rows, what was sent, what failed; or one JSON document. */
export function printReport(report: EnqueueReport, json: boolean, io: CliIo): void {
  if (json) {
    io.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  const out: string[] = [];
  out.push(
    `${report.file} (${report.format}): ${count(report.rows)} rows, ${count(report.valid)} valid, ${count(report.invalidRows)} invalid`,
  );
  out.push('guardrails:', ...report.guardrails.map((g) => `  ${g}`));
  if (report.invalid.length > 0) {
    out.push(
      '',
      'invalid rows:',
      formatTable(
        ['line', 'field', 'reason'],
        report.invalid.map((i) => [String(i.line), i.field, i.reason]),
        { maxCellWidth: 160 },
      ),
      '',
    );
  }
  if (report.dryRun) {
    out.push(
      report.invalid.length > 0
        ? 'dry run: fix the rows above before sending.'
        : 'dry run: every row is valid; nothing was sent.',
    );
  } else if (
    report.queueUrl !== null &&
    report.sent === 0 &&
    report.failed.length === 0 &&
    report.invalid.length > 0
  ) {
    const skippable = !report.fileUnreadable && report.valid > 0;
    out.push(
      skippable
        ? `nothing was sent: fix the rows above, or pass --skip-invalid to send the ${count(report.valid)} valid rows.`
        : 'nothing was sent: fix the file above.',
    );
  } else {
    out.push(
      `sent ${count(report.sent)} of ${count(report.valid)} valid payouts to ${report.queueUrl ?? ''} in ${report.seconds.toFixed(1)} s`,
    );
    if (report.invalidRows > 0) out.push(`skipped ${count(report.invalidRows)} invalid rows (listed above)`);
  }
  if (report.failed.length > 0) {
    out.push(
      '',
      `${count(report.failed.length)} payouts could not be sent (the others were); sending the same file again is safe:`,
      'the worker pays each reference at most once.',
      formatTable(
        ['line', 'reference', 'code', 'reason'],
        report.failed.map((f) => [String(f.line), f.reference, f.code, f.reason]),
        { maxCellWidth: 160 },
      ),
    );
  }
  io.stdout.write(`${out.join('\n')}\n`);
}
