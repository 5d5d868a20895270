import type { Output } from './cli.ts';

export interface ProgressLineOptions {
  /** On a terminal, the least time between redraws. Default 100 ms. */
  readonly redrawMs?: number;
  /** Not on a terminal (CI, a pipe): print a full line at most this often. Default 5 s. */
  readonly lineEveryMs?: number;
  readonly clock?: () => number;
}

/** A one-line progress display: redrawn in place on a terminal, an occasional plain line otherwise. */
export interface ProgressLine {
  update(text: string): void;
  /** Clears the line on a terminal (or prints `finalText` in its place). */
  done(finalText?: string): void;
}

/**
 * A small progress line instead of a progress-bar package.
 *
 * @example
 * const progress = progressLine(io.stderr);
 * progress.update(`sent 1,200/5,000`);
 * progress.done();
 */
export function progressLine(out: Output, options: ProgressLineOptions = {}): ProgressLine {
  const clock = options.clock ?? Date.now;
  const tty = out.isTTY === true;
  const every = tty ? (options.redrawMs ?? 100) : (options.lineEveryMs ?? 5_000);
  let last = Number.NEGATIVE_INFINITY;
  let shown = false;
  return {
    update(text) {
      const now = clock();
      if (now - last < every) return;
      last = now;
      if (tty) {
        out.write(`\r\x1b[2K${text}`);
        shown = true;
      } else {
        out.write(`${text}\n`);
      }
    },
    done(finalText) {
      if (tty && shown) out.write('\r\x1b[2K');
      if (finalText !== undefined) out.write(`${finalText}\n`);
    },
  };
}

/** `[####------] 40%`: a bar drawn with plain characters. */
export function bar(done: number, total: number, width = 24): string {
  const ratio = total <= 0 ? 1 : Math.min(1, Math.max(0, done / total));
  const filled = Math.round(ratio * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.floor(ratio * 100)}%`;
}
