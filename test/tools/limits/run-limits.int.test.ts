// `npm run limits` against moto: a worker stack whose function carries PAYOUT_DAILY_LIMITS, and a ledger
// whose counters the real worker filled (moto + the simulator).
import { randomUUID } from 'node:crypto';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utcDay } from '#shared/ledger/daily-limits.ts';
import { awsTestEnv, motoEndpoint } from '#test/support/integration.ts';
import { payoutMessage, type Rig, startRig } from '#test/support/pipeline-harness.ts';
import { STACK_OUTPUT, workerStackName } from '#tools/lib/stack.ts';
import { limitsCommand } from '#tools/limits/run-limits.ts';
import { captureIo } from '../support/capture-io.ts';

const endpoint = motoEndpoint();
const TODAY = '2026-11-30T15:00:00.000Z';

describe.skipIf(endpoint === null)('npm run limits', () => {
  const aws = awsTestEnv(endpoint ?? '');
  const clock = () => Date.parse(TODAY);
  let rig: Rig;
  let env = '';
  let unlimitedEnv = '';

  const limits = async (...argv: string[]) => {
    const io = captureIo();
    const code = await limitsCommand({ aws, clock }).run(argv, io);
    return { code, out: io.out(), err: io.err() };
  };

  /** A worker stack on moto: a role, the worker function with `variables`, and the tools' outputs. */
  async function workerStack(tableName: string, variables: Record<string, string>): Promise<string> {
    const name = `t${randomUUID().slice(0, 8)}`;
    const cfn = new CloudFormationClient(aws);
    try {
      await cfn.send(
        new CreateStackCommand({
          StackName: workerStackName(name),
          TemplateBody: JSON.stringify({
            Resources: {
              Role: {
                Type: 'AWS::IAM::Role',
                Properties: {
                  AssumeRolePolicyDocument: {
                    Version: '2012-10-17',
                    Statement: [
                      {
                        Effect: 'Allow',
                        Principal: { Service: 'lambda.amazonaws.com' },
                        Action: 'sts:AssumeRole',
                      },
                    ],
                  },
                },
              },
              Worker: {
                Type: 'AWS::Lambda::Function',
                Properties: {
                  Runtime: 'nodejs20.x',
                  Handler: 'index.handler',
                  Role: { 'Fn::GetAtt': ['Role', 'Arn'] },
                  Code: { ZipFile: 'exports.handler = async () => ({});' },
                  Environment: { Variables: variables },
                },
              },
            },
            Outputs: {
              [STACK_OUTPUT.tableName]: { Value: tableName },
              [STACK_OUTPUT.functionName]: { Value: { Ref: 'Worker' } },
            },
          }),
        }),
      );
    } finally {
      cfn.destroy();
    }
    return name;
  }

  beforeAll(async () => {
    rig = await startRig({
      endpoint: endpoint ?? '',
      simulator: { clock },
      overrides: { clock },
      env: {
        PAYOUT_MAX_AMOUNTS: '{"EUR":"100","USD":"100"}',
        PAYOUT_DAILY_LIMITS: '{"EUR":"250.5","USD":"100"}',
      },
    });
    // One at a time: moto applies a conditional write without a lock, so two reservations racing on one
    // counter there can lose an update that DynamoDB would refuse (the concurrency test serialises them).
    for (const [reference, amount] of [
      ['limits-0001', '100'],
      ['limits-0002', '25.25'],
    ] as const) {
      await rig.send(payoutMessage(reference, { amount }));
      await rig.handler(rig.toEvent(await rig.receive(10)));
    }
    env = await workerStack(rig.resources.tableName, {
      PAYOUT_DAILY_LIMITS: rig.env.PAYOUT_DAILY_LIMITS ?? '',
    });
    unlimitedEnv = await workerStack(rig.resources.tableName, {});
  }, 60_000);
  afterAll(async () => {
    await rig.close();
  });

  it("shows today's reserved totals against the limits of the deployed worker", async () => {
    // Act
    const result = await limits('--env', env);

    // Assert
    expect(result.code, result.err).toBe(0);
    expect(result.out).toContain(
      `daily limits on ${utcDay(Date.parse(TODAY))} (UTC), ledger ${rig.resources.tableName}`,
    );
    expect(result.out).toMatch(/^EUR\s+125\.25\s+250\.5\s+125\.25\s+50 %$/m);
    expect(result.out).toMatch(/^USD\s+0\s+100\s+100\s+0 %$/m);
  });

  it('shows another day with --date, as JSON with --json', async () => {
    // Act
    const result = await limits('--env', env, '--date', '2026-11-29', '--json');

    // Assert
    expect(result.code, result.err).toBe(0);
    expect(JSON.parse(result.out)).toEqual({
      date: '2026-11-29',
      table: rig.resources.tableName,
      limits: [
        { currency: 'EUR', reserved: '0', limit: '250.5', remaining: '250.5', percentUsed: '0' },
        { currency: 'USD', reserved: '0', limit: '100', remaining: '100', percentUsed: '0' },
      ],
    });
  });

  it('says so when the worker has no daily limits', async () => {
    // Act
    const result = await limits('--env', unlimitedEnv);

    // Assert
    expect(result.code, result.err).toBe(0);
    expect(result.out).toMatch(/^no daily limits: the worker .+ has no PAYOUT_DAILY_LIMITS/);
  });

  it.each([
    [['--table', 'ledger'], /--env: is required/],
    [['--env', 'staging', '--date', '30/11/2026'], /--date: must be a UTC day such as 2026-11-30/],
  ])('refuses %j as a usage mistake', async (argv, message) => {
    // Act
    const result = await limits(...argv);

    // Assert
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
  });
});
