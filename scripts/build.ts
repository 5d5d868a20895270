// `npm run build`: bundles each Lambda in functions/ with the deployed esbuild settings into dist/<name>/
// and prints the minified and gzip sizes. The CDK app bundles the same way at deploy time.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
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

/** Bundles one Lambda entry file into `outdir/index.mjs`. */
export async function bundleLambda(
  entry: string,
  outdir: string,
  name = path.basename(path.dirname(entry)),
): Promise<BundleReport> {
  const outfile = path.join(outdir, 'index.mjs');
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    metafile: true,
    logLevel: 'warning',
    legalComments: 'none',
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

async function main(): Promise<void> {
  const functions = readdirSync('functions').filter((d) =>
    statSync(path.join('functions', d, 'handler.ts'), { throwIfNoEntry: false }),
  );
  for (const name of functions) {
    const report = await bundleLambda(
      path.join('functions', name, 'handler.ts'),
      path.join('dist', name),
      name,
    );
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    console.log(`${name}: ${report.file} ${kb(report.bytes)} minified, ${kb(report.gzipBytes)} gzip`);
    for (const [pkg, bytes] of bytesByPackage(report.metafile).slice(0, 8))
      console.log(`  ${kb(bytes).padStart(10)}  ${pkg}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
