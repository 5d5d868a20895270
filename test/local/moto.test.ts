import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { findMotoServer, type MotoCommand, startMoto } from '#local/moto.ts';

// A stand-in for moto_server: a node HTTP server on the `-p` port it is given, so these tests need no Python.
const FAKE_MOTO: MotoCommand = {
  command: process.execPath,
  args: [
    '-e',
    "const p = process.argv[process.argv.indexOf('-p') + 1];" +
      "require('node:http').createServer((q, s) => s.end('ok')).listen(Number(p), '127.0.0.1');",
    '--',
  ],
};

let scratch: string | undefined;

async function scratchDir(): Promise<string> {
  scratch = await mkdtemp(join(tmpdir(), 'moto-test-'));
  return scratch;
}

async function script(path: string, body: string): Promise<void> {
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

afterEach(async () => {
  if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  scratch = undefined;
});

describe('findMotoServer', () => {
  it('says how to install moto when there is none and installing is off', async () => {
    const root = await scratchDir();

    const found = await findMotoServer({ pathEnv: '', projectRoot: root, allowInstall: false });

    expect(found).toEqual({ error: expect.stringContaining("pip install 'moto[server]==5.2.1'") });
  });

  it('skips a moto_server on PATH that fails --help and takes the one in .venv', async () => {
    const root = await scratchDir();
    await mkdir(join(root, 'bin'));
    await mkdir(join(root, '.venv', 'bin'), { recursive: true });
    await script(
      join(root, 'bin', 'moto_server'),
      'echo "pyenv: moto_server: command not found" >&2; exit 127',
    );
    await script(join(root, '.venv', 'bin', 'moto_server'), 'exit 0');

    const found = await findMotoServer({
      pathEnv: join(root, 'bin'),
      projectRoot: root,
      allowInstall: false,
    });

    expect(found).toEqual({ command: join(root, '.venv', 'bin', 'moto_server'), args: [] });
  });
});

describe('startMoto', () => {
  it('waits until the server answers and ends its whole process group on stop', async () => {
    const moto = await startMoto({ command: FAKE_MOTO });

    const answer = await (await fetch(`${moto.endpoint}/moto-api/`)).text();
    await moto.stop();

    expect(answer).toBe('ok');
    expect(moto.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(groupAlive(moto.pid)).toBe(false);
  });

  it('fails fast with the output tail when the server exits before answering', async () => {
    const command = { command: '/bin/sh', args: ['-c', 'echo "Address already in use" >&2; exit 3', 'fake'] };

    const started = startMoto({ command, readyTimeoutMs: 10_000 });

    await expect(started).rejects.toThrow(/exited with code 3[\s\S]*Address already in use/);
  });

  it('leaves no server behind when the process that started it is killed', async () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const starter = join(await scratchDir(), 'starter.mts');
    await writeFile(
      starter,
      `import { startMoto } from ${JSON.stringify(join(root, 'local/moto.ts'))};\n` +
        `const moto = await startMoto({ command: ${JSON.stringify(FAKE_MOTO)} });\n` +
        'console.log(moto.pid);\nsetInterval(() => {}, 1_000);\n',
    );
    // One node process (no tsx CLI wrapper), so SIGKILL really takes the owner of the watchdog's pipe.
    const parent = spawn(process.execPath, ['--import', 'tsx', starter], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [chunk] = (await Promise.race([
      once(parent.stdout, 'data'),
      once(parent, 'exit').then(() => {
        throw new Error('the starter exited before printing a pid');
      }),
    ])) as [Buffer];
    const pgid = Number(chunk.toString('utf8').trim());
    const aliveBefore = groupAlive(pgid);

    parent.kill('SIGKILL');
    let waited = 0;
    while (groupAlive(pgid) && waited < 5_000) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      waited += 50;
    }

    expect(aliveBefore).toBe(true);
    expect(groupAlive(pgid)).toBe(false);
  });
});
