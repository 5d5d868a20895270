// Renders bench results as the plain-text table `npm run bench` prints.
import { machineLine } from './lib/machine.ts';
import { targetText } from './lib/stats.ts';
import { fmt, formatTable } from './lib/table.ts';
import type { BenchResults } from './run-bench.ts';

export function renderReport(results: BenchResults): string {
  const out: string[] = [`npm run bench — ${machineLine(results.machine)} — ${results.startedAt}`, ''];
  const target = (name: string): string => {
    const check = results.targets.find((t) => t.name === name);
    return check === undefined ? '' : targetText(check);
  };

  const { latency } = results;
  if (latency) {
    out.push(
      `BATCH LATENCY — every Coindirect call takes ${latency.latencyMs} ms; in-memory ledger; one call = ` +
        `${fmt.ms(latency.medianOneCallMs)} (median of ${latency.runs}, same client)`,
      formatTable(
        ['batch', 'RECORD_CONCURRENCY', 'wall (median)', 'wall ÷ one call', 'ideal', 'target'],
        latency.rows.map((r) => [
          String(r.batchSize),
          `${r.recordConcurrency} (${r.note})`,
          fmt.ms(r.medianWallMs),
          fmt.ratio(r.ratio),
          `${r.ideal}×`,
          r.batchSize === 10 && r.recordConcurrency === 10
            ? target('batch of 10: wall ÷ one call (RECORD_CONCURRENCY 10)')
            : '',
        ]),
      ),
      'ideal = ⌈batch ÷ RECORD_CONCURRENCY⌉ waves of one call each. The deployed event source sends batches of 10.',
      '',
    );
  }

  const { overhead } = results;
  if (overhead) {
    const runs = overhead.rows[0]?.runs.length ?? 0;
    out.push(
      `PER-PAYOUT OVERHEAD — simulator latency 0, loopback keep-alive, in-memory ledger, batches of ${overhead.batchSize}, ` +
        `RECORD_CONCURRENCY ${overhead.recordConcurrency}, Powertools logs + EMF metrics on; a fresh process per run ` +
        `after ${fmt.int(overhead.warmup)} warm-up payouts (median of ${runs})`,
      formatTable(
        ['payouts', 'CPU per payout', 'payouts/s (1 process)', 'peak RSS'],
        overhead.rows.map((r) => [
          fmt.int(r.payouts),
          `${fmt.int(r.cpuUsPerPayout)} µs`,
          fmt.int(r.payoutsPerSecond),
          `${r.maxRssMiB.toFixed(0)} MiB`,
        ]),
      ),
      `growth of CPU per payout, ${fmt.int(overhead.rows.at(-1)?.payouts ?? 0)} vs ${fmt.int(overhead.rows[0]?.payouts ?? 0)}: ` +
        `${fmt.ratio(overhead.cpuGrowth)} — ${target('CPU per payout, 10,000 ÷ 1,000 (~flat)')}`,
      '',
    );
  }

  const { coldStart } = results;
  if (coldStart) {
    const { worker: w, baseline: b } = coldStart;
    out.push(
      `COLD START — both bundled by bundleLambda (deployed esbuild settings); import = node importing the bundle − ` +
        `node -e 0 (${fmt.ms(coldStart.medianEmptyNodeMs)}), median of ${coldStart.runs}, interleaved`,
      formatTable(
        ['', 'worker', 'Powertools baseline', 'worker ÷ baseline', 'target'],
        [
          [
            'minified',
            fmt.kib(w.bytes),
            fmt.kib(b.bytes),
            fmt.ratio(coldStart.bytesRatio),
            target('bundle minified: worker ÷ baseline'),
          ],
          [
            'gzip',
            fmt.kib(w.gzipBytes),
            fmt.kib(b.gzipBytes),
            fmt.ratio(coldStart.gzipRatio),
            target('bundle gzip: worker ÷ baseline'),
          ],
          [
            'import time',
            fmt.ms(w.importMs),
            fmt.ms(b.importMs),
            fmt.ratio(coldStart.importRatio),
            target('import time: worker ÷ baseline'),
          ],
        ],
      ),
      `cold-start guard: bundle ${fmt.ratio(coldStart.bytesRatio)} of the baseline — ` +
        `${target('cold-start guard: bundle ÷ baseline')}; import ${fmt.ratio(coldStart.importRatio)} — ` +
        `${target('cold-start guard: import ÷ baseline')}`,
      'largest packages in each bundle (minified bytes, from the esbuild metafile):',
      formatTable(
        ['worker', '', 'Powertools baseline', ''],
        Array.from({ length: Math.max(w.topPackages.length, b.topPackages.length) }, (_, i) => [
          w.topPackages[i]?.[0] ?? '',
          w.topPackages[i] ? fmt.kib(w.topPackages[i][1]) : '',
          b.topPackages[i]?.[0] ?? '',
          b.topPackages[i] ? fmt.kib(b.topPackages[i][1]) : '',
        ]),
      ),
      '',
    );
  }

  const { enqueue } = results;
  if (enqueue) {
    const m = enqueue.moto;
    const rows = [
      ['moto (loopback)', m, target('enqueue on moto: batched speed-up')] as const,
      ...(enqueue.withRoundTrip
        ? [
            [
              `moto + ${enqueue.withRoundTrip.roundTripMs} ms per request`,
              enqueue.withRoundTrip,
              '(not a target)',
            ] as const,
          ]
        : []),
    ];
    out.push(
      `ENQUEUE — ${fmt.int(m.messages)} payout messages into fresh queues of ${m.messagesPerQueue}; sendPayouts ` +
        `(SendMessageBatch of 10, ${m.concurrency} in flight) vs one SendMessage at a time (median of ${m.runs})`,
      formatTable(
        ['endpoint', 'batched', 'one at a time', 'speed-up', 'target'],
        rows.map(([name, r, t]) => [
          name,
          `${fmt.ms(r.medianBatchedMs)} (${fmt.int(r.batchedPerSecond)}/s)`,
          `${fmt.ms(r.medianSingleMs)} (${fmt.int(r.singlePerSecond)}/s)`,
          fmt.ratio(r.speedup),
          t,
        ]),
      ),
      '',
    );
  }

  const { burst } = results;
  if (burst) {
    out.push(
      `BURST — ${fmt.int(burst.rows[0]?.payouts ?? 0)} payouts against a simulator allowing ${burst.rps} requests/s ` +
        `(bucket of ${burst.burst}); ${burst.containers} containers (WORKER_MAX_CONCURRENCY), batches of ` +
        `${burst.batchSize}, RECORD_CONCURRENCY ${burst.recordConcurrency}, in-memory ledger, the worker's own backoff`,
      formatTable(
        [
          'pacing',
          'drain',
          'ideal',
          'drain ÷ ideal',
          'accepted',
          'refused (429)',
          '% refused',
          'max receives',
          'not once',
        ],
        burst.rows.map((r) => [
          r.pacing === 'on' ? `on (COINDIRECT_MAX_RPS ${burst.rps})` : 'off',
          `${(r.drainMs / 1000).toFixed(1)} s`,
          `${(r.idealMs / 1000).toFixed(1)} s`,
          fmt.ratio(r.ratio),
          fmt.int(r.accepted),
          fmt.int(r.refused),
          `${r.refusedPercent.toFixed(1)} %`,
          String(r.maxReceiveCount),
          String(r.notExactlyOnce),
        ]),
      ),
      "ideal = one create per payout ÷ the vendor's rate; accepted = requests Coindirect answered (creates and the " +
        'lookups a refused create calls for); "not once" = payouts missing or created twice (must be 0).',
      '',
    );
  }

  out.push(
    'TARGETS',
    formatTable(
      ['target', 'measured', 'verdict'],
      results.targets.map((t) => [t.name, fmt.ratio(t.measured), targetText(t)]),
    ),
    '',
    `${results.targets.filter((t) => !t.met).length} of ${results.targets.length} targets missed; ` +
      `took ${results.durationSeconds} s.`,
  );
  return out.join('\n');
}
