// `npm run bench:tracing`: what X-Ray instrumentation would cost the worker's cold start. Bundles the worker as
// deployed (active tracing needs no code: the Lambda runtime records the invocation's segment), the worker
// plus Powertools Tracer (which pulls aws-xray-sdk-core), and the worker plus aws-xray-sdk-core alone
// capturing outgoing HTTPS, each against the Powertools baseline, by the cold-start section's method
// (bench/cold-start.ts). The figures and the choice are in docs/performance.md and docs/decisions.md.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BASELINE_ENTRY, COLD_START_GUARD, measureBundles, WORKER_ENTRY } from './cold-start.ts';
import { PROJECT_ROOT } from './lib/paths.ts';
import { fmt, formatTable } from './lib/table.ts';

// Each variant re-exports the worker's handler and keeps its instrumentation reachable, so esbuild cannot
// drop it; at import, each does what it would do in the Lambda (the Tracer patches https when tracing is on).
const VARIANTS: ReadonlyArray<{ readonly name: string; readonly source: string }> = [
  {
    name: 'worker + @aws-lambda-powertools/tracer',
    source: `import { Tracer } from '@aws-lambda-powertools/tracer';
export { handler } from '#functions/payout-worker/handler.ts';
export const tracer = new Tracer({ serviceName: 'payout-worker', captureHTTPsRequests: true });
`,
  },
  {
    name: 'worker + aws-xray-sdk-core',
    source: `import https from 'node:https';
import AWSXRay from 'aws-xray-sdk-core';
export { handler } from '#functions/payout-worker/handler.ts';
AWSXRay.captureHTTPsGlobal(https);
export const xray = AWSXRay;
`,
  },
];

const USAGE = `usage: npm run bench:tracing -- [--runs N]

  --runs N   imports timed per bundle, interleaved; default 15`;

async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { runs: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const runs = Number(values.runs ?? '15');
  if (!Number.isInteger(runs) || runs < 1) {
    console.error(`--runs: must be a whole number ≥ 1, got ${values.runs}\n${USAGE}`);
    return 2;
  }
  // Inside the project so that the entries resolve its packages and imports.
  const dir = path.join(PROJECT_ROOT, 'bench', 'tmp', `tracing-variants-${process.pid}`);
  await mkdir(dir, { recursive: true });
  try {
    const files = await Promise.all(
      VARIANTS.map(async (variant, i) => {
        const file = path.join(dir, `variant-${i}.ts`);
        await writeFile(file, variant.source);
        return { entry: variant.name, file: path.relative(PROJECT_ROOT, file) };
      }),
    );
    console.error(`bundling and importing ${files.length + 2} bundles, ${runs} runs each…`);
    const measured = await measureBundles(
      [
        { entry: BASELINE_ENTRY },
        { entry: `${WORKER_ENTRY} (active tracing, no SDK)`, file: WORKER_ENTRY },
        ...files,
      ],
      { runs, topPackages: 0 },
    );
    const [baseline, ...workers] = measured.bundles;
    if (baseline === undefined) throw new Error('bundling failed');
    const verdict = (ratio: number, max: number) => `${fmt.ratio(ratio)} ${ratio <= max ? 'met' : 'MISSED'}`;
    console.log(
      `TRACING — worker variants ÷ Powertools baseline (${baseline.entry}); import = node importing the bundle − ` +
        `node -e 0 (${measured.medianEmptyNodeMs.toFixed(1)} ms), median of ${runs}, interleaved; ` +
        `guard: size ≤ ${COLD_START_GUARD.bytes}×, import ≤ ${COLD_START_GUARD.import}×`,
    );
    console.log(
      formatTable(
        ['bundle', 'minified', 'import', 'size ÷ baseline', 'import ÷ baseline'],
        [
          [baseline.entry, fmt.kib(baseline.bytes), fmt.ms(baseline.importMs), '', ''],
          ...workers.map((w) => [
            w.entry,
            fmt.kib(w.bytes),
            fmt.ms(w.importMs),
            verdict(w.bytes / baseline.bytes, COLD_START_GUARD.bytes),
            verdict(w.importMs / baseline.importMs, COLD_START_GUARD.import),
          ]),
        ],
      ),
    );
    return 0;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
