import { describe, expect, it } from 'vitest';
import { CONTROL_KEY, pauseStateFromItem } from '#shared/ledger/control.ts';
import { recordFromItem } from '#shared/ledger/record.ts';
import { webhookMarkKey } from '#shared/ledger/webhook-marks.ts';
import { BTC_MESSAGE, issuesOf } from '../payout/fixtures.ts';

describe('control items of the ledger table', () => {
  const pauseItem = {
    reference: { S: CONTROL_KEY },
    paused: { BOOL: true },
    reason: { S: 'INC-1' },
    by: { S: 'alice' },
    at: { S: '2026-11-30T18:00:00.000Z' },
  };
  const markItem = {
    reference: { S: webhookMarkKey('0b7c2a52-6a8f-4f5e-9a57-0e4d1e1f2a3b', 'COMPLETE') },
    mark: { S: 'READ' },
    expiresAt: { N: '1796100000' },
  };

  it('are never read as a payout record (claims, payout-status, the chaos audit)', () => {
    expect(recordFromItem(pauseItem)).toBeUndefined();
    expect(recordFromItem(markItem)).toBeUndefined();
  });

  it('reads the pause flag, no item as running, and refuses an item without a boolean "paused"', () => {
    expect(pauseStateFromItem(pauseItem)).toEqual({
      paused: true,
      reason: 'INC-1',
      by: 'alice',
      at: '2026-11-30T18:00:00.000Z',
    });
    expect(pauseStateFromItem(undefined)).toEqual({ paused: false });
    expect(() => pauseStateFromItem({ reference: { S: CONTROL_KEY }, paused: { S: 'yes' } })).toThrow(
      'the #control item has no boolean "paused" attribute',
    );
  });

  it('use keys no payout message can name as its reference', () => {
    for (const key of [CONTROL_KEY, webhookMarkKey('0b7c2a52-6a8f-4f5e-9a57-0e4d1e1f2a3b', 'COMPLETE')]) {
      expect(issuesOf({ ...BTC_MESSAGE, reference: key }).map((issue) => issue.path)).toContain('reference');
    }
  });
});
