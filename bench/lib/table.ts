import { count, formatTable as formatTextTable } from '#tools/lib/table.ts';

/** A bench table (tools/lib/table.ts): cells as given, numeric columns right-aligned. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  return formatTextTable(headers, rows, { maxCellWidth: false, alignNumbers: true });
}

export const fmt = {
  ms: (n: number): string => `${n.toFixed(n < 10 ? 2 : 1)} ms`,
  ratio: (n: number): string => `${n.toFixed(2)}×`,
  kib: (n: number): string => `${(n / 1024).toFixed(1)} KiB`,
  mib: (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MiB`,
  int: (n: number): string => count(Math.round(n)),
};
