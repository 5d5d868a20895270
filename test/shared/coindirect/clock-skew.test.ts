import hawk from 'hawk';
import { describe, expect, it } from 'vitest';
import { CoindirectClient, type CredentialSource } from '#shared/coindirect/client.ts';
import { ClockOffset, verifiedServerTime } from '#shared/coindirect/clock-skew.ts';
import type { HawkCredentials } from '#shared/coindirect/hawk-signer.ts';
import type { HttpRequest, HttpResponse, HttpTransport } from '#shared/coindirect/http-transport.ts';
import { TokenBucketPacer } from '#shared/coindirect/pacer.ts';
import { parseHawkHeader } from './hawk-header.ts';
import { btcPayout, btcSummary, response } from './payout-fixtures.ts';

const KEY: HawkCredentials = { hawkAuthId: 'key-id', hawkAuthKey: 'key-aaaaaaaaaaaaaaaaaaaa' };
const ROTATED: HawkCredentials = { hawkAuthId: 'key-id-2', hawkAuthKey: 'key-bbbbbbbbbbbbbbbbbbbb' };
const LOCAL_NOW = 1_700_000_000_000;
/** The server runs 10 minutes ahead of the container. */
const SERVER_AHEAD_MS = 600_000;

/** The 401 hawk's server gives a stale timestamp: `WWW-Authenticate` with its time and a MAC of it. */
function staleTimestamp(key: HawkCredentials = KEY, tsm?: string): HttpResponse {
  const server = hawk.crypto.timestampMessage(
    { id: key.hawkAuthId, key: key.hawkAuthKey, algorithm: 'sha256' },
    LOCAL_NOW + SERVER_AHEAD_MS - Date.now(),
  );
  return response(
    401,
    { code: 'UNAUTHORIZED', message: 'Stale timestamp' },
    { 'www-authenticate': `Hawk ts="${server.ts}", tsm="${tsm ?? server.tsm}", error="Stale timestamp"` },
  );
}

function scripted(...script: HttpResponse[]) {
  const requests: HttpRequest[] = [];
  const transport: HttpTransport = async (request) => {
    requests.push(request);
    const next = script.shift();
    if (next === undefined) throw new Error(`unexpected request #${requests.length}`);
    return next;
  };
  return { transport, requests };
}

function keys() {
  const calls = { refresh: 0 };
  const source: CredentialSource = {
    get: async () => KEY,
    refresh: async () => {
      calls.refresh++;
      return ROTATED;
    },
  };
  return { source, calls };
}

const tsOf = (request: HttpRequest | undefined) =>
  Number(parseHawkHeader(request?.headers.authorization ?? '').ts);

describe('verifiedServerTime', () => {
  it('reads the server’s time from a stale-timestamp 401 whose tsm verifies under our key', () => {
    const time = verifiedServerTime(staleTimestamp(), KEY);
    expect(Math.abs((time ?? 0) - (LOCAL_NOW + SERVER_AHEAD_MS))).toBeLessThan(1_000);
  });

  it('trusts no time whose tsm does not verify: forged, or made with another key', () => {
    expect(verifiedServerTime(staleTimestamp(KEY, 'Zm9yZ2VkLXRzbQ=='), KEY)).toBeUndefined();
    expect(verifiedServerTime(staleTimestamp(ROTATED), KEY)).toBeUndefined();
  });

  it('finds no time in another 401, or in an answer that is not a 401', () => {
    const badMac = response(401, {}, { 'www-authenticate': 'Hawk error="Bad mac"' });
    const noHeader = response(401, {});
    const ok = { ...staleTimestamp(), status: 200 };
    expect([badMac, noHeader, ok].map((r) => verifiedServerTime(r, KEY))).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe('CoindirectClient after a 401 from clock skew', () => {
  it('corrects the clock and retries once, signed with the server’s time, without refetching the key', async () => {
    // Arrange
    const { transport, requests } = scripted(staleTimestamp(), response(200, btcSummary()));
    const { source, calls } = keys();
    const clockOffset = new ClockOffset();
    const client = new CoindirectClient({
      baseUrl: 'https://api.sandbox.coindirect.com',
      credentials: source,
      transport,
      clock: () => LOCAL_NOW,
      clockOffset,
    });

    // Act
    const outcome = await client.createPayout(btcPayout());

    // Assert
    expect(outcome.kind).toBe('created');
    expect(calls.refresh).toBe(0);
    expect(requests).toHaveLength(2);
    expect(tsOf(requests[0])).toBe(LOCAL_NOW / 1000);
    expect(Math.abs(tsOf(requests[1]) - (LOCAL_NOW + SERVER_AHEAD_MS) / 1000)).toBeLessThanOrEqual(1);
    expect(Math.abs(clockOffset.ms - SERVER_AHEAD_MS)).toBeLessThan(1_500);
  });

  it('treats a forged tsm as any other 401: the clock stays, the key is refetched, one retry', async () => {
    // Arrange
    const unauthorized = response(401, { code: 'UNAUTHORIZED' });
    const { transport, requests } = scripted(staleTimestamp(KEY, 'Zm9yZ2VkLXRzbQ=='), unauthorized);
    const { source, calls } = keys();
    const clockOffset = new ClockOffset();
    const client = new CoindirectClient({
      baseUrl: 'https://api.sandbox.coindirect.com',
      credentials: source,
      transport,
      clock: () => LOCAL_NOW,
      clockOffset,
    });

    // Act
    const outcome = await client.createPayout(btcPayout());

    // Assert
    expect(outcome).toEqual({ kind: 'unauthorized', status: 401 });
    expect(clockOffset.ms).toBe(0);
    expect(calls.refresh).toBe(1);
    expect(requests.map(tsOf)).toEqual([LOCAL_NOW / 1000, LOCAL_NOW / 1000]);
  });

  it('corrects the clock only once per call: a second stale answer goes the key’s way, and the call ends', async () => {
    // Arrange
    const { transport, requests } = scripted(staleTimestamp(), staleTimestamp(), staleTimestamp(ROTATED));
    const { source, calls } = keys();
    const client = new CoindirectClient({
      baseUrl: 'https://api.sandbox.coindirect.com',
      credentials: source,
      transport,
      clock: () => LOCAL_NOW,
    });

    // Act
    const outcome = await client.createPayout(btcPayout());

    // Assert
    expect(outcome).toEqual({ kind: 'unauthorized', status: 401 });
    expect(calls.refresh).toBe(1);
    expect(requests).toHaveLength(3);
  });
});

describe('CoindirectClient with a pacer', () => {
  it('pauses the container’s requests for a 429’s Retry-After', async () => {
    // Arrange
    let now = LOCAL_NOW;
    const pacer = new TokenBucketPacer({
      ratePerSecond: 100,
      clock: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    });
    const { transport } = scripted(response(429, { code: 'TOO_MANY_REQUESTS' }, { 'retry-after': '3' }));
    const client = new CoindirectClient({
      baseUrl: 'https://api.sandbox.coindirect.com',
      credentials: keys().source,
      transport,
      clock: () => now,
      pacer,
    });

    // Act
    const outcome = await client.getPayout('some-uuid');

    // Assert
    expect(outcome).toEqual({ kind: 'throttled', retryAfterSeconds: 3 });
    expect(pacer.delayMs()).toBe(3_000);
  });

  it('sends nothing when no slot comes before the deadline, and says it was the pacing', async () => {
    // Arrange: paused for 30 s, with 10 s left in the invocation.
    let now = LOCAL_NOW;
    const pacer = new TokenBucketPacer({
      ratePerSecond: 5,
      clock: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    });
    pacer.pauseFor(30_000);
    const { transport, requests } = scripted();
    const client = new CoindirectClient({
      baseUrl: 'https://api.sandbox.coindirect.com',
      credentials: keys().source,
      transport,
      clock: () => now,
      pacer,
    });

    // Act
    const outcome = await client.findPayoutByReference('m', 'ref-1', { timeLeftMs: () => 10_000 });

    // Assert
    expect(outcome).toMatchObject({ kind: 'outOfTime', paced: true });
    expect(requests).toHaveLength(0);
    expect(now).toBe(LOCAL_NOW);
  });
});
