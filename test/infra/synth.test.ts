import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cdkContext, synthPayoutApp } from './payout-app-fixture.ts';

const repoRoot = new URL('../../', import.meta.url);

/** One bundle per Lambda: the worker, the webhook receiver, the status function and the sweep. */
const ENTRIES = [
  'functions/payout-worker/handler.ts',
  'functions/payout-webhook/handler.ts',
  'functions/payout-status/handler.ts',
  'functions/payout-status/sweep.ts',
] as const;

describe('synth', () => {
  it('bundles each function with the local esbuild into minified ESM with a require shim and a source map', {
    timeout: 120_000,
  }, () => {
    const { app } = synthPayoutApp('staging', { bundling: true, cloudFormationValidation: true });

    const assembly = app.synth();
    const bundles = readdirSync(assembly.directory)
      .filter((entry) => entry.startsWith('asset.'))
      .map((entry) => join(assembly.directory, entry))
      .filter((dir) => readdirSync(dir).includes('index.mjs'));

    const entries = bundles.map((dir) => {
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      expect(readdirSync(dir).sort()).toEqual(['index.mjs', 'index.mjs.map']);
      expect(
        code.startsWith(
          "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        ),
      ).toBe(true);
      expect(code).toMatch(/export\s*\{[^}]*\bas handler\b[^}]*\}/);
      // Minified: a few very long lines (the only newlines left are inside template literals).
      expect(code.length / code.split('\n').length).toBeGreaterThan(1000);
      const sourceMap = JSON.parse(readFileSync(join(dir, 'index.mjs.map'), 'utf8')) as { sources: string[] };
      return ENTRIES.find((entry) => sourceMap.sources.some((source) => source.endsWith(entry)));
    });
    expect(entries.sort()).toEqual([...ENTRIES].sort());
    expect(assembly.stacks.map((stack) => stack.stackName).sort()).toEqual([
      'CoindirectPayouts-staging-EgressIps',
      'CoindirectPayouts-staging-Worker',
    ]);
  });

  it('explains how to choose an environment when the app runs without -c env', { timeout: 60_000 }, () => {
    const { env: _env, ...context } = cdkContext;

    const run = spawnSync(process.execPath, ['--import', 'tsx', 'infra/app.ts'], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: {
        ...process.env,
        CDK_CONTEXT_JSON: JSON.stringify(context),
        CDK_OUTDIR: mkdtempSync(join(tmpdir(), 'payout-cdk-')),
      },
    });

    expect(run.status).toBe(1);
    expect(run.stderr).toContain('No environment chosen. Choose one with -c env=<name>');
    expect(run.stderr).toContain('staging, production');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
