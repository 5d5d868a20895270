// `npm run build`: bundles every Lambda the stacks deploy, each from the entry its construct names, with the
// deploy's esbuild settings (infra/lambda-bundling.ts, as NodejsFunction runs them) into dist/<name>/, and
// prints the minified and gzip sizes. The deploy bundles the same way by itself: this shows what it ships.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { LAMBDA_BUNDLE } from '#infra/lambda-bundling.ts';

export interface BundleReport {
  readonly name: string;
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly metafile: Metafile;
}

/**
 * Every Lambda entry of the stacks (the `entry` of each BundledFunction in infra/constructs), by the name of
 * its folder under dist/. test/scripts/build.test.ts checks the list against infra.
 */
export const DEPLOYED_LAMBDAS = {
  'payout-worker': 'functions/payout-worker/handler.ts',
  'payout-webhook': 'functions/payout-webhook/handler.ts',
  'payout-status': 'functions/payout-status/handler.ts',
  'payout-sweep': 'functions/payout-status/sweep.ts',
} as const;

export interface BundleOptions {
  /**
   * esbuild's `legalComments`. Default `none`, as the benchmarks have always measured; the deploy's esbuild
   * (NodejsFunction sets none) keeps esbuild's default, `eof`, which `npm run build` uses.
   */
  readonly legalComments?: 'none' | 'eof';
}

/** Bundles one Lambda entry file into `outdir/index.mjs`. */
export async function bundleLambda(
  entry: string,
  outdir: string,
  name = path.basename(path.dirname(entry)),
  options: BundleOptions = {},
): Promise<BundleReport> {
  const outfile = path.join(outdir, 'index.mjs');
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    metafile: true,
    logLevel: 'warning',
    legalComments: options.legalComments ?? 'none',
    target: LAMBDA_BUNDLE.target,
    format: LAMBDA_BUNDLE.format,
    minify: LAMBDA_BUNDLE.minify,
    sourcemap: LAMBDA_BUNDLE.sourcemap,
    mainFields: [...LAMBDA_BUNDLE.mainFields],
    banner: { js: LAMBDA_BUNDLE.banner },
  });
  const code = readFileSync(outfile);
  return {
    name,
    file: outfile,
    bytes: code.length,
    gzipBytes: gzipSync(code).length,
    metafile: result.metafile,
  };
}

/** Bytes of minified output per npm package (or `(project)` for our own code), largest first. */
export function bytesByPackage(metafile: Metafile): Array<[string, number]> {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const key = match?.[1] ?? '(project)';
      totals.set(key, (totals.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...totals.entries()].sort((a, b) => b[1] - a[1]);
}

const USAGE = `usage: npm run build [-- --only NAME[,NAME...]]

Bundles every Lambda the stacks deploy, from the entry its construct names and with the deploy's esbuild
settings (infra/lambda-bundling.ts), into dist/<name>/index.mjs (+ .map), and prints the minified and gzip
sizes with the largest packages. \`npm run deploy\` (cdk) bundles the same way by itself; nothing here
is uploaded.

  --only LIST   bundle only these (comma-separated): ${Object.keys(DEPLOYED_LAMBDAS).join(', ')}
  -h, --help    show this help`;

async function main(argv: readonly string[]): Promise<number> {
  let values: { only?: string | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { only: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (error) {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const names = Object.keys(DEPLOYED_LAMBDAS) as Array<keyof typeof DEPLOYED_LAMBDAS>;
  const only = values.only?.split(',').map((n) => n.trim()) ?? names;
  const unknown = only.filter((n) => !(names as string[]).includes(n));
  if (unknown.length > 0) {
    console.error(
      `error: --only: no Lambda named ${unknown.join(', ')} (known: ${names.join(', ')})\n\n${USAGE}`,
    );
    return 2;
  }
  for (const name of names.filter((n) => only.includes(n))) {
    const report = await bundleLambda(DEPLOYED_LAMBDAS[name], path.join('dist', name), name, {
      legalComments: 'eof',
    });
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    console.log(`${name}: ${report.file} ${kb(report.bytes)} minified, ${kb(report.gzipBytes)} gzip`);
    for (const [pkg, bytes] of bytesByPackage(report.metafile).slice(0, 8))
      console.log(`  ${kb(bytes).padStart(10)}  ${pkg}`);
  }
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
