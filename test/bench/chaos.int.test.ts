import { describe, expect, it } from 'vitest';
import { motoEndpoint } from '#test/support/integration.ts';
import { DEFAULT_CHAOS_OPTIONS, runChaos } from '../../bench/chaos/run-chaos.ts';

const endpoint = motoEndpoint();

describe.skipIf(endpoint === null)('chaos run (the small version of npm run chaos)', () => {
  it('pays every payout exactly once and loses no message through faults, duplicates, a lagging search, a key rotation and a SIGKILL', async () => {
    const report = await runChaos({
      ...DEFAULT_CHAOS_OPTIONS,
      // Sized to stay under a minute on a 2-core machine shared with the other integration tests: moto
      // spends 12–45 ms of CPU on each conditional DynamoDB write, about four per message.
      payouts: 100,
      seed: 7,
      workers: 2,
      kills: 1,
      // The killed worker's references wait out its lease, the shortest the worker accepts (31 s function
      // timeout, 31 s lease): the kill comes in the first batch so the run can end soon after.
      firstKillAt: 0,
      timing: { functionTimeoutMs: 31_000, leaseSeconds: 31 },
      drainTimeoutMs: 50_000,
      // Fewer injected Coindirect faults than npm run chaos (10 %): each fault on a killed reference's
      // lookup or create after its lease ran out costs a retry at the very end of the run.
      faultShare: 0.06,
      motoEndpoint: endpoint ?? '',
      // Coindirect at its worst on what decides a double payout: no reference uniqueness, and a search
      // that lags behind creates by 1 s, under a settle time of 2 s; stored content normalised.
      uniqueReferences: false,
      searchLagMs: 1_000,
      resendSettleSeconds: 2,
      normalize: true,
    });

    const broken = report.invariants.filter((i) => !i.ok).map((i) => `${i.name}: ${i.value}`);
    expect(broken).toEqual([]);
    expect(report.invariants.map((i) => i.name)).toContain('ledger disagrees with Coindirect');
    expect(report.audit.maxPayoutsPerReference).toBe(1);
    expect(report.audit.neverCreated).toEqual([]);
    expect(report.audit.unaccounted).toEqual([]);
    expect(report.audit.ledgerDisagrees).toEqual([]);
    expect(report.kills.filter((k) => k.leasesHeld > 0)).toHaveLength(1);
    expect(report.sent['duplicate-adjacent'] ?? 0).toBeGreaterThan(0);
    expect(report.sent['duplicate-late'] ?? 0).toBeGreaterThan(0);
    expect(report.unexpectedExits).toEqual([]);
    expect(report.ok).toBe(true);
  }, 150_000);
});
