export interface TableOptions {
  /**
   * Cells longer than this are cut with an ellipsis, after runs of whitespace are folded into one space
   * (the full text belongs in `--json` output). Default 80; `false` prints every cell as given.
   */
  readonly maxCellWidth?: number | false;
  /** Right-align the columns whose every cell is a number, with an optional unit (`5.0 ms`, `1,234`). */
  readonly alignNumbers?: boolean;
}

const NUMBER_CELL = /^[-+]?[0-9.,]+( ?[a-zA-Zµ%×/]+)?$/;

/**
 * Formats rows as a plain-text table: a header, a rule, then the rows, columns padded to the widest cell
 * and left-aligned (numeric columns right-aligned with `alignNumbers`). See {@link TableOptions}.
 */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  options: TableOptions = {},
): string {
  const maxCellWidth = options.maxCellWidth ?? 80;
  const clip = (cell: string): string => {
    if (maxCellWidth === false) return cell;
    const flat = cell.replace(/\s+/g, ' ');
    return flat.length > maxCellWidth ? `${flat.slice(0, maxCellWidth - 1)}…` : flat;
  };
  const body = rows.map((row) => headers.map((_, i) => clip(row[i] ?? '')));
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...body.map((row) => (row[i] ?? '').length)),
  );
  const numeric = headers.map(
    (_, i) => options.alignNumbers === true && body.every((row) => NUMBER_CELL.test(row[i] ?? '')),
  );
  const last = headers.length - 1;
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => {
        if (numeric[i]) return cell.padStart(widths[i] ?? 0);
        return i === last ? cell : cell.padEnd(widths[i] ?? 0);
      })
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** `1234567` → `1,234,567`. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}
