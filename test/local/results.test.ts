import { describe, expect, it } from 'vitest';
import {
  coindirectTotalsOf,
  collectResults,
  notFinalAtCoindirect,
  resultsJson,
  resultsText,
  totalsOf,
} from '#local/results.ts';
import type { LedgerRecord } from '#shared/ledger/record.ts';
import { type DeadLetterMessage, RECEIVE_LIMIT_CODE } from '#tools/lib/dlq.ts';

const record = (reference: string, extra: Partial<LedgerRecord>): LedgerRecord => ({
  reference,
  state: 'CLAIMED',
  sendAttempted: false,
  attempts: 1,
  conflictCount: 0,
  metadata: {},
  ...extra,
});

const letter = (messageId: string, extra: Partial<DeadLetterMessage>): DeadLetterMessage => ({
  messageId: `dlq-${messageId}`,
  receiptHandle: 'rh',
  body: '{}',
  reasonCode: 'INVALID_MESSAGE',
  outcome: 'REJECTED',
  reason: 'amount: too much',
  originalMessageId: messageId,
  ...extra,
});

describe('collectResults', () => {
  it('resolves each payout from the DLQ first, then from the ledger', async () => {
    // Arrange
    const ledger = new Map<string, LedgerRecord>([
      ['paid-000001', record('paid-000001', { state: 'SUBMITTED', uuid: 'uuid-1' })],
      ['stuck-000001', record('stuck-000001', { lastError: 'create: HTTP 503' })],
      ['moved-000001', record('moved-000001', { lastError: 'create: HTTP 503' })],
      ['twice-000001', record('twice-000001', { state: 'SUBMITTED', uuid: 'uuid-2' })],
    ]);
    const sent = [
      { line: 2, reference: 'paid-000001', messageId: 'm1' },
      { line: 3, reference: 'bad', messageId: 'm2' },
      { line: 4, reference: 'twice-000001', messageId: 'm3' },
      { line: 5, reference: 'twice-000001', messageId: 'm4' },
      { line: 6, reference: 'moved-000001', messageId: 'm5' },
      { line: 7, reference: 'stuck-000001', messageId: 'm6' },
      { line: 8, reference: 'unsent-000001', sendError: 'AccessDenied' },
    ];
    const dlq = [
      letter('m2', { reason: 'reference: too short' }),
      letter('m4', { outcome: 'CONFLICT', reasonCode: 'REFERENCE_CONFLICT', reason: 'different content' }),
      letter('m5', { messageId: 'm5', outcome: '-', reasonCode: RECEIVE_LIMIT_CODE, reason: 'moved by SQS' }),
    ];

    // Act
    const results = await collectResults(sent, dlq, { get: async (reference) => ledger.get(reference) });

    // Assert
    expect(results).toEqual([
      { line: 2, reference: 'paid-000001', outcome: 'SUBMITTED', uuid: 'uuid-1' },
      {
        line: 3,
        reference: 'bad',
        outcome: 'REJECTED',
        reasonCode: 'INVALID_MESSAGE',
        reason: 'reference: too short',
      },
      { line: 4, reference: 'twice-000001', outcome: 'SUBMITTED', uuid: 'uuid-2' },
      {
        line: 5,
        reference: 'twice-000001',
        outcome: 'CONFLICT',
        reasonCode: 'REFERENCE_CONFLICT',
        reason: 'different content',
      },
      {
        line: 6,
        reference: 'moved-000001',
        outcome: 'DEAD_LETTERED',
        reasonCode: RECEIVE_LIMIT_CODE,
        reason: 'moved to the DLQ by SQS after its last allowed receive; last error: create: HTTP 503',
      },
      {
        line: 7,
        reference: 'stuck-000001',
        outcome: 'PENDING',
        reason: 'still in the queue; ledger: CLAIMED, last error: create: HTTP 503',
      },
      { line: 8, reference: 'unsent-000001', outcome: 'NOT_SENT', reason: 'AccessDenied' },
    ]);
    expect(totalsOf(results)).toEqual({
      total: 7,
      SUBMITTED: 2,
      REJECTED: 1,
      CONFLICT: 1,
      DEAD_LETTERED: 1,
      PENDING: 1,
      NOT_SENT: 1,
    });
  });
});

describe('result output', () => {
  const results = [
    { line: 2, reference: 'paid-000001', outcome: 'SUBMITTED' as const, uuid: 'uuid-1' },
    {
      line: 3,
      reference: 'bad',
      outcome: 'REJECTED' as const,
      reasonCode: 'INVALID_MESSAGE',
      reason: 'reference: too short',
    },
  ];

  it('prints a table with uuid or reason and a totals line', () => {
    // Act
    const text = resultsText(results);

    // Assert
    expect(text.split('\n')).toEqual([
      'line  reference    outcome    uuid / reason',
      '----  -----------  ---------  -------------------------------------',
      '2     paid-000001  SUBMITTED  uuid-1',
      '3     bad          REJECTED   INVALID_MESSAGE: reference: too short',
      '',
      'total 2: 1 SUBMITTED, 1 REJECTED',
    ]);
  });

  it('prints one JSON document with results and totals', () => {
    // Act
    const json = JSON.parse(resultsJson(results));

    // Assert
    expect(json.results).toEqual(results);
    expect(json.totals).toMatchObject({ total: 2, SUBMITTED: 1, REJECTED: 1, CONFLICT: 0 });
  });
});

describe('results of the payout lifecycle', () => {
  const sent = [
    { line: 2, reference: 'paid-000001', messageId: 'm1' },
    { line: 3, reference: 'paid-000003', messageId: 'm2' },
    { line: 4, reference: 'slow-000001', messageId: 'm3' },
    { line: 5, reference: 'paid-000001', messageId: 'm4' },
    { line: 6, reference: 'bad', messageId: 'm5' },
  ];
  const ledger = new Map<string, LedgerRecord>([
    ['paid-000001', record('paid-000001', { state: 'SUBMITTED', uuid: 'u1', coindirectStatus: 'COMPLETE' })],
    ['paid-000003', record('paid-000003', { state: 'SUBMITTED', uuid: 'u3', coindirectStatus: 'CANCELLED' })],
    [
      'slow-000001',
      record('slow-000001', { state: 'SUBMITTED', uuid: 'u4', coindirectStatus: 'PROCESSING' }),
    ],
  ]);
  const events = new Map<string, string[]>([
    ['paid-000001', ['PayoutSubmitted', 'PayoutCompleted']],
    ['paid-000003', ['PayoutSubmitted', 'PayoutCancelled']],
    ['slow-000001', ['PayoutSubmitted']],
  ]);
  const dlq = [
    letter('m4', { outcome: 'CONFLICT', reasonCode: 'REFERENCE_CONFLICT', reason: 'different content' }),
    letter('m5', { reason: 'reference: too short' }),
  ];
  const collect = () =>
    collectResults(
      sent,
      dlq,
      { get: async (reference) => ledger.get(reference) },
      (reference) => events.get(reference) ?? [],
    );

  it("adds Coindirect's last status and the reference's events to every result", async () => {
    // Act
    const results = await collect();

    // Assert
    expect(results.map((r) => [r.reference, r.outcome, r.coindirectStatus, r.events])).toEqual([
      ['paid-000001', 'SUBMITTED', 'COMPLETE', ['PayoutSubmitted', 'PayoutCompleted']],
      ['paid-000003', 'SUBMITTED', 'CANCELLED', ['PayoutSubmitted', 'PayoutCancelled']],
      ['slow-000001', 'SUBMITTED', 'PROCESSING', ['PayoutSubmitted']],
      ['paid-000001', 'CONFLICT', 'COMPLETE', ['PayoutSubmitted', 'PayoutCompleted']],
      ['bad', 'REJECTED', undefined, []],
    ]);
  });

  it('counts the payouts at Coindirect by status, each reference once, and names the ones not final', async () => {
    // Arrange
    const results = await collect();

    // Act
    const json = JSON.parse(resultsJson(results));
    const open = notFinalAtCoindirect(results);

    // Assert
    expect(coindirectTotalsOf(results)).toEqual({ PENDING: 0, PROCESSING: 1, COMPLETE: 1, CANCELLED: 1 });
    expect(json.totals).toEqual({
      ...totalsOf(results),
      coindirectStatus: { PENDING: 0, PROCESSING: 1, COMPLETE: 1, CANCELLED: 1 },
    });
    expect(json.results[0]).toEqual({
      line: 2,
      reference: 'paid-000001',
      outcome: 'SUBMITTED',
      coindirectStatus: 'COMPLETE',
      events: ['PayoutSubmitted', 'PayoutCompleted'],
      uuid: 'u1',
    });
    expect(open).toEqual([{ reference: 'slow-000001', coindirectStatus: 'PROCESSING' }]);
  });

  it("adds Coindirect's status and the events to the table, and the statuses to the totals", async () => {
    // Arrange
    const results = await collect();

    // Act
    const lines = resultsText(results).split('\n');

    // Assert
    expect(lines[0]).toBe(
      'line  reference    outcome    coindirect  events                             uuid / reason',
    );
    expect(lines[2]).toBe('2     paid-000001  SUBMITTED  COMPLETE    PayoutSubmitted → PayoutCompleted  u1');
    expect(lines.slice(-2)).toEqual([
      'total 5: 3 SUBMITTED, 1 REJECTED, 1 CONFLICT',
      'at Coindirect: 1 PROCESSING, 1 COMPLETE, 1 CANCELLED',
    ]);
  });
});
