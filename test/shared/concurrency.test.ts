import { describe, expect, it } from 'vitest';
import { mapWithConcurrency } from '#shared/concurrency.ts';

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

describe('mapWithConcurrency', () => {
  it('returns the results in the order of the items, whatever order they finish in', async () => {
    // Act
    const results = await mapWithConcurrency([30, 10, 20], 3, async (ms, index) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return `${index}:${ms}`;
    });

    // Assert
    expect(results).toEqual(['0:30', '1:10', '2:20']);
  });

  it('keeps at most `limit` calls in flight and starts the items in order', async () => {
    // Arrange
    let inFlight = 0;
    let most = 0;
    const started: number[] = [];

    // Act
    await mapWithConcurrency([0, 1, 2, 3, 4, 5, 6], 3, async (item) => {
      started.push(item);
      inFlight++;
      most = Math.max(most, inFlight);
      await tick();
      inFlight--;
    });

    // Assert
    expect(most).toBe(3);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('runs one at a time when the limit is below one, and nothing for no items', async () => {
    // Arrange
    let inFlight = 0;
    let most = 0;
    const calls: number[] = [];

    // Act
    const results = await mapWithConcurrency([1, 2, 3], 0, async (item) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await tick();
      inFlight--;
      return item * 2;
    });
    const none = await mapWithConcurrency([], 4, async (item: number) => calls.push(item));

    // Assert
    expect(results).toEqual([2, 4, 6]);
    expect(most).toBe(1);
    expect(none).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('rejects when a call throws', async () => {
    // Act
    const result = mapWithConcurrency([1, 2], 2, async (item) => {
      if (item === 2) throw new Error('boom');
      return item;
    });

    // Assert
    await expect(result).rejects.toThrow('boom');
  });
});
