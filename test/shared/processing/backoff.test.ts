import { describe, expect, it } from 'vitest';
import { backoffSeconds, MAX_VISIBILITY_SECONDS } from '#shared/processing/backoff.ts';

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
