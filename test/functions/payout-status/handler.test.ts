import { describe, expect, it } from 'vitest';
import { loadStatusConfig } from '#functions/payout-status/config.ts';
import { createStatusHandler } from '#functions/payout-status/handler.ts';
import { createSweepHandler } from '#functions/payout-status/sweep.ts';
import { InMemoryLifecycleLedger } from '#test/support/in-memory-lifecycle-ledger.ts';
import { CapturingLogger } from '#test/support/pipeline-harness.ts';

const ENV = {
  COINDIRECT_BASE_URL: 'https://api.sandbox.coindirect.com',
  HAWK_SECRET_ID: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:hawk-AbCdEf',
  LEDGER_TABLE_NAME: 'payout-ledger',
  EVENT_BUS_NAME: 'coindirect-payouts-staging',
};

const record = (messageId: string, body: string, receiveCount = '1') => ({
  messageId,
  receiptHandle: `rh-${messageId}`,
  body,
  attributes: { ApproximateReceiveCount: receiveCount },
  eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:status',
});

describe('payout-status handler', () => {
  it('returns the failed and malformed records as batchItemFailures', async () => {
    // Arrange
    const logger = new CapturingLogger();
    const handle = createStatusHandler(() => ({
      ledger: new InMemoryLifecycleLedger(),
      coindirect: { getPayout: async () => ({ kind: 'ambiguous', detail: 'HTTP 503' }) },
      events: { publish: async () => ({ published: [], failed: [] }) },
      metrics: { count: () => undefined },
      logger,
      unconfirmedRetries: 3,
    }));

    // Act
    const response = await handle({
      Records: [
        record('a', JSON.stringify({ uuid: 'u-1', status: 'COMPLETE', receivedAt: '2026-11-27T12:00:00Z' })),
        { messageId: 'b' },
      ],
    });

    // Assert
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'b' }, { itemIdentifier: 'a' }]);
  });
});

describe('payout-sweep handler', () => {
  it('keeps a reserve of the invocation time and logs a summary', async () => {
    // Arrange
    const logger = new CapturingLogger();
    const ledger = new InMemoryLifecycleLedger();
    ledger.submitted('order-0001', 'uuid-1', { openSince: 0 });
    const handle = createSweepHandler(() => ({
      ledger,
      coindirect: { getPayout: async () => ({ kind: 'notFound' }) },
      events: { publish: async () => ({ published: [], failed: [] }) },
      metrics: { count: () => undefined },
      logger,
      clock: () => 0,
      stuckAfterMs: 60_000,
      eventGraceMs: 0,
    }));

    // Act
    const report = await handle({}, { getRemainingTimeInMillis: () => 5_000 });

    // Assert
    expect(report).toMatchObject({ examined: 0, skipped: 1 });
    expect(logger.lines.join('\n')).toMatch(/sweep done/);
  });
});

describe('loadStatusConfig', () => {
  it('applies the defaults', () => {
    // Act
    const config = loadStatusConfig(ENV);

    // Assert
    expect(config).toMatchObject({
      stuckAfterMs: 3_600_000,
      eventGraceMs: 120_000,
      unconfirmedRetries: 3,
      httpTimeoutMs: 10_000,
      signQuery: true,
    });
  });

  it('names every missing or bad variable', () => {
    // Act
    const act = () => loadStatusConfig({ ...ENV, EVENT_BUS_NAME: undefined, STUCK_AFTER_MINUTES: '0' });

    // Assert
    expect(act).toThrow(/EVENT_BUS_NAME: is required[\s\S]*STUCK_AFTER_MINUTES: must be at least 1/);
  });
});
