// `npm run bench`: measures batch latency, per-payout overhead, cold start, enqueue and a rate-limited
// burst (pacing off vs on) side by side,
// prints a table and writes bench/results.json. Progress goes to stderr, the table to stdout.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { quietSdkNodeWarning } from '#tools/lib/sdk-node-warning.ts';
import { PROJECT_ROOT } from './lib/paths.ts';
import { renderReport } from './report.ts';
import { defaultBenchOptions, runBench, SECTIONS, type Section } from './run-bench.ts';

const USAGE = `usage: npm run bench -- [--only ${SECTIONS.join(',')}] [--out FILE]

  --only LIST   run only these sections (comma-separated); default all
  --burst       the burst section alone (same as --only burst): 2,000 payouts at 50 requests/s,
                pacing off then on; takes a few minutes
  --out FILE    where to write the JSON results; default bench/results.json`;

async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      only: { type: 'string' },
      burst: { type: 'boolean' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const only = values.burst ? 'burst' : values.only;
  const sections = (only?.split(',').map((s) => s.trim()) ?? [...SECTIONS]) as Section[];
  const unknown = sections.filter((s) => !SECTIONS.includes(s));
  if (unknown.length > 0) {
    console.error(`unknown section(s): ${unknown.join(', ')}\n${USAGE}`);
    return 2;
  }
  const out = values.out ?? path.join(PROJECT_ROOT, 'bench', 'results.json');
  const results = await runBench({
    ...defaultBenchOptions(),
    sections,
    log: (line) => console.error(line),
  });
  await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(renderReport(results));
  console.log(`\nresults: ${path.relative(process.cwd(), out)}`);
  // A missed target is reported, not a failure: the figures are the product of this command.
  return 0;
}

quietSdkNodeWarning();
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
