// `npm run build` bundles what the stacks deploy: its list of entries is the one infra names.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEPLOYED_LAMBDAS } from '../../scripts/build.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Every `entry: 'functions/…'` a construct under infra/ passes to BundledFunction. */
async function entriesInInfra(): Promise<string[]> {
  const files = (await readdir(path.join(ROOT, 'infra'), { recursive: true })).filter((f) =>
    f.endsWith('.ts'),
  );
  const entries: string[] = [];
  for (const file of files) {
    const text = await readFile(path.join(ROOT, 'infra', file), 'utf8');
    for (const match of text.matchAll(/\bentry:\s*'(functions\/[^']+\.ts)'/g)) entries.push(match[1] ?? '');
  }
  return entries.sort();
}

describe('npm run build', () => {
  it('bundles exactly the Lambda entries the infra deploys', async () => {
    // Act
    const deployed = await entriesInInfra();

    // Assert
    expect(deployed.length).toBeGreaterThanOrEqual(4);
    expect(Object.values(DEPLOYED_LAMBDAS).sort()).toEqual(deployed);
  });
});
