import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { selectEnvironment } from '#infra/config.ts';
import { egressIpOutput, stackNames, WORKER_STACK_OUTPUTS } from '#shared/deployment/stacks.ts';
import { STACK_OUTPUT, workerStackName } from '#tools/lib/stack.ts';
import { cdkContext, synthPayoutApp } from '../payout-app-fixture.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

describe('stack names and output keys (shared/deployment/stacks.ts)', () => {
  it('names the synthesized stacks as the tools look them up', () => {
    const { workerStack, egressIpStack } = synthPayoutApp('staging');

    expect(workerStack.stackName).toBe(workerStackName('staging'));
    expect(workerStack.stackName).toBe('CoindirectPayouts-staging-Worker');
    expect(egressIpStack?.stackName).toBe(stackNames('staging').egressIps);
  });

  it('has every output the tools read in the synthesized staging worker stack', () => {
    const { worker } = synthPayoutApp('staging');

    const outputs = Object.keys(worker.findOutputs('*'));

    for (const key of Object.values(STACK_OUTPUT)) expect(outputs).toContain(key);
  });

  it('outputs exactly the keys the module lists, and one egress IP per NAT gateway', () => {
    const { config } = selectEnvironment({ env: 'staging', environments: cdkContext.environments });
    const { worker } = synthPayoutApp('staging');

    const outputs = Object.keys(worker.findOutputs('*'));

    expect(outputs.sort()).toEqual(
      [
        ...Object.values(WORKER_STACK_OUTPUTS),
        ...Array.from({ length: config.egress.natGateways }, (_, index) => egressIpOutput(index)),
      ].sort(),
    );
  });

  it('keeps aws-cdk-lib and constructs out of the operator tools', { timeout: 60_000 }, async () => {
    const result = await build({
      absWorkingDir: repoRoot,
      entryPoints: [
        'tools/lib/stack.ts',
        'tools/enqueue/main.ts',
        'tools/redrive/main.ts',
        'tools/rotate-secret/main.ts',
        'tools/payout-status/main.ts',
        'tools/deploy/main.ts',
        'tools/deploy/diff-main.ts',
      ],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      outdir: 'out',
      logLevel: 'silent',
    });

    const imported = Object.values(result.metafile.inputs).flatMap((input) =>
      input.imports.map((entry) => entry.path),
    );
    expect(imported.length).toBeGreaterThan(0);
    expect(imported.filter((path) => /^(aws-cdk-lib|constructs|cdk-nag)(\/|$)/.test(path))).toEqual([]);
    expect(Object.keys(result.metafile.inputs)).toContain('shared/deployment/stacks.ts');
  });
});
