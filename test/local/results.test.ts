import { describe, expect, it } from 'vitest';
import { collectResults, resultsJson, resultsText, totalsOf } from '#local/results.ts';
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
