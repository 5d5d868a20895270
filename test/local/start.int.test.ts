// `npm start` end to end, as a user runs it: a child process that starts its own moto server and
// simulator, runs the samples through the real handler and prints the results as JSON.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { motoEndpoint } from '#test/support/integration.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// The global setup found moto; without it `npm start` could not run either.
const endpoint = motoEndpoint();

interface Result {
  readonly reference: string;
  readonly outcome: string;
  readonly uuid?: string;
  readonly reason?: string;
  readonly reasonCode?: string;
}

function runStart(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, NODE_NO_WARNINGS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.skipIf(endpoint === null)('npm start', () => {
  it('runs every sample to a final state, rejects the bad ones with reasons and exits 0', async () => {
    // Act
    const { code, stdout, stderr } = await runStart(['--json']);

    // Assert
    expect(code, stderr).toBe(0);
    const { results, totals } = JSON.parse(stdout) as { results: Result[]; totals: Record<string, number> };
    expect(results).toHaveLength(19);
    expect(totals).toEqual({
      total: 19,
      SUBMITTED: 12,
      REJECTED: 6,
      CONFLICT: 1,
      DEAD_LETTERED: 0,
      PENDING: 0,
      NOT_SENT: 0,
    });
    const outcome = (reference: string) => results.filter((r) => r.reference === reference);
    for (const sample of results.filter((r) => /^sample-(btc|eth|usdt|xrp|ltc)-/.test(r.reference))) {
      if (sample.reference === 'sample-eth-0001') continue;
      expect(sample, sample.reference).toMatchObject({ outcome: 'SUBMITTED', uuid: expect.any(String) });
    }
    expect(new Set(results.map((r) => r.reference.split('-')[1]))).toEqual(
      new Set(['btc', 'eth', 'usdt', 'xrp', 'ltc', 'bad', undefined]),
    );
    const rejected = Object.fromEntries(
      results
        .filter((r) => r.outcome === 'REJECTED')
        .map((r) => [r.reference, `${r.reasonCode}: ${r.reason}`]),
    );
    expect(rejected).toEqual({
      'sample-bad-checksum-0001': expect.stringMatching(/^INVALID_MESSAGE: destination\.address: .*checksum/),
      'sample-bad-over-cap-0001': expect.stringMatching(/amount: must be at most 1000 EUR/),
      'sample-bad-usdt-network-0001': expect.stringMatching(/destination\.protocol: is required for USDT/),
      'sample-bad-xrp-tag-0001': expect.stringMatching(/destination\.tag: is required for XRP/),
      'sample-bad-currency-0001': expect.stringMatching(/unsupported destination currency DOGE/),
      'bad ref': expect.stringMatching(/reference: must be 6–255 characters/),
    });
    expect(
      outcome('sample-eth-0001')
        .map((r) => r.outcome)
        .sort(),
    ).toEqual(['CONFLICT', 'SUBMITTED']);
  }, 120_000);
});
