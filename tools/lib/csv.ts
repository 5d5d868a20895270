/** One CSV record and the 1-based line it starts on (a quoted cell may span lines). */
export interface CsvRecord {
  readonly line: number;
  readonly cells: readonly string[];
}

export type CsvReadResult =
  | { readonly ok: true; readonly records: readonly CsvRecord[] }
  | { readonly ok: false; readonly line: number; readonly reason: string };

/**
 * Reads RFC 4180 CSV: comma-separated, `"` quotes cells holding commas, quotes (doubled) or line breaks,
 * CRLF or LF line ends, an optional UTF-8 BOM. Blank lines are skipped. A quote inside an unquoted cell,
 * text after a closing quote or a quote left open is an error naming its line.
 */
export function readCsv(text: string): CsvReadResult {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  // Whether the current record has any content yet: a blank line yields no record.
  let started = false;

  const endCell = (): void => {
    cells.push(cell);
    cell = '';
  };
  const endRecord = (): void => {
    if (started) {
      endCell();
      records.push({ line: recordLine, cells });
    }
    cells = [];
    cell = '';
    started = false;
  };

  while (i < source.length) {
    const c = source[i];
    if (c === '"' && cell === '') {
      // A quoted cell: read to its closing quote.
      started = true;
      const startLine = line;
      i++;
      for (;;) {
        if (i >= source.length)
          return { ok: false, line: startLine, reason: 'a quoted cell is never closed' };
        const q = source[i];
        if (q === '"') {
          if (source[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (q === '\n') line++;
        cell += q;
        i++;
      }
      const next = source[i];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
        return { ok: false, line, reason: 'text after a closing quote; quote the whole cell' };
      }
      continue;
    }
    if (c === ',') {
      started = true;
      endCell();
      i++;
    } else if (c === '\r' || c === '\n') {
      endRecord();
      i += c === '\r' && source[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
    } else if (c === '"') {
      return {
        ok: false,
        line,
        reason: 'a quote inside an unquoted cell; quote the whole cell and double the quote',
      };
    } else {
      started = true;
      cell += c;
      i++;
    }
  }
  endRecord();
  return { ok: true, records };
}
