/** A plain-text table: header, rule, rows; columns padded to the widest cell, numbers right-aligned. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = headers.map((_, i) =>
    rows.every((r) => /^[-+]?[0-9.,]+( ?[a-zA-Zµ%×/]+)?$/.test(r[i] ?? '')),
  );
  const line = (cells: readonly string[]): string =>
    headers
      .map((_, i) => {
        const cell = cells[i] ?? '';
        const width = widths[i] ?? 0;
        return numeric[i] ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export const fmt = {
  ms: (n: number): string => `${n.toFixed(n < 10 ? 2 : 1)} ms`,
  ratio: (n: number): string => `${n.toFixed(2)}×`,
  kib: (n: number): string => `${(n / 1024).toFixed(1)} KiB`,
  mib: (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MiB`,
  int: (n: number): string => Math.round(n).toLocaleString('en-US'),
};
