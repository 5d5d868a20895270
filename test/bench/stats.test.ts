import { describe, expect, it } from 'vitest';
import { parsePayoutMessage } from '#shared/payout/schema.ts';
import { planWorkload } from '../../bench/chaos/workload.ts';
import { checkTarget, median, targetText } from '../../bench/lib/stats.ts';
import { formatTable } from '../../bench/lib/table.ts';

describe('bench statistics', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(RangeError);
  });

  it('says by how much a target is missed', () => {
    const missed = checkTarget('speed-up', 'min', 8, 6);
    const met = checkTarget('ratio', 'max', 1.3, 1.05);

    expect(missed).toMatchObject({ met: false, missBy: 0.25 });
    expect(targetText(missed)).toBe('MISSED (≥ 8) by 25 %');
    expect(met).toMatchObject({ met: true, missBy: 0 });
    expect(targetText(met)).toBe('met (≤ 1.3)');
  });

  it('right-aligns numeric columns', () => {
    const table = formatTable(
      ['name', 'ms'],
      [
        ['a', '5.0 ms'],
        ['bb', '120.0 ms'],
      ],
    );

    expect(table.split('\n')).toEqual([
      'name        ms',
      '----  --------',
      'a       5.0 ms',
      'bb    120.0 ms',
    ]);
  });
});

describe('chaos workload', () => {
  const guardrails = {
    defaultMerchantId: '9a57c17a-1eef-48ff-83d0-b5892c99f767',
    allowedMerchantIds: [],
    maxAmounts: { EUR: '5000' },
    addressNetwork: 'mainnet' as const,
    maxBodyBytes: 16_384,
  };

  it('is the same for the same seed and has every kind of message', () => {
    const a = planWorkload({ payouts: 500, seed: 3, runTag: 't' });
    const b = planWorkload({ payouts: 500, seed: 3, runTag: 't' });
    const kinds = new Set(a.messages.map((m) => m.kind));

    expect(a).toEqual(b);
    expect([...kinds].sort()).toEqual([
      'conflict',
      'duplicate-adjacent',
      'duplicate-late',
      'invalid',
      'payout',
    ]);
    expect(a.payable.size + a.unpayable.size).toBe(500);
  });

  it('sends valid payouts except the messages meant to be invalid', () => {
    const { messages } = planWorkload({ payouts: 300, seed: 11, runTag: 'valid' });

    const verdicts = messages.map((m) => [m.kind, parsePayoutMessage(m.body, guardrails).ok] as const);

    expect(verdicts.filter(([kind, ok]) => (kind === 'invalid') === ok)).toEqual([]);
  });
});
