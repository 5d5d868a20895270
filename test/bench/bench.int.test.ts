// Runs every benchmark section on tiny inputs so the machinery cannot rot. No timing is asserted: the
// figures of a tiny run mean nothing; that each section runs, measures and reports does.
import { describe, expect, it } from 'vitest';
import { motoEndpoint } from '#test/support/integration.ts';
import { renderReport } from '../../bench/report.ts';
import { type BenchOptions, runBench } from '../../bench/run-bench.ts';

const endpoint = motoEndpoint();

const TINY: BenchOptions = {
  sections: ['latency', 'overhead', 'cold-start', 'enqueue', 'burst'],
  latency: {
    latencyMs: 20,
    runs: 1,
    cases: [
      { batchSize: 1, recordConcurrency: 10, note: 'tiny' },
      { batchSize: 10, recordConcurrency: 10, note: 'tiny' },
    ],
  },
  overhead: { volumes: [20, 40], runs: 1, warmup: 10, batchSize: 10, recordConcurrency: 10 },
  coldStart: { runs: 1, topPackages: 3 },
  enqueue: { messages: 20, messagesPerQueue: 10, runs: 1, concurrency: 4, roundTripMs: 5 },
  burst: {
    payouts: 30,
    // A bucket larger than the burst: no refusal, so no backoff to wait out in a machinery test.
    rps: 50,
    rateBurst: 50,
    containers: 2,
    batchSize: 10,
    recordConcurrency: 10,
    timeoutMs: 120_000,
  },
};

describe.skipIf(endpoint === null)('npm run bench machinery', () => {
  it('measures every section on tiny inputs and reports each target', async () => {
    const results = await runBench({ ...TINY, motoEndpoint: endpoint ?? '' });
    const report = renderReport(results);

    expect(results.latency?.rows.map((r) => [r.batchSize, r.ideal])).toEqual([
      [1, 1],
      [10, 1],
    ]);
    expect(results.latency?.medianOneCallMs).toBeGreaterThanOrEqual(20);
    expect(results.overhead?.rows.map((r) => r.payouts)).toEqual([20, 40]);
    expect(results.overhead?.rows.every((r) => r.cpuUsPerPayout > 0 && r.maxRssMiB > 0)).toBe(true);
    expect(results.coldStart?.worker.entry).toBe('functions/payout-worker/handler.ts');
    expect(results.coldStart?.baseline.topPackages.map(([name]) => name)).toContain('zod');
    expect(results.enqueue?.moto.messages).toBe(20);
    expect(results.enqueue?.withRoundTrip?.roundTripMs).toBe(5);
    expect(results.burst?.rows.map((r) => [r.pacing, r.payouts, r.notExactlyOnce])).toEqual([
      ['off', 30, 0],
      ['on', 30, 0],
    ]);
    expect(results.targets.map((t) => t.name)).toHaveLength(10);
    // A paced burst may well see no refusal at all: that share alone may read 0.
    const refusals = 'burst, pacing on: % of requests refused';
    expect(
      results.targets.every(
        (t) => Number.isFinite(t.measured) && (t.measured > 0 || (t.name === refusals && t.measured === 0)),
      ),
    ).toBe(true);
    for (const heading of [
      'BATCH LATENCY',
      'PER-PAYOUT OVERHEAD',
      'COLD START',
      'ENQUEUE',
      'BURST',
      'TARGETS',
    ]) {
      expect(report).toContain(heading);
    }
    expect(JSON.parse(JSON.stringify(results))).toEqual(results);
  }, 58_000);
});
