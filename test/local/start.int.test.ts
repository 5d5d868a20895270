// `npm start` end to end, as a user runs it: a child process that starts its own moto server and
// simulator, runs the samples through the real handler and prints the results as JSON.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { awsTestEnv, motoEndpoint } from '#test/support/integration.ts';
import { payoutMessage } from '#test/support/pipeline-harness.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// The global setup found moto; without it `npm start` could not run either.
const endpoint = motoEndpoint();

interface Result {
  readonly reference: string;
  readonly outcome: string;
  readonly coindirectStatus?: string;
  readonly events?: readonly string[];
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
  // One run of `npm start -- --json`, shared by the tests that read its results.
  let run: Promise<{ code: number | null; stdout: string; stderr: string }> | undefined;
  const startJson = () => {
    run ??= runStart(['--json']);
    return run;
  };

  it('runs every sample to a final state, rejects the bad ones with reasons and exits 0', async () => {
    // Act
    const { code, stdout, stderr } = await startJson();

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
      coindirectStatus: { PENDING: 0, PROCESSING: 0, COMPLETE: 10, CANCELLED: 2 },
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

  it('follows every submitted sample to COMPLETE, or CANCELLED when its reference ends in 3, with its events', async () => {
    // Act
    const { code, stdout, stderr } = await startJson();

    // Assert
    expect(code, stderr).toBe(0);
    const { results } = JSON.parse(stdout) as { results: Result[] };
    const lifecycle = (reference: string) =>
      results
        .filter((r) => r.reference === reference)
        .map((r) => ({ outcome: r.outcome, coindirectStatus: r.coindirectStatus, events: r.events }));
    for (const sample of results.filter((r) => r.outcome === 'SUBMITTED')) {
      const cancelled = sample.reference.endsWith('3');
      expect(sample, sample.reference).toMatchObject({
        coindirectStatus: cancelled ? 'CANCELLED' : 'COMPLETE',
        events: ['PayoutSubmitted', cancelled ? 'PayoutCancelled' : 'PayoutCompleted'],
      });
    }
    expect(results.filter((r) => r.coindirectStatus === 'CANCELLED').map((r) => r.reference)).toEqual([
      'sample-btc-0003',
      'sample-ltc-0003',
    ]);
    // The refused second message of a reference shows what became of the reference: the first one's payout.
    expect(lifecycle('sample-eth-0001').map((r) => [r.coindirectStatus, r.events])).toEqual([
      ['COMPLETE', ['PayoutSubmitted', 'PayoutCompleted']],
      ['COMPLETE', ['PayoutSubmitted', 'PayoutCompleted']],
    ]);
    expect(lifecycle('sample-bad-over-cap-0001')).toEqual([
      { outcome: 'REJECTED', coindirectStatus: undefined, events: ['PayoutRejected'] },
    ]);
    // Without a readable reference the worker records nothing and publishes nothing.
    expect(lifecycle('bad ref')).toEqual([{ outcome: 'REJECTED', coindirectStatus: undefined, events: [] }]);
  }, 120_000);

  it('with --keep-running, prints the webhook URL and the event capture queue and shows each event as it arrives', async () => {
    // Arrange
    const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts', '--keep-running', '--json'], {
      cwd: ROOT,
      env: { ...process.env, NODE_NO_WARNINGS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const waiting = new Set<() => void>();
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      for (const check of [...waiting]) check();
    });
    const seen = (pattern: RegExp) =>
      new Promise<RegExpMatchArray>((resolve, reject) => {
        const check = () => {
          const match = stderr.match(pattern);
          if (match === null) return;
          waiting.delete(check);
          resolve(match);
        };
        waiting.add(check);
        child.once('close', () => reject(new Error(`npm start ended before ${pattern}:\n${stderr}`)));
        check();
      });
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));

    try {
      // Act
      const [, endpointUrl] = await seen(/AWS_ENDPOINT_URL=(\S+)/);
      const [, queueUrl] = await seen(/payout queue\s+(\S+)/);
      const [, webhookUrl] = await seen(/webhook URL\s+(\S+)/);
      const [, captureUrl] = await seen(/event capture queue\s+(\S+)/);
      const sqs = new SQSClient(awsTestEnv(endpointUrl ?? ''));
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify(payoutMessage('keep-running-0001')),
        }),
      );
      sqs.destroy();
      const submitted = await seen(/event\s+PayoutSubmitted\s+keep-running-0001 SUBMITTED/);
      const completed = await seen(/event\s+PayoutCompleted\s+keep-running-0001 COMPLETE/);

      // Assert
      expect(webhookUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(captureUrl).toMatch(/event-capture$/);
      expect(submitted.index).toBeLessThan(completed.index ?? 0);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  }, 120_000);
});
