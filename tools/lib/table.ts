/**
 * Formats rows as a plain-text table with a header and left-aligned columns. Cells longer than
 * `maxCellWidth` are cut with an ellipsis (the full text belongs in `--json` output).
 */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  maxCellWidth = 80,
): string {
  const clip = (cell: string): string => {
    const flat = cell.replace(/\s+/g, ' ');
    return flat.length > maxCellWidth ? `${flat.slice(0, maxCellWidth - 1)}…` : flat;
  };
  const body = rows.map((row) => headers.map((_, i) => clip(row[i] ?? '')));
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...body.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** `1234567` → `1,234,567`. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}
