import { afterEach, describe, expect, it } from 'vitest';
import { SimulatorAdminError, simulatorAdmin } from '#simulator/admin-client.ts';
import { DEFAULT_CREDENTIAL } from '#simulator/defaults.ts';
import { startSimulator } from '#simulator/simulator.ts';
import type { Simulator, SummaryPayment } from '#simulator/types.ts';
import { createPayout, payoutBody, signedFetch } from './signed-fetch.ts';

let sim: Simulator | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('simulator admin API through simulatorAdmin()', () => {
  it('injects, lists and clears faults, Infinity included', async () => {
    sim = await startSimulator();
    const admin = simulatorAdmin(sim.url);

    const id = await admin.injectFault({
      fault: { kind: 'throttle', retryAfterSec: 3 },
      match: { path: '/api/v1/pay' },
      times: Infinity,
    });
    const listed = await admin.faults();
    const throttled = await createPayout(sim.url, payoutBody());
    await admin.clearFaults();
    const afterClear = await createPayout(sim.url, payoutBody());

    expect(listed).toEqual([expect.objectContaining({ id, remaining: Infinity })]);
    expect(throttled.status).toBe(429);
    expect(afterClear.status).toBe(200);
  });

  it('reports payouts, created counts and the request log', async () => {
    sim = await startSimulator({ enforceUniqueReference: false });
    const admin = simulatorAdmin(sim.url);
    const body = payoutBody();
    await createPayout(sim.url, body);
    await createPayout(sim.url, body);

    const payouts = await admin.payouts();
    const count = await admin.createdCount(body.reference as string);
    const requests = await admin.requests();

    expect(payouts.map((p) => p.reference)).toEqual([body.reference, body.reference]);
    expect(count).toBe(2);
    expect(requests.map((r) => r.outcome)).toEqual(['created', 'created']);
  });

  it('adds and revokes credentials', async () => {
    sim = await startSimulator();
    const admin = simulatorAdmin(sim.url);
    const rotated = { id: 'admin-rotated', key: 'admin-rotated-key-123' };

    await admin.addCredential(rotated);
    await admin.revokeCredential(DEFAULT_CREDENTIAL.id);
    const old = await signedFetch(sim.url, '/api/v1/merchant');
    const fresh = await signedFetch(sim.url, '/api/v1/merchant', { credential: rotated });

    expect([old.status, fresh.status]).toEqual([401, 200]);
    await expect(admin.revokeCredential('never-existed')).rejects.toMatchObject({ status: 404 });
  });

  it('moves a payout to COMPLETE and fills the actual amounts', async () => {
    sim = await startSimulator();
    const admin = simulatorAdmin(sim.url);
    const created = (await (await createPayout(sim.url, payoutBody())).json()) as SummaryPayment;

    await admin.setPayoutStatus(created.uuid, 'COMPLETE');
    const read = (await (
      await signedFetch(sim.url, `/api/v1/pay/${created.uuid}/summary`)
    ).json()) as SummaryPayment;

    expect(read.status).toBe('COMPLETE');
    expect(read.displayCurrency.actual).toBe(read.displayCurrency.amount);
    expect(read.transactions).toHaveLength(1);
    await expect(admin.setPayoutStatus('no-such-uuid', 'COMPLETE')).rejects.toMatchObject({ status: 404 });
  });

  it('sets latency and resets everything', async () => {
    sim = await startSimulator();
    const admin = simulatorAdmin(sim.url);
    await createPayout(sim.url, payoutBody());
    await admin.revokeCredential(DEFAULT_CREDENTIAL.id);
    await admin.setLatency(150);
    const began = Date.now();
    await signedFetch(sim.url, '/api/v1/merchant');
    const slowMs = Date.now() - began;

    await admin.reset();
    const afterReset = await signedFetch(sim.url, '/api/v1/merchant');

    expect(slowMs).toBeGreaterThanOrEqual(140);
    expect(afterReset.status).toBe(200);
    expect(await admin.payouts()).toEqual([]);
  });

  it('answers 400 to a malformed rule', async () => {
    sim = await startSimulator();
    const admin = simulatorAdmin(sim.url);

    const rejected = admin.injectFault({ fault: { kind: 'status', status: 418 as 500 } });

    await expect(rejected).rejects.toBeInstanceOf(SimulatorAdminError);
    await expect(rejected).rejects.toMatchObject({ status: 400 });
  });
});
