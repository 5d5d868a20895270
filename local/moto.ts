// Finds and runs moto server (the AWS emulator of the integration tests) on 127.0.0.1.
import { type ChildProcess, spawn } from 'node:child_process';
import { constants, createWriteStream } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const MOTO_REQUIREMENT = 'moto[server]==5.2.1';
const INSTALL_HINT = `pip install '${MOTO_REQUIREMENT}'`;
const PROJECT_ROOT = fileURLToPath(new URL('../', import.meta.url));

export interface MotoCommand {
  readonly command: string;
  readonly args: readonly string[];
}

export interface FindMotoOptions {
  /** Directories searched for `moto_server`; default `process.env.PATH`. */
  readonly pathEnv?: string;
  /** Folder holding `.venv/` (and `.moto/install.log`); default this project's root. */
  readonly projectRoot?: string;
  /** Create `.venv` and pip-install moto there when nothing is found; default true. */
  readonly allowInstall?: boolean;
  /** Bound on the whole venv + pip install; default 5 minutes. */
  readonly installTimeoutMs?: number;
}

/**
 * Looks for a working `moto_server`: on PATH, then in the project's `.venv/`, then by creating that
 * venv and installing moto into it (when a package index answers). Never throws: the error text says
 * how to install moto by hand.
 */
export async function findMotoServer(
  options: FindMotoOptions = {},
): Promise<MotoCommand | { error: string }> {
  const pathEnv = options.pathEnv ?? process.env.PATH ?? '';
  const root = options.projectRoot ?? PROJECT_ROOT;
  for (const dir of pathEnv.split(delimiter).filter((d) => d !== '')) {
    const found = await usable(join(dir, 'moto_server'));
    if (found !== undefined) return found;
  }
  const venvMoto = join(root, '.venv', 'bin', 'moto_server');
  const inVenv = await usable(venvMoto);
  if (inVenv !== undefined) return inVenv;
  if (options.allowInstall === false) return { error: notFound('no install was attempted') };

  const logFile = join(root, '.moto', 'install.log');
  const installed = await installIntoVenv(root, pathEnv, logFile, options.installTimeoutMs ?? 300_000);
  if (installed !== 'ok') return { error: notFound(`${installed}; see ${logFile}`) };
  return (await usable(venvMoto)) ?? { error: notFound(`the install left no ${venvMoto}; see ${logFile}`) };
}

export interface StartMotoOptions {
  /** Port to bind on 127.0.0.1; default a free one. */
  readonly port?: number;
  /** How long moto may take to answer HTTP; default 30 s. */
  readonly readyTimeoutMs?: number;
  /** A command from `findMotoServer`; default: look it up (and fail with its error). */
  readonly command?: MotoCommand;
}

export interface MotoServer {
  /** `http://127.0.0.1:PORT`, for the SDK's `endpoint` or `AWS_ENDPOINT_URL`. */
  readonly endpoint: string;
  /** Process group id of the server (its watchdog leads the group). */
  readonly pid: number;
  /** Ends the whole process group: SIGTERM, then SIGKILL after 5 s. */
  stop(): Promise<void>;
}

// moto runs under a small node watchdog that leads a process group of its own, so stop() can end
// everything at once. The watchdog kills moto when its stdin (a pipe from this process) closes, so a
// test runner that dies without calling stop() leaves no moto behind; it exits with moto's exit code,
// so an early death is seen at once; and it reaps moto itself, so no orphaned zombie keeps the group
// looking alive. (A shell version of this raced between its trap and its subshell.)
const WATCHDOG = `
const { spawn } = require('node:child_process');
const [command, ...args] = process.argv.slice(1);
const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
const stopChild = () => child.kill('SIGTERM');
process.stdin.on('end', stopChild).on('error', stopChild).resume();
process.on('SIGTERM', stopChild).on('SIGINT', stopChild);
child.on('error', (error) => { console.error(error.message); process.exit(127); });
child.on('exit', (code, signal) => {
  if (code === null) console.error('moto_server was killed by ' + signal);
  process.exit(code ?? 1);
});
`;

/**
 * Starts `moto_server -H 127.0.0.1 -p <port>` and resolves once it answers HTTP.
 *
 * @example
 * const moto = await startMoto();
 * const sqs = new SQSClient(awsTestEnv(moto.endpoint));
 * // ...
 * await moto.stop();
 */
export async function startMoto(options: StartMotoOptions = {}): Promise<MotoServer> {
  const found = options.command ?? (await findMotoServer());
  if ('error' in found) throw new Error(found.error);
  const port = options.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(
    process.execPath,
    ['-e', WATCHDOG, '--', found.command, ...found.args, '-H', '127.0.0.1', '-p', String(port)],
    { detached: true, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const output = tailOf(child);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not spawn ${found.command}: ${output()}`);
  let exited: string | null = null;
  child.once('exit', (code, signal) => {
    exited = `exited with ${signal ?? `code ${code}`}`;
  });

  const stop = async (): Promise<void> => {
    await endGroup(pid);
    child.stdin?.destroy();
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  while (!(await answers(endpoint))) {
    if (exited !== null || Date.now() > deadline) {
      await stop();
      const why = exited ?? `did not answer on ${endpoint} within ${options.readyTimeoutMs ?? 30_000} ms`;
      throw new Error(`moto_server ${why}. Its output ended with:\n${output()}`);
    }
    await sleep(100);
  }
  return { endpoint, pid, stop };
}

async function usable(path: string): Promise<MotoCommand | undefined> {
  try {
    await access(path, constants.X_OK);
  } catch {
    return undefined;
  }
  // A pyenv shim exists even where the active Python lacks moto: only a clean `--help` counts.
  const code = await run(path, ['--help'], { timeoutMs: 30_000 });
  return code === 0 ? { command: path, args: [] } : undefined;
}

async function installIntoVenv(
  root: string,
  pathEnv: string,
  logFile: string,
  timeoutMs: number,
): Promise<string> {
  await mkdir(join(root, '.moto'), { recursive: true });
  const log = createWriteStream(logFile, { flags: 'a' });
  try {
    const deadline = Date.now() + timeoutMs;
    const env = { ...process.env, PATH: pathEnv };
    const python = join(root, '.venv', 'bin', 'python');
    const venv = await run('python3', ['-m', 'venv', join(root, '.venv')], { timeoutMs, log, env });
    if (venv !== 0) return `python3 -m venv .venv failed (${venv})`;
    const pip = await run(python, ['-m', 'pip', 'install', '--disable-pip-version-check', MOTO_REQUIREMENT], {
      timeoutMs: Math.max(deadline - Date.now(), 1),
      log,
      env,
    });
    return pip === 0 ? 'ok' : `pip install into .venv failed (${pip})`;
  } finally {
    await new Promise((resolve) => log.end(resolve));
  }
}

function notFound(detail: string): string {
  return [
    `moto_server (Python package moto) was not found on PATH or in .venv/, and ${detail}.`,
    `Install it with:  ${INSTALL_HINT}`,
    `or into the project: python3 -m venv .venv && .venv/bin/pip install '${MOTO_REQUIREMENT}'`,
  ].join('\n');
}

interface RunOptions {
  readonly timeoutMs: number;
  readonly log?: NodeJS.WritableStream;
  readonly env?: NodeJS.ProcessEnv;
}

/** Runs a command to its end; resolves to its exit code, or a word saying why there is none. */
function run(command: string, args: readonly string[], options: RunOptions): Promise<number | string> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: options.env ?? process.env,
    });
    for (const stream of [child.stdout, child.stderr]) {
      if (options.log === undefined) stream.resume();
      else stream.pipe(options.log, { end: false });
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve(error.message);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? `killed by ${signal ?? 'a signal'}`);
    });
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no TCP port from the OS');
  return address.port;
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

/** Signals the process group, waits until none of it is left, and escalates to SIGKILL after 5 s. */
async function endGroup(pgid: number): Promise<void> {
  const signal = (name: NodeJS.Signals | 0): boolean => {
    try {
      process.kill(-pgid, name);
      return true;
    } catch {
      return false; // ESRCH: no process left in the group
    }
  };
  if (!signal('SIGTERM')) return;
  for (let waited = 0; waited < 5_000; waited += 50) {
    await sleep(50);
    if (!signal(0)) return;
  }
  signal('SIGKILL');
}

/** Keeps the last 8 KB of a child's stdout and stderr, for error messages. */
function tailOf(child: ChildProcess): () => string {
  let tail = '';
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-8_192);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => tail.trim() || '(no output)';
}

export interface AwsTestEnv {
  readonly region: 'us-east-1';
  readonly endpoint: string;
  readonly credentials: { readonly accessKeyId: 'testing'; readonly secretAccessKey: 'testing' };
}

/** Client config for an AWS SDK v3 client pointed at moto: `new SQSClient(awsTestEnv(endpoint))`. */
export function awsTestEnv(endpoint: string): AwsTestEnv {
  return {
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
}
