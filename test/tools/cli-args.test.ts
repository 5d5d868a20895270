import { describe, expect, it } from 'vitest';
import { coindirectTarget, startCommand } from '#local/start-command.ts';
import { deployCommand, diffCommand } from '#tools/deploy/run-deploy.ts';
import { enqueueCommand } from '#tools/enqueue/run-enqueue.ts';
import type { Command } from '#tools/lib/cli.ts';
import { UsageError } from '#tools/lib/errors.ts';
import { limitsCommand } from '#tools/limits/run-limits.ts';
import { pauseCommand } from '#tools/pause/run-pause.ts';
import { payoutStatusCommand } from '#tools/payout-status/run-payout-status.ts';
import { redriveCommand } from '#tools/redrive/run-redrive.ts';
import { resumeCommand } from '#tools/resume/run-resume.ts';
import { rotateSecretCommand } from '#tools/rotate-secret/run-rotate.ts';
import { captureIo } from './support/capture-io.ts';

// No AWS call is made by any case here: each stops at argument handling, before a client is built.
const NO_AWS = {
  aws: {
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:9',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
  },
};
const never = new AbortController().signal;

const commands: ReadonlyArray<readonly [string, Command]> = [
  ['start', startCommand(never)],
  ['enqueue', enqueueCommand(NO_AWS)],
  ['rotate-secret', rotateSecretCommand(NO_AWS)],
  ['redrive', redriveCommand(NO_AWS)],
  ['payout-status', payoutStatusCommand(NO_AWS)],
  ['pause', pauseCommand(NO_AWS)],
  ['resume', resumeCommand(NO_AWS)],
  ['limits', limitsCommand(NO_AWS)],
  ['deploy', deployCommand()],
  ['diff', diffCommand()],
];

async function run(command: Command, argv: readonly string[], env: Record<string, string> = {}) {
  const io = captureIo({ env });
  const code = await command.run(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe.each(commands)('npm %s', (_, command) => {
  it('prints its usage with --help and exits 0', async () => {
    // Act
    const result = await run(command, ['--help']);

    // Assert
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^usage: npm /);
    expect(result.out).toMatch(/exit codes:/);
  });

  it('refuses an unknown flag with exit 2, saying which, followed by the usage', async () => {
    // Act
    const result = await run(command, ['--frobnicate']);

    // Assert
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/^error: .*--frobnicate/);
    expect(result.err).toContain('usage: npm ');
  });
});

// deploy and diff run cdk, which takes only the profile and the region (no endpoint): checked below.
const cdkCommands = new Set(['deploy', 'diff']);

describe.each(commands.filter(([name]) => name !== 'start' && !cdkCommands.has(name)))(
  'npm run %s: the AWS CLI flags',
  (_, command) => {
    it('lists --profile, --region, --endpoint-url and --output in its help', async () => {
      // Act
      const result = await run(command, ['--help']);

      // Assert
      for (const flag of ['--profile NAME', '--region REGION', '--endpoint-url URL', '--output json|text']) {
        expect(result.out).toContain(flag);
      }
    });

    it.each([
      [['--output', 'yaml'], /--output must be json or text, got "yaml"/],
      [['--json', '--output', 'text'], /--json and --output text disagree/],
      [['--region', 'eu west 1'], /--region must be a region such as eu-west-1/],
      [['--endpoint-url', 'localhost:4566'], /--endpoint-url must be an http\(s\) URL/],
    ])('exits 2 for %j before any AWS call', async (argv, message) => {
      // Act
      const result = await run(command, argv);

      // Assert
      expect(result.code).toBe(2);
      expect(result.err).toMatch(message);
      expect(result.err).toContain('usage: npm ');
    });
  },
);

describe.each(commands.filter(([name]) => cdkCommands.has(name)))(
  'npm run %s: the AWS CLI flags cdk takes',
  (name, command) => {
    it('lists --profile, --region and --output in its help, and says there is no --endpoint-url', async () => {
      // Act
      const result = await run(command, ['--help']);

      // Assert
      for (const flag of ['--profile NAME', '--region REGION', '--output json|text', 'No --endpoint-url']) {
        expect(result.out).toContain(flag);
      }
      expect(result.out).not.toContain('--endpoint-url URL');
    });

    it.each([
      [['--output', 'yaml'], /--output must be json or text, got "yaml"/],
      [['--json', '--output', 'text'], /--json and --output text disagree/],
      [['--region', 'eu west 1'], /--region must be a region such as eu-west-1/],
      [['--profile', ' '], /--profile must not be empty/],
      [
        ['--env', 'staging', '--endpoint-url', 'http://localhost:4566'],
        /--endpoint-url is not taken by npm run/,
      ],
    ])('exits 2 for %j before cdk runs', async (argv, message) => {
      // Act
      const result = await run(command, argv);

      // Assert
      expect(result.code).toBe(2);
      expect(result.err).toMatch(message);
      expect(result.err).toContain(`npm run ${name} `);
      expect(result.err).toContain('usage: npm ');
    });
  },
);

describe('npm run enqueue arguments', () => {
  it.each([
    [[], /exactly one payout FILE/],
    [['a.csv', 'b.csv'], /exactly one payout FILE/],
    [['a.csv'], /--queue-url URL or --env NAME/],
    [['a.csv', '--queue-url', 'https://sqs.example/1/q', '--env', 'staging'], /not both/],
    [['a.csv', '--dry-run', '--concurrency', '0'], /--concurrency: /],
    [['a.csv', '--dry-run', '--format', 'xml'], /--format: /],
    [['a.csv', '--queue-url', 'not a url'], /--queue-url: must be a queue URL/],
    [
      ['a.csv', '--dry-run', '--max-amounts', '{"EUR":5000}'],
      /--max-amounts: amounts must be decimal strings/,
    ],
    [['a.csv', '--env', 'no spaces please'], /--env must be an environment name/],
  ])('exits 2 for %j', async (argv, message) => {
    // Act
    const result = await run(enqueueCommand(NO_AWS), argv);

    // Assert
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
  });

  it('exits 1 with what to do when the file does not exist', async () => {
    // Act
    const result = await run(enqueueCommand(NO_AWS), ['no-such-file.csv', '--dry-run']);

    // Assert
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      'error: cannot read no-such-file.csv: no such file. Give the path of a .csv, .json or .ndjson file.\n',
    );
  });

  it('reports every invalid sample with its line in a dry run and exits 1', async () => {
    // Act
    const result = await run(enqueueCommand(NO_AWS), [
      'examples/payouts.csv',
      '--dry-run',
      '--json',
      '--max-amounts',
      '{"EUR":"1000","USD":"1000","GBP":"1000"}',
    ]);

    // Assert
    expect(result.code).toBe(1);
    const report = JSON.parse(result.out) as { valid: number; invalid: { line: number; field: string }[] };
    expect(report.valid).toBe(12);
    expect(report.invalid.map((i) => [i.line, i.field])).toEqual([
      [14, 'destination.address'],
      [15, 'amount'],
      [16, 'destination.protocol'],
      [17, 'destination.tag'],
      [18, 'destination.currency'],
      [19, 'reference'],
      [20, 'reference'],
    ]);
  });
});

describe('npm run rotate-secret arguments', () => {
  it('never takes a key from the command line', async () => {
    // Act
    const asFlag = await run(rotateSecretCommand(NO_AWS), ['--secret-id', 's', '--hawk-key', 'k']);
    const asArgument = await run(rotateSecretCommand(NO_AWS), ['--secret-id', 's', 'the-key']);

    // Assert
    expect(asFlag.code).toBe(2);
    expect(asFlag.err).toMatch(/--hawk-key/);
    expect(asArgument.code).toBe(2);
    expect(asArgument.err).toMatch(/never taken from the command line/);
  });

  it.each([
    [[], /--env NAME or --secret-id ID/],
    [['--secret-id', 'payouts/hawk'], /pass --function-name NAME/],
  ])('exits 2 for %j', async (argv, message) => {
    // Act
    const result = await run(rotateSecretCommand(NO_AWS), argv);

    // Assert
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
  });
});

describe('npm run redrive and payout-status arguments', () => {
  it.each([
    [redriveCommand(NO_AWS), [], /--dlq-url URL and --queue-url URL/],
    [redriveCommand(NO_AWS), ['--dlq-url', 'https://sqs.example/1/dlq'], /--dlq-url URL and --queue-url URL/],
    [redriveCommand(NO_AWS), ['--reason'], /--reason/],
    [payoutStatusCommand(NO_AWS), [], /exactly one payout REFERENCE/],
    [payoutStatusCommand(NO_AWS), ['order-000001'], /--env NAME or --table NAME/],
    [
      payoutStatusCommand(NO_AWS),
      ['order-000001', '--table', 'ledger', '--coindirect-url', 'ftp://x'],
      /--coindirect-url/,
    ],
  ] as const)('exits 2 for %#', async (command, argv, message) => {
    // Act
    const result = await run(command, argv);

    // Assert
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
  });
});

describe('npm start arguments', () => {
  const flags = (extra: Record<string, string> = {}) => ({
    payouts: 'x.csv',
    json: false,
    'keep-running': false,
    timeout: 300,
    verbose: false,
    ...extra,
  });

  it('uses the simulator unless --coindirect-url is given', () => {
    // Act
    const target = coindirectTarget(flags(), { env: { HAWK_AUTH_ID: 'ignored' } });

    // Assert
    expect(target).toEqual({ kind: 'simulator' });
  });

  it('takes the HAWK key from the environment when the flags are absent', () => {
    // Act
    const target = coindirectTarget(
      flags({ 'coindirect-url': 'https://api.sandbox.coindirect.com/', 'merchant-id': 'merchant-01' }),
      { env: { HAWK_AUTH_ID: 'id-1', HAWK_AUTH_KEY: 'key-1' } },
    );

    // Assert
    expect(target).toEqual({
      kind: 'remote',
      url: 'https://api.sandbox.coindirect.com',
      hawkAuthId: 'id-1',
      hawkAuthKey: 'key-1',
      merchantId: 'merchant-01',
    });
  });

  it.each([
    [
      { 'coindirect-url': 'https://api.sandbox.coindirect.com' },
      /also needs --hawk-id \(or HAWK_AUTH_ID\), --hawk-key \(or HAWK_AUTH_KEY\), --merchant-id/,
    ],
    [{ 'hawk-id': 'id-1' }, /only go with --coindirect-url/],
    [
      {
        'coindirect-url': 'https://api.coindirect.com',
        'hawk-id': 'a',
        'hawk-key': 'b',
        'merchant-id': 'merchant-01',
      },
      /does not send to production/,
    ],
  ])('refuses %j', (extra, message) => {
    // Act
    const decide = () => coindirectTarget(flags(extra), { env: {} });

    // Assert
    expect(decide).toThrow(UsageError);
    expect(decide).toThrow(message);
  });

  it.each([
    [['samples.csv'], /use --payouts FILE/],
    [['--timeout', '1'], /--timeout: /],
    [['--address-network', 'regtest'], /--address-network: /],
    [['--settle-after-ms', 'soon'], /--settle-after-ms: /],
    [['--cancel-digit', '12'], /--cancel-digit: /],
    [
      [
        '--coindirect-url',
        'https://api.sandbox.coindirect.com',
        '--hawk-id',
        'a',
        '--hawk-key',
        'b',
        '--merchant-id',
        'merchant-01',
        '--settle-after-ms',
        '100',
      ],
      /drive the simulator, not --coindirect-url/,
    ],
  ])('exits 2 for %j before starting anything', async (argv, message) => {
    // Act
    const result = await run(startCommand(never), argv);

    // Assert
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
  });
});
