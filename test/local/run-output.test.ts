import { describe, expect, it } from 'vitest';
import type { LocalResult } from '#local/results.ts';
import { eventLine, printResults } from '#local/run-output.ts';
import { captureIo } from '#test/tools/support/capture-io.ts';

const results: LocalResult[] = [
  {
    line: 2,
    reference: 'done-000001',
    outcome: 'SUBMITTED',
    coindirectStatus: 'COMPLETE',
    events: [],
    uuid: 'u1',
  },
  {
    line: 3,
    reference: 'slow-000001',
    outcome: 'SUBMITTED',
    coindirectStatus: 'PROCESSING',
    events: [],
    uuid: 'u2',
  },
  { line: 4, reference: 'queued-000001', outcome: 'PENDING', events: [], reason: 'still in the queue' },
];

describe('printResults', () => {
  it('names the payouts not final in the worker and at Coindirect after the table', () => {
    // Arrange
    const io = captureIo();

    // Act
    printResults(io, false, results, false);

    // Assert
    expect(io.out()).toContain('some payouts are not final: queued-000001;');
    expect(io.out()).toContain('not final at Coindirect: slow-000001 (PROCESSING);');
    expect(io.err()).toBe('');
  });

  it('keeps stdout to the JSON document with --json and names them on stderr', () => {
    // Arrange
    const io = captureIo();

    // Act
    printResults(io, true, results, false);

    // Assert
    expect(JSON.parse(io.out()).results).toHaveLength(3);
    expect(io.err()).toContain('not final at Coindirect: slow-000001 (PROCESSING)');
  });
});

describe('eventLine', () => {
  it('shows the event, the reference, the status and the uuid or reason code', () => {
    expect(
      eventLine({
        name: 'PayoutCompleted',
        eventId: 'r:completed',
        reference: 'sample-btc-0001',
        occurredAt: '',
        status: 'COMPLETE',
        uuid: 'u1',
      }),
    ).toBe('event     PayoutCompleted  sample-btc-0001 COMPLETE u1');
    expect(
      eventLine({
        name: 'PayoutRejected',
        eventId: 'r:rejected:m',
        reference: 'sample-bad-0001',
        occurredAt: '',
        status: 'REJECTED',
        reasonCode: 'INVALID_MESSAGE',
      }),
    ).toBe('event     PayoutRejected   sample-bad-0001 REJECTED INVALID_MESSAGE');
  });
});
