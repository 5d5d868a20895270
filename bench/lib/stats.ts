/** The middle value (mean of the two middle ones for an even count). Throws on an empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? 0) + upper) / 2;
}

/** Runs `fn` `runs` times in a row and returns every measurement. */
export async function repeat<T>(runs: number, fn: (run: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let run = 0; run < runs; run++) out.push(await fn(run));
  return out;
}

/** A target and whether a measured value meets it. `kind: 'max'` means the value must be ≤ the limit. */
export interface TargetCheck {
  readonly name: string;
  readonly kind: 'max' | 'min';
  readonly limit: number;
  readonly measured: number;
  readonly met: boolean;
  /** How far from the limit, as a fraction of the limit (0 when met). */
  readonly missBy: number;
}

export function checkTarget(name: string, kind: 'max' | 'min', limit: number, measured: number): TargetCheck {
  const met = kind === 'max' ? measured <= limit : measured >= limit;
  const missBy = met ? 0 : Math.abs(measured - limit) / limit;
  return { name, kind, limit, measured, met, missBy };
}

/** `✓ ≤ 1.3` or `✗ ≤ 1.3, missed by 12 %`. */
export function targetText(check: TargetCheck): string {
  const bound = `${check.kind === 'max' ? '≤' : '≥'} ${check.limit}`;
  return check.met ? `met (${bound})` : `MISSED (${bound}) by ${(check.missBy * 100).toFixed(0)} %`;
}
