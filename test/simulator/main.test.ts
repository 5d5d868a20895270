import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { simulatorAdmin } from '#simulator/admin-client.ts';
import { createPayout, payoutBody, signedFetch } from './signed-fetch.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = `${ROOT}node_modules/.bin/tsx`;
const MAIN = `${ROOT}simulator/main.ts`;

let child: ChildProcess | undefined;

afterEach(() => {
  if (child?.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
});

function launch(args: readonly string[]): ChildProcess {
  child = spawn(TSX, [MAIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  return child;
}

async function firstLine(proc: ChildProcess): Promise<string> {
  if (proc.stdout === null) throw new Error('no stdout');
  const lines = createInterface({ input: proc.stdout });
  const [line] = (await once(lines, 'line')) as [string];
  lines.close();
  return line;
}

describe('simulator main.ts (npm run simulator)', () => {
  it('prints its URL, answers a signed call with the given credential, and stops on SIGTERM', async () => {
    const credential = { id: 'cli-hawk-id', key: 'cli-hawk-key-abcdef' };
    const simulator = launch([
      '--port',
      '0',
      '--hawk-id',
      credential.id,
      '--hawk-key',
      credential.key,
      '--merchant-id',
      'cli-merchant-1',
    ]);

    const printed = JSON.parse(await firstLine(simulator)) as { url: string; merchantId: string };
    const response = await signedFetch(printed.url, '/api/v1/merchant', { credential });
    const merchants = (await response.json()) as Array<{ merchantId: string }>;
    const exited = once(simulator, 'exit');
    simulator.kill('SIGTERM');
    const [code] = (await exited) as [number | null];

    expect(printed.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(response.status).toBe(200);
    expect(merchants.map((m) => m.merchantId)).toEqual(['cli-merchant-1']);
    expect(code).toBe(0);
  });

  it('settles every new payout after --settle-after-ms, cancelling those ending in --cancel-digit', async () => {
    const simulator = launch(['--port', '0', '--settle-after-ms', '50', '--cancel-digit', '7']);
    const { url } = JSON.parse(await firstLine(simulator)) as { url: string };
    for (const reference of ['main-settle-0007', 'main-settle-0008']) {
      const created = await createPayout(url, payoutBody({ reference }));
      expect(created.status).toBe(200);
    }

    await new Promise((resolve) => setTimeout(resolve, 300));
    const payouts = await simulatorAdmin(url).payouts();

    expect(payouts.map((p) => [p.reference, p.summary.status]).sort()).toEqual([
      ['main-settle-0007', 'CANCELLED'],
      ['main-settle-0008', 'COMPLETE'],
    ]);
  });

  it('exits with 2 and the usage on a bad flag', async () => {
    const simulator = launch(['--port', 'eighty']);
    let stderr = '';
    simulator.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });

    const [code] = (await once(simulator, 'exit')) as [number | null];

    expect(code).toBe(2);
    expect(stderr).toContain('usage: npm run simulator');
  });
});
