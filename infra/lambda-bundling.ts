/**
 * The one set of esbuild settings for every Lambda bundle: the CDK `NodejsFunction`s use it, and so do
 * `npm run build` and the benchmarks, so the bundle measured is the bundle deployed.
 */
export const LAMBDA_BUNDLE = {
  /** The Lambda runtime is nodejs24.x. */
  target: 'node24',
  format: 'esm',
  minify: true,
  sourcemap: true,
  mainFields: ['module', 'main'],
  /** hawk is CommonJS; ESM output needs a `require` for it. */
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
} as const;
