// Every operator command against moto with --endpoint-url and --region and no environment variables: the
// command's io.env is empty, and so is the AWS part of this process's environment (the SDK reads
// process.env itself), with HOME an empty folder so no ~/.aws of the machine running the tests is read.
//
// Credentials: the AWS CLI takes none from flags, only from the environment, a profile or the machine's role.
// The commands therefore get them from `--profile` (one case below, its shared files named by
// AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE, the one place the SDK looks for them besides HOME), or
// otherwise from the client settings the test hands in as the command's `aws` dependency: static keys,
// standing in for the machine's own credentials and carrying no region and no endpoint.
//
// Resources live in eu-central-1, not moto's us-east-1 default: a command that ignored --region would not
// find them.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  GetQueueAttributesCommand,
  PurgeQueueCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionLocalResources } from '#local/provision.ts';
import { ControlFlag } from '#shared/ledger/control.ts';
import { Ledger } from '#shared/ledger/ledger.ts';
import { DEFAULT_CREDENTIAL } from '#simulator/defaults.ts';
import { btcPayout } from '#test/shared/coindirect/payout-fixtures.ts';
import { motoEndpoint } from '#test/support/integration.ts';
import { enqueueCommand } from '#tools/enqueue/run-enqueue.ts';
import type { Command } from '#tools/lib/cli.ts';
import { type AwsOptions, workerStackName } from '#tools/lib/stack.ts';
import { limitsCommand } from '#tools/limits/run-limits.ts';
import { pauseCommand } from '#tools/pause/run-pause.ts';
import { payoutStatusCommand } from '#tools/payout-status/run-payout-status.ts';
import { redriveCommand } from '#tools/redrive/run-redrive.ts';
import { resumeCommand } from '#tools/resume/run-resume.ts';
import { rotateSecretCommand } from '#tools/rotate-secret/run-rotate.ts';
import { captureIo } from './support/capture-io.ts';
import { createKillSwitchStack, type KillSwitchStack } from './support/kill-switch-stack.ts';

const endpoint = motoEndpoint();
const REGION = 'eu-central-1';
const KEYS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
/** What the machine's credential chain would give: keys only. */
const MACHINE: AwsOptions = { credentials: KEYS };

describe.skipIf(endpoint === null)(
  'operator commands with --endpoint-url and --region, no environment',
  () => {
    const fixtureAws = { region: REGION, endpoint: endpoint ?? '', credentials: KEYS };
    const sqs = new SQSClient(fixtureAws);
    const dynamodb = new DynamoDBClient(fixtureAws);
    const secretsManager = new SecretsManagerClient(fixtureAws);
    const savedEnv = { ...process.env };
    let home: string;
    let env: string;
    let resources: Awaited<ReturnType<typeof provisionLocalResources>>;
    /** A second stack on the same ledger, for pause, resume and limits: a real worker function with its
     * event source mapping and PAYOUT_DAILY_LIMITS, and an alarm topic. */
    let switchStack: KillSwitchStack;
    const flags = () => ['--env', env, '--region', REGION, '--endpoint-url', endpoint ?? ''];
    const switchFlags = () => [
      '--env',
      switchStack.env,
      '--region',
      REGION,
      '--endpoint-url',
      endpoint ?? '',
    ];

    const run = async (command: Command, argv: readonly string[], stdin?: string) => {
      const io = captureIo(stdin === undefined ? {} : { stdin });
      const code = await command.run(argv, io);
      expect(io.env).toEqual({});
      return { code, out: io.out(), err: io.err() };
    };
    const queued = async (url: string): Promise<number> => {
      const out = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
      );
      return Number(out.Attributes?.ApproximateNumberOfMessages ?? -1);
    };

    beforeAll(async () => {
      home = await mkdtemp(path.join(tmpdir(), 'cli-aws-flags-'));
      for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
      process.env.HOME = home;

      resources = await provisionLocalResources({
        sqs,
        dynamodb,
        secretsManager,
        prefix: `f${randomUUID().slice(0, 8)}`,
        hawk: { hawkAuthId: DEFAULT_CREDENTIAL.id, hawkAuthKey: DEFAULT_CREDENTIAL.key },
      });
      env = `f${randomUUID().slice(0, 8)}`;
      const cfn = new CloudFormationClient(fixtureAws);
      try {
        await cfn.send(
          new CreateStackCommand({
            StackName: workerStackName(env),
            TemplateBody: JSON.stringify({
              Resources: { Placeholder: { Type: 'AWS::CloudFormation::WaitConditionHandle' } },
              Outputs: {
                PayoutQueueUrl: { Value: resources.queueUrl },
                DeadLetterQueueUrl: { Value: resources.dlqUrl },
                HawkSecretArn: { Value: resources.secretId },
                LedgerTableName: { Value: resources.tableName },
                // No such function on moto: the commands that read its settings go on without them.
                WorkerFunctionName: { Value: `${env}-worker` },
              },
            }),
          }),
        );
      } finally {
        cfn.destroy();
      }
      switchStack = await createKillSwitchStack(endpoint ?? '', resources.tableName, {
        region: REGION,
        workerEnvironment: { PAYOUT_DAILY_LIMITS: '{"EUR":"250","USD":"100"}' },
      });
    });
    afterAll(async () => {
      process.env = savedEnv;
      for (const client of [sqs, dynamodb, secretsManager]) client.destroy();
      await rm(home, { recursive: true, force: true });
    });

    it('enqueue sends the file to the queue of the --env stack in --region', async () => {
      // Act
      const result = await run(enqueueCommand({ aws: MACHINE }), [
        'examples/payouts.json',
        ...flags(),
        '--output',
        'json',
      ]);

      // Assert
      expect(result.code, result.err).toBe(0);
      const report = JSON.parse(result.out) as { sent: number; queueUrl: string };
      expect(report.queueUrl).toBe(resources.queueUrl);
      expect(report.sent).toBeGreaterThan(0);
      expect(await queued(resources.queueUrl)).toBe(report.sent);
      expect(result.err).toMatch(/could not read the worker's settings \(ResourceNotFoundException\)/);
      await sqs.send(new PurgeQueueCommand({ QueueUrl: resources.queueUrl }));
    });

    it('payout-status reads the ledger table of the --env stack in --region', async () => {
      // Arrange
      await new Ledger({ client: dynamodb, tableName: resources.tableName, leaseMs: 0 }).recordInvalid({
        reference: 'flags-0001',
        messageId: 'm-1',
        reasonCode: 'INVALID_MESSAGE',
        reason: 'amount: must be at most 5000 EUR in this environment, got 6000',
      });

      // Act
      const result = await run(payoutStatusCommand({ aws: MACHINE }), [
        'flags-0001',
        ...flags(),
        '--output',
        'json',
      ]);

      // Assert
      expect(result.code, result.err).toBe(0);
      expect(JSON.parse(result.out).ledger).toMatchObject({ reference: 'flags-0001', state: 'REJECTED' });
    });

    it('redrive moves a DLQ message of the --env stack in --region back to its queue', async () => {
      // Arrange
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: resources.dlqUrl,
          MessageBody: '{"reference":"flags-0002"}',
          MessageAttributes: {
            reasonCode: { DataType: 'String', StringValue: 'INVALID_MESSAGE' },
            outcome: { DataType: 'String', StringValue: 'REJECTED' },
          },
        }),
      );

      // Act
      const result = await run(redriveCommand({ aws: MACHINE, waitSeconds: 0 }), [
        ...flags(),
        '--yes',
        '--output',
        'json',
      ]);

      // Assert
      expect(result.code, result.err).toBe(0);
      expect(JSON.parse(result.out).move).toEqual({ moved: 1, notSent: [], notDeleted: [] });
      expect(await queued(resources.queueUrl)).toBe(1);
      await sqs.send(new PurgeQueueCommand({ QueueUrl: resources.queueUrl }));
    });

    it('rotate-secret stores and promotes the new key in the secret of the --env stack in --region', async () => {
      // Arrange: the Lambda invocation (the credential check) is stood in for; moto runs no functions here.
      const command = rotateSecretCommand({
        aws: MACHINE,
        checkCredentials: async () => ({ ok: true, merchantIdFound: true, detail: 'stand-in check passed' }),
      });

      // Act
      const result = await run(
        command,
        [...flags(), '--output', 'json'],
        JSON.stringify({ hawkAuthId: 'rotated-id', hawkAuthKey: 'rotated-key' }),
      );

      // Assert
      expect(result.code, result.err).toBe(0);
      expect(JSON.parse(result.out)).toMatchObject({ outcome: 'promoted' });
      const current = await secretsManager.send(
        new GetSecretValueCommand({ SecretId: resources.secretId, VersionStage: 'AWSCURRENT' }),
      );
      expect(JSON.parse(current.SecretString ?? '{}')).toMatchObject({ hawkAuthId: 'rotated-id' });
    });

    it('pause and resume set the flag, switch the mapping and tell the topic of the --env stack in --region', async () => {
      // Arrange
      const deps = { aws: MACHINE, operator: 'flags-test', clock: () => Date.parse('2026-11-30T18:00:00Z') };
      const flag = () => new ControlFlag({ client: dynamodb, tableName: resources.tableName }).read();

      // Act
      const paused = await run(pauseCommand(deps), [...switchFlags(), '--reason', 'flags drill', '--json']);
      const flagWhilePaused = await flag();
      const mappingsWhilePaused = await switchStack.mappingStates();
      const pauseNotices = await switchStack.notices();
      const resumed = await run(resumeCommand(deps), [...switchFlags(), '--output', 'json']);

      // Assert
      expect(paused.code, paused.err).toBe(0);
      expect(JSON.parse(paused.out)).toMatchObject({ paused: true, notified: true, problems: [] });
      expect(flagWhilePaused).toMatchObject({ paused: true, reason: 'flags drill', by: 'flags-test' });
      expect(mappingsWhilePaused).toEqual(['Disabled']);
      expect(pauseNotices.map((n) => n.subject)).toEqual(['Payouts PAUSED by flags-test']);
      expect(resumed.code, resumed.err).toBe(0);
      expect(JSON.parse(resumed.out)).toMatchObject({ paused: false, notified: true, problems: [] });
      expect(await flag()).toMatchObject({ paused: false });
      expect(await switchStack.mappingStates()).toEqual(['Enabled']);
      expect((await switchStack.notices()).map((n) => n.subject)).toEqual(['Payouts resumed by flags-test']);
    });

    it("limits shows the ledger's totals against the limits of the --env stack's worker in --region", async () => {
      // Arrange: 40.1 EUR reserved on the day, as the worker reserves it before its POST.
      const ledger = new Ledger({ client: dynamodb, tableName: resources.tableName, leaseMs: 60_000 });
      const reference = 'flags-0003';
      await ledger.claim({
        payout: btcPayout({ reference }),
        digest: 'c'.repeat(64),
        owner: 'worker-1',
        messageId: 'm-3',
      });
      const reserved = await ledger.reserveDailyAmount({
        reference,
        owner: 'worker-1',
        currency: 'EUR',
        amount: '40.1',
        limit: '250',
        day: '2026-11-30',
      });
      expect(reserved.kind).toBe('reserved');

      // Act
      const result = await run(limitsCommand({ aws: MACHINE }), [
        ...switchFlags(),
        '--date',
        '2026-11-30',
        '--output',
        'json',
      ]);

      // Assert
      expect(result.code, result.err).toBe(0);
      expect(JSON.parse(result.out)).toMatchObject({
        date: '2026-11-30',
        table: resources.tableName,
        limits: [
          { currency: 'EUR', reserved: '40.1', limit: '250', remaining: '209.9' },
          { currency: 'USD', reserved: '0', limit: '100', remaining: '100' },
        ],
      });
    });

    it('fails, saying what to pass, when neither --region nor a profile gives a region', async () => {
      // Act
      const result = await run(payoutStatusCommand({ aws: MACHINE }), [
        'flags-0001',
        '--env',
        env,
        '--endpoint-url',
        endpoint ?? '',
      ]);

      // Assert
      expect(result.code).toBe(1);
      expect(result.err).toMatch(/Pass --region REGION/);
    });

    it('takes the credentials and region of --profile from the shared files, with nothing else given', async () => {
      // Arrange
      await writeFile(path.join(home, 'config'), `[profile moto]\nregion = ${REGION}\n`);
      await writeFile(
        path.join(home, 'credentials'),
        `[moto]\naws_access_key_id = ${KEYS.accessKeyId}\naws_secret_access_key = ${KEYS.secretAccessKey}\n`,
      );
      process.env.AWS_CONFIG_FILE = path.join(home, 'config');
      process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(home, 'credentials');

      try {
        // Act
        const result = await run(payoutStatusCommand(), [
          'flags-0001',
          '--env',
          env,
          '--profile',
          'moto',
          '--endpoint-url',
          endpoint ?? '',
          '--json',
        ]);

        // Assert
        expect(result.code, result.err).toBe(0);
        expect(JSON.parse(result.out).ledger).toMatchObject({ reference: 'flags-0001' });
      } finally {
        delete process.env.AWS_CONFIG_FILE;
        delete process.env.AWS_SHARED_CREDENTIALS_FILE;
      }
    });
  },
);
