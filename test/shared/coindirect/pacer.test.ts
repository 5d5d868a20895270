import { describe, expect, it } from 'vitest';
import { containerPacer, TokenBucketPacer } from '#shared/coindirect/pacer.ts';

/** A pacer on a fake clock: its sleeps move the clock and are recorded, nothing really waits. */
function fakeTime(start = 1_700_000_000_000) {
  let now = start;
  const sleeps: number[] = [];
  return {
    clock: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
    elapsed: () => now - start,
    sleeps,
  };
}

describe('TokenBucketPacer', () => {
  it('spreads requests one interval apart at its rate, the first at once', async () => {
    // Arrange
    const time = fakeTime();
    const pacer = new TokenBucketPacer({ ratePerSecond: 4, clock: time.clock, sleep: time.sleep });

    // Act
    const granted: number[] = [];
    for (let i = 0; i < 5; i++) {
      await pacer.acquire();
      granted.push(time.elapsed());
    }

    // Assert
    expect(granted).toEqual([0, 250, 500, 750, 1_000]);
  });

  it('lets a burst go at once after a quiet spell, then keeps to the rate', async () => {
    // Arrange
    const time = fakeTime();
    const pacer = new TokenBucketPacer({ ratePerSecond: 10, burst: 3, clock: time.clock, sleep: time.sleep });
    time.advance(5_000);

    // Act
    const delays = [];
    for (let i = 0; i < 5; i++) delays.push(pacer.delayMs() + ((await pacer.acquire()) ? 0 : Number.NaN));

    // Assert: three at once, then 100 ms apart.
    expect(delays).toEqual([0, 0, 0, 100, 100]);
  });

  it('never allows more than rate × time + burst requests, however many ask at once', async () => {
    // Arrange: 20 callers at the same instant, as the records of a batch would; the clock stands still,
    // so each caller's grant time is how long it was made to sleep (0: at once).
    const sleeps: number[] = [];
    const pacer = new TokenBucketPacer({
      ratePerSecond: 5,
      burst: 2,
      clock: () => 0,
      sleep: async (ms) => void sleeps.push(ms),
    });

    // Act
    const granted = await Promise.all(Array.from({ length: 20 }, () => pacer.acquire()));

    // Assert: in any window of w ms, at most 5 × w / 1000 + 2 requests.
    expect(granted.every(Boolean)).toBe(true);
    const at = [...Array.from({ length: 20 - sleeps.length }, () => 0), ...sleeps].sort((a, b) => a - b);
    for (let i = 0; i < at.length; i++) {
      for (let j = i; j < at.length; j++) {
        const windowMs = (at[j] ?? 0) - (at[i] ?? 0);
        expect(j - i + 1).toBeLessThanOrEqual(Math.floor((5 * windowMs) / 1000) + 2);
      }
    }
    expect(at.at(-1)).toBe(3_600);
  });

  it('refuses at once, booking nothing, a request whose slot is further away than it may wait', async () => {
    // Arrange
    const time = fakeTime();
    const pacer = new TokenBucketPacer({ ratePerSecond: 1, clock: time.clock, sleep: time.sleep });
    await pacer.acquire();

    // Act
    const refused = await pacer.acquire(999);
    const granted = await pacer.acquire(1_000);

    // Assert
    expect([refused, granted]).toEqual([false, true]);
    expect(time.sleeps).toEqual([1_000]);
  });

  it('holds every request back for a 429’s Retry-After, then goes on one interval apart', async () => {
    // Arrange
    const time = fakeTime();
    const pacer = new TokenBucketPacer({ ratePerSecond: 10, clock: time.clock, sleep: time.sleep });
    await pacer.acquire();

    // Act
    pacer.pauseFor(2_000);
    pacer.pauseFor(500); // a shorter pause never cuts a longer one short
    const delay = pacer.delayMs();
    const tooShort = await pacer.acquire(1_500);
    await pacer.acquire();
    const first = time.elapsed();
    await pacer.acquire();
    const second = time.elapsed();

    // Assert
    expect(delay).toBe(2_000);
    expect(tooShort).toBe(false);
    expect([first, second]).toEqual([2_000, 2_100]);
  });

  it('makes a request already waiting for its slot wait out a pause that starts meanwhile, within its limit', async () => {
    // Arrange: the pause arrives while the second request sleeps towards its slot.
    let now = 0;
    let pacer: TokenBucketPacer | undefined;
    const sleeps: number[] = [];
    pacer = new TokenBucketPacer({
      ratePerSecond: 2,
      clock: () => now,
      sleep: async (ms) => {
        sleeps.push(ms);
        if (sleeps.length === 1) pacer?.pauseFor(3_000);
        now += ms;
      },
    });
    await pacer.acquire();

    // Act
    const withRoom = await pacer.acquire(10_000);
    const atNow = now;

    // Assert: slept 500 ms to its slot, then the rest of the 3 s pause.
    expect(withRoom).toBe(true);
    expect(atNow).toBe(3_000);
    expect(sleeps).toEqual([500, 2_500]);
  });

  it('refuses a bad rate or burst with what it got', () => {
    expect(() => new TokenBucketPacer({ ratePerSecond: 0 })).toThrow('got 0');
    expect(() => new TokenBucketPacer({ ratePerSecond: 5, burst: 0.5 })).toThrow(
      'burst must be >= 1, got 0.5',
    );
  });
});

describe('containerPacer', () => {
  it('gives each container its share of the account’s rate, and no pacer when no rate is set', async () => {
    // Arrange
    const time = fakeTime();
    const pacer = containerPacer({ maxRps: 20, containers: 5 }, time.clock);

    // Act
    await pacer?.acquire();
    const delay = pacer?.delayMs();

    // Assert: 20 ÷ 5 = 4 per second, 250 ms apart.
    expect(delay).toBe(250);
    expect(containerPacer({ containers: 5 })).toBeUndefined();
  });
});
