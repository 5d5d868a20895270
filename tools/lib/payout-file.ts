// Payout files: CSV with a header row, a JSON array, or NDJSON, read into raw rows with their line
// numbers. Rows are not validated here (validate-rows.ts does that with the payout v1 schema).
import { readCsv } from './csv.ts';
import { jsonErrorOffset } from './json-error.ts';

export type PayoutFileFormat = 'csv' | 'json' | 'ndjson';
export const PAYOUT_FILE_FORMATS: readonly PayoutFileFormat[] = ['csv', 'json', 'ndjson'];

/** One payout as read from the file, before validation. */
export interface RawRow {
  /** 1-based line the row starts on. */
  readonly line: number;
  readonly value: unknown;
}

/** A problem with one row (or the whole file): where, which field, and why. */
export interface RowIssue {
  readonly line: number;
  /** A dotted field path such as `destination.address`, or `(row)` / `(file)`. */
  readonly field: string;
  readonly reason: string;
}

export interface PayoutFile {
  readonly format: PayoutFileFormat;
  readonly rows: readonly RawRow[];
  /** Rows that could not be read at all; with a `(file)` issue nothing could be read. */
  readonly issues: readonly RowIssue[];
}

/** CSV columns that map to a payout v1 field; `metadata.<key>` columns are accepted besides these. */
export const CSV_COLUMNS = [
  'reference',
  'amount',
  'currency',
  'destination.currency',
  'destination.address',
  'destination.protocol',
  'destination.tag',
  'merchantId',
  'expiryMinutes',
] as const;

/** The format from the file name, else from the first character of the content. */
export function detectFormat(fileName: string, text: string): PayoutFileFormat {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return 'ndjson';
  const first = text.replace(/^\uFEFF/, '').trimStart()[0];
  if (first === '[') return 'json';
  if (first === '{') return 'ndjson';
  return 'csv';
}

/**
 * Reads a payout file's rows. Never throws for bad content: every row that cannot be read becomes an
 * issue with its line, and the other rows are still returned.
 *
 * @example
 * const file = parsePayoutFile(text, detectFormat(path, text));
 * for (const issue of file.issues) console.log(`line ${issue.line} ${issue.field}: ${issue.reason}`);
 */
export function parsePayoutFile(text: string, format: PayoutFileFormat): PayoutFile {
  switch (format) {
    case 'csv':
      return parseCsvPayouts(text);
    case 'json':
      return parseJsonArray(text);
    case 'ndjson':
      return parseNdjson(text);
  }
}

function parseNdjson(text: string): PayoutFile {
  const rows: RawRow[] = [];
  const issues: RowIssue[] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  lines.forEach((raw, index) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    try {
      rows.push({ line: index + 1, value: JSON.parse(line) });
    } catch {
      issues.push({
        line: index + 1,
        field: '(row)',
        reason: 'not valid JSON (NDJSON: one JSON object per line)',
      });
    }
  });
  return { format: 'ndjson', rows, issues };
}

function parseJsonArray(text: string): PayoutFile {
  const source = text.replace(/^\uFEFF/, '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(source);
  } catch (error) {
    const line = errorLine(error, source);
    const detail =
      error instanceof SyntaxError ? error.message.replace(/\s*\(line \d+ column \d+\)$/, '') : '';
    return fileIssue('json', line, `not valid JSON: ${detail}`);
  }
  if (!Array.isArray(parsed)) {
    return fileIssue(
      'json',
      1,
      'must be a JSON array of payout messages (or use NDJSON: one object per line)',
    );
  }
  const lines = elementLines(source);
  return { format: 'json', rows: parsed.map((value, i) => ({ line: lines[i] ?? 1, value })), issues: [] };
}

function parseCsvPayouts(text: string): PayoutFile {
  const read = readCsv(text);
  if (!read.ok) return fileIssue('csv', read.line, read.reason);
  const [header, ...records] = read.records;
  if (header === undefined) return fileIssue('csv', 1, 'the file is empty; expected a header row');
  const columns = header.cells.map((cell) => cell.trim());
  const headerIssues = checkHeader(columns, header.line);
  if (headerIssues.length > 0) return { format: 'csv', rows: [], issues: headerIssues };

  const rows: RawRow[] = [];
  const issues: RowIssue[] = [];
  for (const record of records) {
    if (record.cells.length !== columns.length) {
      issues.push({
        line: record.line,
        field: '(row)',
        reason: `has ${record.cells.length} cells; the header has ${columns.length}`,
      });
      continue;
    }
    rows.push({ line: record.line, value: rowObject(columns, record.cells) });
  }
  return { format: 'csv', rows, issues };
}

function checkHeader(columns: readonly string[], line: number): RowIssue[] {
  const issues: RowIssue[] = [];
  const seen = new Set<string>();
  for (const column of columns) {
    const known = (CSV_COLUMNS as readonly string[]).includes(column) || /^metadata\.[^.]+$/.test(column);
    if (!known) {
      issues.push({
        line,
        field: column === '' ? '(empty column name)' : column,
        reason: `is not a payout v1 column; allowed: ${CSV_COLUMNS.join(', ')}, metadata.<key>`,
      });
    }
    if (seen.has(column)) issues.push({ line, field: column, reason: 'appears twice in the header' });
    seen.add(column);
  }
  for (const required of ['reference', 'amount', 'currency', 'destination.currency', 'destination.address']) {
    if (!seen.has(required))
      issues.push({ line, field: required, reason: 'column is missing from the header' });
  }
  return issues;
}

/**
 * A CSV row as a payout v1 object. An empty cell means "field absent"; `expiryMinutes` made of digits
 * becomes a number; everything else stays a string (amounts are decimal strings in the contract).
 */
function rowObject(columns: readonly string[], cells: readonly string[]): Record<string, unknown> {
  const message: Record<string, unknown> = {};
  const destination: Record<string, string> = {};
  const metadata: Record<string, string> = {};
  columns.forEach((column, i) => {
    const cell = cells[i] ?? '';
    if (cell === '') return;
    if (column.startsWith('destination.')) destination[column.slice('destination.'.length)] = cell;
    else if (column.startsWith('metadata.')) metadata[column.slice('metadata.'.length)] = cell;
    else if (column === 'expiryMinutes' && /^[0-9]{1,9}$/.test(cell)) message[column] = Number(cell);
    else message[column] = cell;
  });
  if (Object.keys(destination).length > 0) message.destination = destination;
  if (Object.keys(metadata).length > 0) message.metadata = metadata;
  return message;
}

function fileIssue(format: PayoutFileFormat, line: number, reason: string): PayoutFile {
  return { format, rows: [], issues: [{ line, field: '(file)', reason }] };
}

/** The line of a JSON syntax error (Node 20's JSON.parse does not say where it is). */
function errorLine(error: unknown, source: string): number {
  const message = error instanceof Error ? error.message : '';
  const explicit = /\(line (\d+) column \d+\)/.exec(message);
  if (explicit?.[1] !== undefined) return Number(explicit[1]);
  return lineAt(source, jsonErrorOffset(source) ?? source.length);
}

function lineAt(source: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < source.length; i++) if (source[i] === '\n') line++;
  return line;
}

/** The line each top-level element of a (valid) JSON array starts on. */
function elementLines(source: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let expectElement = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (expectElement && c !== undefined && !/\s/.test(c)) {
      if (c !== ']') lines.push(line);
      expectElement = false;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      depth++;
      if (depth === 1) expectElement = true;
    } else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 1) expectElement = true;
  }
  return lines;
}
