// `npm run pause` and `npm run resume` against moto: the flag in the ledger table, the worker's event
// source mapping, and the notice on the alarm topic, all found from `--env` like a deployed stack.
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlFlag } from '#shared/ledger/control.ts';
import { awsTestEnv, motoEndpoint } from '#test/support/integration.ts';
import { pauseCommand } from '#tools/pause/run-pause.ts';
import { resumeCommand } from '#tools/resume/run-resume.ts';
import { captureIo } from '../support/capture-io.ts';
import { createKillSwitchStack, type KillSwitchStack } from '../support/kill-switch-stack.ts';

const endpoint = motoEndpoint();
const AT = Date.parse('2026-11-30T18:00:00.000Z');

describe.skipIf(endpoint === null)('npm run pause and npm run resume', () => {
  const aws = awsTestEnv(endpoint ?? '');
  const dynamodb = new DynamoDBClient(aws);
  const tableName = `t${randomUUID().slice(0, 8)}-ledger`;
  let stack: KillSwitchStack;
  const flag = () => new ControlFlag({ client: dynamodb, tableName }).read();
  const deps = { aws, operator: 'alice', clock: () => AT };
  const run = async (command: typeof pauseCommand, ...argv: string[]) => {
    const io = captureIo();
    const code = await command(deps).run(argv, io);
    return { code, out: io.out(), err: io.err() };
  };

  beforeAll(async () => {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        KeySchema: [{ AttributeName: 'reference', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'reference', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    stack = await createKillSwitchStack(endpoint ?? '', tableName);
  });
  afterAll(() => dynamodb.destroy());

  it('pauses: sets the flag with who, when and why, disables the mapping and tells the alarm topic', async () => {
    // Act
    const result = await run(
      pauseCommand,
      '--env',
      stack.env,
      '--reason',
      'wrong amounts, INC-2231',
      '--json',
    );

    // Assert
    expect(result.code, result.err).toBe(0);
    const expected = {
      paused: true,
      reason: 'wrong amounts, INC-2231',
      by: 'alice',
      at: '2026-11-30T18:00:00.000Z',
    };
    expect(await flag()).toEqual(expected);
    expect(await stack.mappingStates()).toEqual(['Disabled']);
    expect(JSON.parse(result.out)).toMatchObject({
      ...expected,
      table: tableName,
      notified: true,
      problems: [],
    });
    const notices = await stack.notices();
    expect(notices).toHaveLength(1);
    expect(notices[0]?.subject).toBe('Payouts PAUSED by alice');
    expect(notices[0]?.message).toContain('paused by alice at 2026-11-30T18:00:00.000Z');
    expect(notices[0]?.message).toContain('Reason: wrong amounts, INC-2231');
  });

  it('resumes: clears the flag, enables the mapping and tells the topic who had paused and why', async () => {
    // Arrange
    await run(pauseCommand, '--env', stack.env, '--reason', 'key leak drill');
    await stack.notices();

    // Act
    const result = await run(resumeCommand, '--env', stack.env);

    // Assert
    expect(result.code, result.err).toBe(0);
    expect(await flag()).toEqual({ paused: false, by: 'alice', at: '2026-11-30T18:00:00.000Z' });
    expect(await stack.mappingStates()).toEqual(['Enabled']);
    expect(result.out).toMatch(/^payouts are running \(resumed by alice/m);
    const notices = await stack.notices();
    expect(notices.map((n) => n.subject)).toEqual(['Payouts resumed by alice']);
    expect(notices[0]?.message).toContain(
      'They had been paused by alice at 2026-11-30T18:00:00.000Z: key leak drill',
    );
  });

  it('sets only the flag when no function or topic is named (a local run)', async () => {
    // Act
    const result = await run(pauseCommand, '--table', tableName, '--reason', 'local test');

    // Assert
    expect(result.code, result.err).toBe(0);
    expect((await flag()).paused).toBe(true);
    expect(result.out).toContain('none named (no --env or --function-name): left as it is');
    await run(resumeCommand, '--table', tableName);
    expect((await flag()).paused).toBe(false);
  });

  it('keeps the flag set and exits 1 naming what is left when the mapping cannot be changed', async () => {
    // Act
    const result = await run(
      pauseCommand,
      '--table',
      tableName,
      '--function-name',
      'no-such-worker',
      '--reason',
      'drill',
    );

    // Assert
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      'payouts ARE paused (the flag is set); but the event source mapping of no-such-worker was not changed',
    );
    expect((await flag()).paused).toBe(true);
    await run(resumeCommand, '--table', tableName);
  });
});
