import { Readable } from 'node:stream';
import type { CliIo } from '#tools/lib/cli.ts';

/** A CliIo whose output is kept as text; stdin is a pipe holding `stdin` (not a terminal). */
export interface CapturedIo extends CliIo {
  readonly out: () => string;
  readonly err: () => string;
}

export function captureIo(options: { stdin?: string; env?: Record<string, string> } = {}): CapturedIo {
  let out = '';
  let err = '';
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    env: options.env ?? {},
    out: () => out,
    err: () => err,
  };
}
