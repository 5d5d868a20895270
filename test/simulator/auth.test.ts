import Hawk from 'hawk';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CREDENTIAL, DEFAULT_MERCHANT } from '#simulator/defaults.ts';
import { startSimulator } from '#simulator/simulator.ts';
import type { Simulator, SimulatorOptions } from '#simulator/types.ts';
import { createPayout, payoutBody, signedFetch } from './signed-fetch.ts';

const NOW_MS = 1_750_000_000_000;
const NOW_S = NOW_MS / 1000;
let sim: Simulator | undefined;

async function start(options: SimulatorOptions = {}): Promise<Simulator> {
  sim = await startSimulator({ clock: () => NOW_MS, ...options });
  return sim;
}

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('simulator: HAWK authentication', () => {
  it('accepts a request signed with a known credential and logs id and nonce, never the key', async () => {
    const s = await start();

    const response = await signedFetch(s.url, '/api/v1/merchant', { timestamp: NOW_S, nonce: 'n0nce-ok-1' });

    expect(response.status).toBe(200);
    const [entry] = s.requests();
    expect(entry).toMatchObject({
      method: 'GET',
      path: '/api/v1/merchant',
      status: 200,
      authId: DEFAULT_CREDENTIAL.id,
      nonce: 'n0nce-ok-1',
      outcome: 'merchants',
    });
    expect(JSON.stringify(s.requests())).not.toContain(DEFAULT_CREDENTIAL.key);
  });

  it('answers 401 UNAUTHORIZED to a mac made with the wrong key', async () => {
    const s = await start();
    const credential = { id: DEFAULT_CREDENTIAL.id, key: 'not-the-key' };

    const response = await signedFetch(s.url, '/api/v1/merchant', { timestamp: NOW_S, credential });

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ code: 'UNAUTHORIZED', message: 'Bad mac' });
    expect(s.requests()[0]).toMatchObject({ status: 401, outcome: 'unauthorized' });
  });

  it('answers 401 to a mac over another path', async () => {
    const s = await start();

    const response = await signedFetch(s.url, '/api/v1/merchant', {
      timestamp: NOW_S,
      signedUrl: `${s.url}/api/v1/pay/summary`,
    });

    expect(response.status).toBe(401);
  });

  it.each([-61, 61])('answers 401 to a ts %i s away from the clock', async (offset) => {
    const s = await start();

    const response = await signedFetch(s.url, '/api/v1/merchant', { timestamp: NOW_S + offset });

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ message: 'Stale timestamp' });
  });

  it('accepts a ts within timestampSkewSec', async () => {
    const s = await start({ timestampSkewSec: 300 });

    const response = await signedFetch(s.url, '/api/v1/merchant', { timestamp: NOW_S - 299 });

    expect(response.status).toBe(200);
  });

  it('answers 429 to a nonce already used by the same credential', async () => {
    const s = await start();
    const signed = { timestamp: NOW_S, nonce: 'same-nonce-42' };

    const first = await signedFetch(s.url, '/api/v1/merchant', signed);
    const second = await signedFetch(s.url, '/api/v1/merchant', signed);

    expect([first.status, second.status]).toEqual([200, 429]);
    expect(s.requests()[1]).toMatchObject({ status: 429, outcome: 'nonce-reused', nonce: 'same-nonce-42' });
  });

  it('forgets a nonce after 15 minutes', async () => {
    let now = NOW_MS;
    const s = await start({ clock: () => now });
    await signedFetch(s.url, '/api/v1/merchant', { timestamp: now / 1000, nonce: 'old-nonce-1' });
    now += 15 * 60_000 + 1_000;

    const again = await signedFetch(s.url, '/api/v1/merchant', {
      timestamp: now / 1000,
      nonce: 'old-nonce-1',
    });

    expect(again.status).toBe(200);
  });

  it('answers 401 to a revoked credential and accepts an added one', async () => {
    const s = await start();
    const rotated = { id: 'rotated-id', key: 'rotated-key-0123456789' };
    s.addCredential(rotated);

    expect(s.revokeCredential(DEFAULT_CREDENTIAL.id)).toBe(true);
    const old = await signedFetch(s.url, '/api/v1/merchant', { timestamp: NOW_S });
    const fresh = await signedFetch(s.url, '/api/v1/merchant', { timestamp: NOW_S, credential: rotated });

    expect(old.status).toBe(401);
    expect(await old.json()).toMatchObject({ message: 'Unknown credentials' });
    expect(fresh.status).toBe(200);
  });

  it('answers 401 to a request without an Authorization header', async () => {
    const s = await start();

    const response = await fetch(`${s.url}/api/v1/merchant`);

    expect(response.status).toBe(401);
    expect(s.requests()[0]).toMatchObject({ authId: null, outcome: 'unauthorized' });
  });

  it('verifies with the Host header the client signed, port included', async () => {
    const s = await start();
    const port = Number(new URL(s.url).port);
    const { header } = Hawk.client.header(`http://127.0.0.1:${port + 1}/api/v1/merchant`, 'GET', {
      credentials: { ...DEFAULT_CREDENTIAL, algorithm: 'sha256' },
      timestamp: NOW_S,
    });

    const response = await fetch(`${s.url}/api/v1/merchant`, { headers: { authorization: header } });

    expect(response.status).toBe(401);
  });

  it('does not create a payout for an unauthenticated create', async () => {
    const s = await start();

    const response = await createPayout(s.url, payoutBody(), { timestamp: NOW_S - 3_600 });

    expect(response.status).toBe(401);
    expect(s.payouts()).toEqual([]);
  });
});

describe('simulator: query string in the mac', () => {
  const path = `/api/v1/pay/summary?merchantId=${DEFAULT_MERCHANT.merchantId}&q=abcdef`;

  it.each([
    ['either', 'with the query', 200],
    ['either', 'without the query', 200],
    ['included', 'with the query', 200],
    ['included', 'without the query', 401],
    ['excluded', 'with the query', 401],
    ['excluded', 'without the query', 200],
  ] as const)('queryInMac %s: a mac %s gets %i', async (queryInMac, variant, status) => {
    const s = await start({ queryInMac });
    const signedPath = variant === 'with the query' ? path : '/api/v1/pay/summary';

    const response = await signedFetch(s.url, path, { timestamp: NOW_S, signedUrl: `${s.url}${signedPath}` });

    expect(response.status).toBe(status);
  });
});
