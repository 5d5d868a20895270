// `npm run redrive` against moto and the simulator: dead letters listed by reason, and a rejected
// over-cap payout redriven after the cap was raised ends SUBMITTED.
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '#functions/payout-worker/config.ts';
import { createBatchHandler } from '#functions/payout-worker/handler.ts';
import { createWorkerDeps } from '#functions/payout-worker/worker.ts';
import { pollOnce } from '#local/poller.ts';
import { awsTestEnv, motoEndpoint } from '#test/support/integration.ts';
import {
  CapturingLogger,
  CountingMetrics,
  payoutMessage,
  type Rig,
  startRig,
} from '#test/support/pipeline-harness.ts';
import { redriveCommand } from '#tools/redrive/run-redrive.ts';
import { captureIo } from '../support/capture-io.ts';
import { createFakeWorkerStack } from '../support/fake-stack.ts';

const endpoint = motoEndpoint();

interface Listing {
  readonly groups: ReadonlyArray<{
    reasonCode: string;
    outcome: string;
    count: number;
    sampleReason: string;
  }>;
  readonly selected: number;
  readonly move?: { moved: number; notSent: unknown[]; notDeleted: unknown[] };
}

describe.skipIf(endpoint === null)('npm run redrive', () => {
  const aws = awsTestEnv(endpoint ?? '');
  let rig: Rig;
  let queues: string[];

  const redrive = async (...argv: string[]) => {
    const io = captureIo();
    const code = await redriveCommand({ aws, waitSeconds: 0 }).run([...queues, ...argv], io);
    return { code, out: io.out(), err: io.err() };
  };
  const listing = async (): Promise<Listing> => JSON.parse((await redrive('--list', '--json')).out);

  beforeAll(async () => {
    rig = await startRig({ endpoint: endpoint ?? '' });
    queues = ['--dlq-url', rig.resources.dlqUrl, '--queue-url', rig.resources.queueUrl];
    // Two permanent failures with different causes: over the EUR cap, and an address Coindirect refuses.
    rig.sim.injectFault({ fault: { kind: 'rejectAddress' }, match: { reference: 'redrive-addr-0001' } });
    await rig.send(payoutMessage('redrive-cap-0001', { amount: '6000.00' }));
    await rig.send(payoutMessage('redrive-addr-0001'));
    await rig.handler(rig.toEvent(await rig.receive(10)));
  });
  afterAll(async () => {
    await rig.close();
  });

  it('lists the DLQ grouped by reason code and outcome, with a sample reason', async () => {
    // Act
    const { groups } = await listing();

    // Assert
    expect(groups.map((g) => [g.reasonCode, g.outcome, g.count]).sort()).toEqual([
      ['INVALID_MESSAGE', 'REJECTED', 1],
      ['invalidPayout', 'REJECTED', 1],
    ]);
    expect(groups.find((g) => g.reasonCode === 'INVALID_MESSAGE')?.sampleReason).toBe(
      'amount: must be at most 5000 EUR in this environment, got 6000.00',
    );
  });

  it('moves nothing without --yes when nobody can confirm', async () => {
    // Act
    const result = await redrive('--reason', 'INVALID_MESSAGE');

    // Assert
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/pass --yes/);
    expect((await listing()).groups.reduce((n, g) => n + g.count, 0)).toBe(2);
  });

  it('redrives only the chosen reason; once the cap is raised the payout ends SUBMITTED', async () => {
    // Act
    const moved = await redrive('--reason', 'INVALID_MESSAGE', '--yes', '--json');
    const raised = loadConfig({ ...rig.env, PAYOUT_MAX_AMOUNTS: '{"EUR":"10000"}' });
    const deps = createWorkerDeps(raised, new CapturingLogger(), new CountingMetrics(), {
      sqs: rig.sqs,
      dynamodb: new DynamoDBClient(aws),
      secretsManager: new SecretsManagerClient(aws),
    });
    const poll = await pollOnce({
      sqs: rig.sqs,
      queueUrl: rig.resources.queueUrl,
      queueArn: rig.resources.queueArn,
      handler: createBatchHandler(() => deps, new Logger({ logLevel: 'SILENT' })),
    });

    // Assert
    expect(moved.code, moved.err).toBe(0);
    expect((JSON.parse(moved.out) as Listing).move).toEqual({ moved: 1, notSent: [], notDeleted: [] });
    expect(poll).toMatchObject({ received: 1, deleted: 1, failed: 0 });
    expect(await rig.ledger('redrive-cap-0001')).toMatchObject({ state: 'SUBMITTED', amount: '6000' });
    expect(rig.sim.createdCount('redrive-cap-0001')).toBe(1);
    expect((await listing()).groups.map((g) => [g.reasonCode, g.count])).toEqual([['invalidPayout', 1]]);
  });

  it('says which codes exist when --reason matches none', async () => {
    // Act
    const result = await redrive('--reason', 'NO_SUCH_CODE', '--yes');

    // Assert
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      'error: no message in the DLQ has reasonCode NO_SUCH_CODE; present: invalidPayout\n',
    );
  });

  it('finds both queues from the stack outputs with --env', async () => {
    // Arrange
    const env = await createFakeWorkerStack(endpoint ?? '', {
      DeadLetterQueueUrl: rig.resources.dlqUrl,
      PayoutQueueUrl: rig.resources.queueUrl,
    });
    const io = captureIo();

    // Act
    const code = await redriveCommand({ aws, waitSeconds: 0 }).run(['--env', env, '--list'], io);

    // Assert
    expect(code).toBe(0);
    expect(io.out()).toContain(`1 messages in the DLQ ${rig.resources.dlqUrl}:`);
    expect(io.out()).toMatch(/invalidPayout\s+REJECTED\s+1\s+redrive-addr-0001/);
  });
});
