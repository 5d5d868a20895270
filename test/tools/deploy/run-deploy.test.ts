import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { adoptingEnvironment, cdkContext, rawEnvironment } from '#test/infra/cdk-json.ts';
import type { CdkInvocation } from '#tools/deploy/plan.ts';
import { type CdkRunner, deployCommand, diffCommand } from '#tools/deploy/run-deploy.ts';
import type { Command } from '#tools/lib/cli.ts';
import { type CapturedIo, captureIo } from '../support/capture-io.ts';

const STAGING = 'CoindirectPayouts-staging-Worker';
const STAGING_EGRESS = 'CoindirectPayouts-staging-EgressIps';

/** The staging block of cdk.json with every sample value replaced by a real-looking one. */
function filledStaging(block = rawEnvironment('staging')): Record<string, unknown> {
  const coindirect = block.coindirect as Record<string, unknown>;
  block.coindirect = { ...coindirect, merchantId: 'MID-ACME-0001', allowedMerchantIds: ['MID-ACME-0001'] };
  block.alarms = { ...(block.alarms as Record<string, unknown>), email: 'payouts-oncall@acme-payments.io' };
  return block;
}

/** A project directory holding cdk.json with these environments (and the real feature flags). */
function projectWith(environments: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'payout-deploy-'));
  const context = { ...cdkContext, environments };
  writeFileSync(join(dir, 'cdk.json'), JSON.stringify({ app: 'true', context }));
  return dir;
}

const WORKER_OUTPUTS = {
  EgressIp1: '203.0.113.10',
  HawkSecretArn: 'arn:aws:secretsmanager:eu-west-1:1:secret:x',
};

/** A cdk stand-in: records each run, prints a line on stdout, writes the outputs file a deploy asks for. */
function fakeCdk(
  exitCode = 0,
  outputs: unknown = {
    [STAGING_EGRESS]: { EgressIp1AllocationId: 'eipalloc-0a1b2c3d4e5f60718' },
    [STAGING]: WORKER_OUTPUTS,
  },
) {
  const runs: Array<{ invocation: CdkInvocation; cwd: string }> = [];
  const runCdk: CdkRunner = async (invocation, { cwd, stdout }) => {
    runs.push({ invocation, cwd });
    stdout.write('cdk: done\n');
    const index = invocation.args.indexOf('--outputs-file');
    if (exitCode === 0 && index >= 0) {
      mkdirSync(join(cwd, 'cdk.out'), { recursive: true });
      writeFileSync(join(cwd, invocation.args[index + 1] as string), JSON.stringify(outputs));
    }
    return exitCode;
  };
  return { runs, runCdk };
}

function terminalIo(env: Record<string, string> = {}): CapturedIo {
  const io = captureIo({ env });
  return { ...io, stdin: Object.assign(Readable.from([]), { isTTY: true }) };
}

async function run(command: Command, argv: readonly string[], io: CapturedIo = captureIo()) {
  const code = await command.run(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe.each([
  ['deploy', deployCommand],
  ['diff', diffCommand],
] as const)('npm run %s', (name, make) => {
  // A deploy without a terminal needs --yes; these cases are about what comes before that check or after it.
  const yes = name === 'deploy' ? ['--yes'] : [];

  it('describes both commands with --help, listing --profile and --region', async () => {
    // Act
    const result = await run(make(), ['--help']);

    // Assert
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^usage: npm run deploy -- --env NAME/);
    expect(result.out).toContain('npm run diff -- --env NAME');
    for (const flag of ['--profile NAME', '--region REGION', '--yes', '--output json']) {
      expect(result.out).toContain(flag);
    }
    expect(result.out).toContain('exit codes:');
  });

  it('refuses an unknown flag and a missing --env with exit 2 and the usage', async () => {
    // Act
    const unknown = await run(make(), ['--env', 'staging', '--frobnicate']);
    const missing = await run(make(), yes);

    // Assert
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/^error: .*--frobnicate/);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^error: --env: is required/);
    expect(missing.err).toContain('usage: npm run deploy');
  });

  it('refuses an environment cdk.json does not have with exit 2, listing those it has', async () => {
    // Arrange
    const cdk = fakeCdk();
    const projectDir = projectWith({ staging: filledStaging() });

    // Act
    const result = await run(make({ projectDir, runCdk: cdk.runCdk }), ['--env', 'stagin', ...yes]);

    // Assert
    expect(result.code).toBe(2);
    expect(result.err).toContain('--env stagin: cdk.json has no such environment; it has: staging');
    expect(cdk.runs).toEqual([]);
  });

  it('stops on an invalid config with the synth message, before cdk runs', async () => {
    // Arrange
    const cdk = fakeCdk();
    const block = filledStaging();
    block.egress = { natGateways: 4 };
    const projectDir = projectWith({ staging: block });

    // Act
    const result = await run(make({ projectDir, runCdk: cdk.runCdk }), ['--env', 'staging', ...yes]);

    // Assert
    expect(result.code).toBe(1);
    expect(result.err).toContain('Invalid config for environment "staging"');
    expect(result.err).toContain('egress.natGateways');
    expect(cdk.runs).toEqual([]);
  });
});

describe('npm run deploy', () => {
  let projectDir: string;
  beforeEach(() => {
    projectDir = projectWith({ staging: filledStaging() });
  });

  it('refuses every placeholder left in cdk.json, with its path, and runs nothing', async () => {
    // Arrange
    const cdk = fakeCdk();
    const sample = projectWith({ staging: rawEnvironment('staging') });

    // Act
    const result = await run(deployCommand({ projectDir: sample, runCdk: cdk.runCdk }), [
      '--env',
      'staging',
      '--yes',
    ]);

    // Assert
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      'cdk.json still holds 3 sample value(s) for environment "staging"; nothing was deployed',
    );
    for (const path of ['coindirect.merchantId', 'coindirect.allowedMerchantIds[0]', 'alarms.email']) {
      expect(result.err).toContain(`context.environments.staging.${path}: `);
    }
    expect(cdk.runs).toEqual([]);
  });

  it('needs --yes when stdin is not a terminal (exit 2), since cdk could not ask', async () => {
    // Arrange
    const cdk = fakeCdk();

    // Act
    const result = await run(deployCommand({ projectDir, runCdk: cdk.runCdk }), ['--env', 'staging']);

    // Assert
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/^error: stdin is not a terminal.*pass --yes/);
    expect(cdk.runs).toEqual([]);
  });

  it('lets cdk ask for approval at a terminal without --yes', async () => {
    // Arrange
    const cdk = fakeCdk();

    // Act
    const result = await run(
      deployCommand({ projectDir, runCdk: cdk.runCdk }),
      ['--env', 'staging'],
      terminalIo(),
    );

    // Assert
    expect(result.code).toBe(0);
    expect(cdk.runs[0]?.invocation.args).not.toContain('--require-approval');
  });

  it('deploys both stacks with the profile and region given, then prints the IPs to whitelist and the next step', async () => {
    // Arrange
    const cdk = fakeCdk();
    const io = captureIo({ env: { AWS_PROFILE: 'from-env', AWS_REGION: 'us-east-1' } });

    // Act
    const result = await run(
      deployCommand({ projectDir, runCdk: cdk.runCdk }),
      ['--env', 'staging', '--profile', 'payouts', '--region', 'eu-west-1', '--yes'],
      io,
    );

    // Assert
    expect(result.code).toBe(0);
    expect(cdk.runs).toHaveLength(1);
    expect(cdk.runs[0]?.cwd).toBe(projectDir);
    expect(cdk.runs[0]?.invocation).toEqual({
      command: 'node_modules/.bin/cdk',
      args: [
        'deploy',
        STAGING_EGRESS,
        STAGING,
        '-c',
        'env=staging',
        '--profile',
        'payouts',
        '--require-approval',
        'never',
        '--outputs-file',
        'cdk.out/outputs-staging.json',
      ],
      env: { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1' },
    });
    expect(result.err).toContain(
      `running: AWS_REGION=eu-west-1 AWS_DEFAULT_REGION=eu-west-1 node_modules/.bin/cdk deploy ${STAGING_EGRESS} ${STAGING}`,
    );
    expect(result.out).toContain('cdk: done');
    expect(result.out).toContain(
      'Whitelist exactly these egress IPs on the Coindirect API key, with "Allow withdrawals" on',
    );
    expect(result.out).toMatch(/ {2}203\.0\.113\.10 +\(EgressIp1, eipalloc-0a1b2c3d4e5f60718\)/);
    expect(result.out).toContain(
      'npm run rotate-secret -- --env staging --profile payouts --region eu-west-1',
    );
    expect(result.out).toContain('payouts-oncall@acme-payments.io');
  });

  it('deploys only the worker stack when cdk.json adopts existing Elastic IPs', async () => {
    // Arrange
    const cdk = fakeCdk(0, { [STAGING]: WORKER_OUTPUTS });
    const adopting = projectWith({ staging: filledStaging(adoptingEnvironment('staging')) });

    // Act
    const result = await run(deployCommand({ projectDir: adopting, runCdk: cdk.runCdk }), [
      '--env',
      'staging',
      '--yes',
    ]);

    // Assert
    expect(result.code).toBe(0);
    expect(cdk.runs[0]?.invocation.args.slice(0, 2)).toEqual(['deploy', STAGING]);
    expect(result.out).toMatch(/ {2}203\.0\.113\.10 +\(EgressIp1\)/);
    expect(result.out).toContain('npm run rotate-secret -- --env staging\n');
  });

  it('prints one JSON document on stdout with --output json, and cdk output on stderr', async () => {
    // Arrange
    const cdk = fakeCdk();

    // Act
    const result = await run(deployCommand({ projectDir, runCdk: cdk.runCdk }), [
      '--env',
      'staging',
      '--yes',
      '--output',
      'json',
    ]);

    // Assert
    expect(result.code).toBe(0);
    expect(result.err).toContain('cdk: done');
    expect(JSON.parse(result.out)).toEqual({
      action: 'deploy',
      environment: 'staging',
      stacks: [STAGING_EGRESS, STAGING],
      egressIps: [
        { output: 'EgressIp1', publicIp: '203.0.113.10', allocationId: 'eipalloc-0a1b2c3d4e5f60718' },
      ],
      hawkSecretArn: WORKER_OUTPUTS.HawkSecretArn,
      webhookUrl: null,
      nextStep: 'npm run rotate-secret -- --env staging',
    });
  });

  it('fails with exit 1 when cdk fails, and reads no outputs left from an earlier deploy', async () => {
    // Arrange
    const cdk = fakeCdk(1);
    mkdirSync(join(projectDir, 'cdk.out'));
    writeFileSync(
      join(projectDir, 'cdk.out/outputs-staging.json'),
      JSON.stringify({ [STAGING]: WORKER_OUTPUTS }),
    );

    // Act
    const result = await run(deployCommand({ projectDir, runCdk: cdk.runCdk }), [
      '--env',
      'staging',
      '--yes',
      '--json',
    ]);

    // Assert
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      'error: cdk deploy exited with 1: its messages above say why (a stack that failed rolled back',
    );
    expect(result.out).toBe('');
    expect(() => readFileSync(join(projectDir, 'cdk.out/outputs-staging.json'))).toThrow(/ENOENT/);
  });

  it('refuses a --region that contradicts the region cdk.json pins, with exit 2', async () => {
    // Arrange
    const cdk = fakeCdk();

    // Act
    const result = await run(deployCommand({ projectDir, runCdk: cdk.runCdk }), [
      '--env',
      'staging',
      '--region',
      'us-east-1',
      '--yes',
    ]);

    // Assert
    expect(result.code).toBe(2);
    expect(result.err).toContain('--region us-east-1 contradicts cdk.json');
    expect(cdk.runs).toEqual([]);
  });

  it('runs the project cdk as a child process in the project directory, with the region in its environment', async () => {
    // Arrange: a stand-in for node_modules/.bin/cdk that records its arguments and writes the outputs file.
    const bin = join(projectDir, 'node_modules/.bin');
    mkdirSync(bin, { recursive: true });
    const outputs = JSON.stringify({ [STAGING]: WORKER_OUTPUTS });
    writeFileSync(
      join(bin, 'cdk'),
      `#!/bin/sh\nprintf '%s\\n' "$PWD" "$AWS_REGION" "$@" > args.txt\nmkdir -p cdk.out\nprintf '%s' '${outputs}' > cdk.out/outputs-staging.json\necho 'cdk stdout'\n`,
    );
    chmodSync(join(bin, 'cdk'), 0o755);

    // Act
    const result = await run(deployCommand({ projectDir }), [
      '--env',
      'staging',
      '--region',
      'eu-west-1',
      '--yes',
    ]);

    // Assert
    expect(result.code).toBe(0);
    expect(result.out).toContain('cdk stdout\n');
    expect(result.out).toContain('203.0.113.10');
    const [cwd, region, ...args] = readFileSync(join(projectDir, 'args.txt'), 'utf8').trim().split('\n');
    expect(cwd).toBe(projectDir);
    expect(region).toBe('eu-west-1');
    expect(args.slice(0, 5)).toEqual(['deploy', STAGING_EGRESS, STAGING, '-c', 'env=staging']);
  });
});

describe('npm run diff', () => {
  it('warns about placeholders but still shows the diff, without approval or outputs flags', async () => {
    // Arrange
    const cdk = fakeCdk();
    const sample = projectWith({ staging: rawEnvironment('staging') });

    // Act
    const result = await run(diffCommand({ projectDir: sample, runCdk: cdk.runCdk }), [
      '--env',
      'staging',
      '--profile',
      'payouts',
    ]);

    // Assert
    expect(result.code).toBe(0);
    expect(result.err).toContain('warning: cdk.json still holds 3 sample value(s); a deploy refuses them');
    expect(cdk.runs[0]?.invocation.args).toEqual([
      'diff',
      STAGING_EGRESS,
      STAGING,
      '-c',
      'env=staging',
      '--profile',
      'payouts',
    ]);
    expect(result.out).toBe('cdk: done\n');
  });

  it('with --json, prints the stacks and placeholders as JSON on stdout and cdk output on stderr', async () => {
    // Arrange
    const cdk = fakeCdk();
    const sample = projectWith({ staging: rawEnvironment('staging') });

    // Act
    const result = await run(diffCommand({ projectDir: sample, runCdk: cdk.runCdk }), [
      '--env',
      'staging',
      '--json',
    ]);

    // Assert
    expect(result.code).toBe(0);
    expect(result.err).toContain('cdk: done');
    const report = JSON.parse(result.out) as { stacks: string[]; placeholders: Array<{ path: string }> };
    expect(report.stacks).toEqual([STAGING_EGRESS, STAGING]);
    expect(report.placeholders.map((placeholder) => placeholder.path)).toEqual([
      'context.environments.staging.coindirect.merchantId',
      'context.environments.staging.coindirect.allowedMerchantIds[0]',
      'context.environments.staging.alarms.email',
    ]);
  });

  it('does not take --yes, which only a deploy needs', async () => {
    // Act
    const result = await run(diffCommand({ runCdk: fakeCdk().runCdk }), ['--env', 'staging', '--yes']);

    // Assert
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/^error: .*--yes/);
  });
});
