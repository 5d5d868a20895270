// `npm run payout-status` against moto and the simulator: the ledger record, and Coindirect's live view.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlFlag } from '#shared/ledger/control.ts';
import { DEFAULT_CREDENTIAL } from '#simulator/defaults.ts';
import { awsTestEnv, motoEndpoint } from '#test/support/integration.ts';
import { MERCHANT_ID, payoutMessage, type Rig, startRig } from '#test/support/pipeline-harness.ts';
import { payoutStatusCommand } from '#tools/payout-status/run-payout-status.ts';
import { captureIo } from '../support/capture-io.ts';
import { createFakeWorkerStack } from '../support/fake-stack.ts';

const endpoint = motoEndpoint();

describe.skipIf(endpoint === null)('npm run payout-status', () => {
  const aws = awsTestEnv(endpoint ?? '');
  let rig: Rig;
  let uuid: string;

  const status = async (...argv: string[]) => {
    const io = captureIo();
    const code = await payoutStatusCommand({ aws }).run(argv, io);
    return { code, out: io.out(), err: io.err() };
  };
  const live = (reference: string) => [
    reference,
    '--table',
    rig.resources.tableName,
    '--live',
    '--secret-id',
    rig.resources.secretId,
    '--coindirect-url',
    rig.sim.url,
    '--json',
  ];

  beforeAll(async () => {
    rig = await startRig({ endpoint: endpoint ?? '' });
    await rig.send(payoutMessage('status-paid-0001', { metadata: { customer: 'c-42' } }));
    await rig.send(payoutMessage('status-cap-0001', { amount: '9000' }));
    await rig.handler(rig.toEvent(await rig.receive(10)));
    uuid = (await rig.ledger('status-paid-0001'))?.uuid ?? '';
  });
  afterAll(async () => {
    await rig.close();
  });

  it('prints the ledger record of a submitted payout', async () => {
    // Act
    const result = await status('status-paid-0001', '--table', rig.resources.tableName);

    // Assert
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^reference\s+status-paid-0001$/m);
    expect(result.out).toMatch(/^state\s+SUBMITTED$/m);
    expect(result.out).toMatch(new RegExp(`^uuid\\s+${uuid}$`, 'm'));
    expect(result.out).toMatch(/^amount\s+40\.1 EUR$/m);
    expect(result.out).toMatch(/^metadata\s+customer=c-42$/m);
    expect(result.out).toMatch(/^attempts\s+1$/m);
  });

  it('shows the payout as Coindirect has it now with --live', async () => {
    // Arrange
    rig.sim.setPayoutStatus(uuid, 'COMPLETE');

    // Act
    const result = await status(...live('status-paid-0001'));

    // Assert
    expect(result.code, result.err).toBe(0);
    const { ledger, live: view } = JSON.parse(result.out);
    expect(ledger).toMatchObject({ state: 'SUBMITTED', uuid, coindirectStatus: 'PROCESSING' });
    expect(view).toMatchObject({ found: true, uuid, status: 'COMPLETE', reference: 'status-paid-0001' });
    expect(result.out + result.err).not.toContain(DEFAULT_CREDENTIAL.key);
  });

  it('shows the reason of a rejected payout and that Coindirect has nothing for it', async () => {
    // Act
    const result = await status(...live('status-cap-0001'), '--merchant-id', MERCHANT_ID);

    // Assert
    expect(result.code, result.err).toBe(0);
    const { ledger, live: view } = JSON.parse(result.out);
    expect(ledger).toMatchObject({
      state: 'REJECTED',
      reasonCode: 'INVALID_MESSAGE',
      reason: 'amount: must be at most 5000 EUR in this environment, got 9000',
    });
    expect(view).toEqual({
      found: false,
      detail: `Coindirect (${rig.sim.url}) has no payout with this reference: nothing was paid`,
    });
  });

  it('exits 1 and says where to look when the reference has no record', async () => {
    // Act
    const result = await status('status-none-0001', '--table', rig.resources.tableName);

    // Assert
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/^no ledger record for status-none-0001 in .*see npm run redrive -- --list/);
  });

  it('exits 1 with the reason when Coindirect refuses the key', async () => {
    // Arrange
    rig.sim.revokeCredential(DEFAULT_CREDENTIAL.id);

    // Act
    const result = await status(...live('status-paid-0001'));

    // Assert
    expect(result.code).toBe(1);
    expect(JSON.parse(result.out).live).toEqual({
      error: 'Coindirect answered 401: the key in the secret is wrong or revoked (see npm run rotate-secret)',
    });
    rig.sim.addCredential(DEFAULT_CREDENTIAL);
  });

  it('finds the table and the secret from the stack outputs with --env', async () => {
    // Arrange
    const env = await createFakeWorkerStack(endpoint ?? '', {
      LedgerTableName: rig.resources.tableName,
      HawkSecretArn: rig.resources.secretId,
    });

    // Act
    const result = await status(
      'status-paid-0001',
      '--env',
      env,
      '--live',
      '--coindirect-url',
      rig.sim.url,
      '--json',
    );

    // Assert
    expect(result.code, result.err).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ ledger: { uuid }, live: { found: true, uuid } });
  });

  it('shows first that payouts are paused, by whom, when and why, and the state in --json', async () => {
    // Arrange
    const client = new DynamoDBClient(aws);
    const flag = new ControlFlag({ client, tableName: rig.resources.tableName });
    await flag.pause({
      reason: 'INC-2231 wrong amounts',
      by: 'alice',
      at: Date.parse('2026-11-30T18:00:00Z'),
    });

    // Act
    const text = await status('status-paid-0001', '--table', rig.resources.tableName);
    const json = await status('status-paid-0001', '--table', rig.resources.tableName, '--json');
    await flag.resume({ by: 'alice', at: Date.parse('2026-11-30T18:30:00Z') });
    const resumed = await status('status-paid-0001', '--table', rig.resources.tableName);
    client.destroy();

    // Assert
    expect(text.code).toBe(0);
    expect(text.out).toMatch(
      /^PAYOUTS\s+PAUSED: nothing is sent until npm run resume\npaused by\s+alice\npaused at\s+2026-11-30T18:00:00.000Z\nreason\s+INC-2231 wrong amounts\n\nreference\s+status-paid-0001$/m,
    );
    expect(JSON.parse(json.out)).toMatchObject({
      pause: { paused: true, by: 'alice', at: '2026-11-30T18:00:00.000Z', reason: 'INC-2231 wrong amounts' },
      ledger: { uuid },
    });
    expect(resumed.out).toMatch(/^reference\s+status-paid-0001\n/);
  });
});
