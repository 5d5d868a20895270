import { describe, expect, it } from 'vitest';
import { msUntilNextUtcDay } from '#shared/ledger/daily-limits.ts';
import {
  backoffSeconds,
  DAILY_LIMIT_SPREAD_SECONDS,
  MAX_VISIBILITY_SECONDS,
} from '#shared/processing/backoff.ts';

const mid = () => 0.5; // jitter factor exactly 1.0

describe('backoffSeconds', () => {
  it('doubles with each receive, from a base per cause', () => {
    expect(
      [1, 2, 3].map((n) => backoffSeconds({ cause: 'ambiguous', receiveCount: n, random: mid })),
    ).toEqual([10, 20, 40]);
    expect(backoffSeconds({ cause: 'insufficientFunds', receiveCount: 1, random: mid })).toBe(300);
    expect(backoffSeconds({ cause: 'throttled', receiveCount: 1, random: mid })).toBe(5);
  });

  it('honours a Retry-After floor above the exponential value', () => {
    expect(backoffSeconds({ cause: 'throttled', receiveCount: 1, atLeastSeconds: 120, random: mid })).toBe(
      120,
    );
  });

  it('never exceeds the cap nor SQS visibility limit', () => {
    expect(backoffSeconds({ cause: 'insufficientFunds', receiveCount: 30, random: mid })).toBe(21_600);
    expect(
      backoffSeconds({ cause: 'insufficientFunds', receiveCount: 30, maxSeconds: 99_999, random: mid }),
    ).toBe(MAX_VISIBILITY_SECONDS);
  });

  it('spreads retries by ±20 % jitter', () => {
    expect(backoffSeconds({ cause: 'ambiguous', receiveCount: 1, random: () => 0 })).toBe(8);
    expect(backoffSeconds({ cause: 'ambiguous', receiveCount: 1, random: () => 0.999 })).toBe(12);
  });
});

describe('backoffSeconds for a payout waiting for the next UTC day', () => {
  const wait = (at: string, receiveCount: number, maxSeconds: number, random: () => number) =>
    backoffSeconds({
      cause: 'dailyLimit',
      receiveCount,
      atLeastSeconds: Math.ceil(msUntilNextUtcDay(Date.parse(at)) / 1000),
      maxSeconds,
      random,
    });

  it('waits until just after midnight UTC, spread over the first minutes, whatever the receive count', () => {
    // Act
    const early = wait('2026-11-30T23:30:00.000Z', 1, 21_600, () => 0);
    const late = wait('2026-11-30T23:30:00.000Z', 9, 21_600, () => 0.999);

    // Assert
    expect(early).toBe(1_800);
    expect(late).toBe(1_800 + Math.ceil(0.999 * DAILY_LIMIT_SPREAD_SECONDS));
  });

  it('reaches the next day within 2 receives from any time of day, whatever the retry cap', () => {
    // Arrange: times of a day at which a payout could first be refused.
    const day = Date.parse('2026-11-30T00:00:00.000Z');
    for (let hour = 0; hour < 24; hour++) {
      for (const second of [0, 1, 1_799, 3_599]) {
        let now = day + hour * 3_600_000 + second * 1_000;
        let used = 0;

        // Act: wait after wait, as SQS would hand the message back.
        while (now < day + 86_400_000) {
          used += 1;
          now += wait(new Date(now).toISOString(), used, 3_600, Math.random) * 1_000;
        }

        // Assert
        expect(used).toBeLessThanOrEqual(2);
      }
    }
  });
});
