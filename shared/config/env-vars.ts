import * as z from 'zod/mini';

/**
 * An optional environment variable holding a whole number in [min, max], `fallback` when unset. Errors
 * read "must be a whole number" / "must be at least N" / "must be at most N".
 *
 * @example
 * const schema = z.object({ RECORD_CONCURRENCY: wholeNumberVar(10, 1, 50) });
 */
export const wholeNumberVar = (fallback: number, min: number, max: number) =>
  z.prefault(
    z.pipe(
      z.string().check(z.regex(/^[0-9]+$/, 'must be a whole number')),
      z.pipe(
        z.transform((s: string) => Number(s)),
        z.number().check(z.gte(min, `must be at least ${min}`), z.lte(max, `must be at most ${max}`)),
      ),
    ),
    String(fallback),
  );
