// Interactive input with node:readline: a yes/no confirmation, a line, a line typed without echo, and
// all of stdin for piped input.
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { CliIo } from './cli.ts';
import { CliError } from './errors.ts';

/** Asks a yes/no question on the terminal; only `y`/`yes` is a yes. */
export async function confirm(io: CliIo, question: string): Promise<boolean> {
  requireTerminal(io, 'pass --yes to go ahead without a prompt');
  const answer = await ask(io, `${question} [y/N] `, false);
  return /^(y|yes)$/i.test(answer.trim());
}

/** Reads one line from the terminal, shown as typed. */
export function promptLine(io: CliIo, question: string): Promise<string> {
  requireTerminal(io, 'pipe the input on stdin instead');
  return ask(io, question, false);
}

/** Reads one line from the terminal without echoing it (for keys). */
export function promptHidden(io: CliIo, question: string): Promise<string> {
  requireTerminal(io, 'pipe the input on stdin instead');
  return ask(io, question, true);
}

/** Reads stdin to its end (piped input), refusing more than `maxBytes`. */
export async function readStdin(io: CliIo, maxBytes = 65_536): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of io.stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
    size += buffer.length;
    if (size > maxBytes)
      throw new CliError(`stdin holds more than ${maxBytes} bytes; expected a small JSON object`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function requireTerminal(io: CliIo, alternative: string): void {
  if (io.stdin.isTTY !== true)
    throw new CliError(`stdin is not a terminal, so there is nobody to ask: ${alternative}`);
}

function ask(io: CliIo, question: string, hidden: boolean): Promise<string> {
  // With echo off, readline still drives the terminal (raw mode, line editing) but writes nowhere.
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  io.stderr.write(question);
  const rl = createInterface({
    input: io.stdin,
    output: hidden ? sink : (io.stderr as NodeJS.WritableStream),
    terminal: true,
  });
  return new Promise<string>((resolve, reject) => {
    let answered = false;
    rl.on('SIGINT', () => rl.close());
    rl.once('close', () => {
      if (hidden) io.stderr.write('\n');
      if (!answered) reject(new CliError('cancelled: no input was given', { exitCode: 130 }));
    });
    rl.question('', (answer) => {
      answered = true;
      resolve(answer);
      rl.close();
    });
  });
}
