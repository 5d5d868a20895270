import { describe, expect, it } from 'vitest';
import { type HawkCredentials, randomNonce, signRequest } from '#shared/coindirect/hawk-signer.ts';
import { expectedMac, parseHawkHeader, VECTOR_KEY } from './hawk-header.ts';

const credentials: HawkCredentials = { hawkAuthId: 'hawk-auth-id-1', hawkAuthKey: VECTOR_KEY };
const SANDBOX = 'https://api.sandbox.coindirect.com';
const SEARCH_QUERY = 'merchantId=9a57c17a-1eef-48ff-83d0-b5892c99f767&q=ref-000123';

/** Pins time and randomness the way the signer's options allow. */
const pinned = (tsSeconds: number, nonce: string) => ({ clock: () => tsSeconds * 1000, nonce: () => nonce });

describe('signRequest', () => {
  it('reproduces the documented Coindirect vector when signing GET /api/currency/fiat (§2.4)', () => {
    // Arrange
    const url = new URL(`${SANDBOX}/api/currency/fiat`);

    // Act
    const header = signRequest(url, 'GET', credentials, pinned(1653303875, 'VIp7ugfn'));

    // Assert
    expect(header).toBe(
      'Hawk id="hawk-auth-id-1", ts="1653303875", nonce="VIp7ugfn", mac="zVUmLFKdBZywyl8ALX9Aye2bnC7AIQwxsBllXVa1LdI="',
    );
  });

  it('produces a header with exactly id, ts, nonce and mac, and no hash or ext, when signing a POST', () => {
    // Arrange
    const url = new URL(`${SANDBOX}/api/v1/pay/summary`);

    // Act
    const fields = parseHawkHeader(signRequest(url, 'POST', credentials, pinned(1700000000, 'Ab3dE6gH')));

    // Assert
    expect(fields.names).toEqual(['id', 'ts', 'nonce', 'mac']);
    expect(fields.id).toBe('hawk-auth-id-1');
  });

  it('matches the derived POST /api/v1/pay/summary vector (§9 row 1)', () => {
    // Arrange
    const url = new URL(`${SANDBOX}/api/v1/pay/summary`);

    // Act
    const { mac } = parseHawkHeader(signRequest(url, 'POST', credentials, pinned(1700000000, 'Ab3dE6gH')));

    // Assert
    expect(mac).toBe('ztSrRxhNJrn8nB/cmH4+fTstHj7CsdMNrdjGuVlkTAo=');
  });

  it('signs the query string by default when the URL has one (§9 row 3)', () => {
    // Arrange
    const url = new URL(`${SANDBOX}/api/v1/pay/summary?${SEARCH_QUERY}`);

    // Act
    const { mac } = parseHawkHeader(signRequest(url, 'GET', credentials, pinned(1700000000, 'Zx9Yw8Vu')));

    // Assert
    expect(mac).toBe('mPETGXXH43n45qHLCddmO2F4Tz3wyl9vfmW4uGRHdV8=');
  });

  it('leaves the query string out of the MAC when signQuery is false (§9 row 2)', () => {
    // Arrange
    const url = new URL(`${SANDBOX}/api/v1/pay/summary?${SEARCH_QUERY}`);

    // Act
    const header = signRequest(url, 'GET', credentials, {
      ...pinned(1700000000, 'Zx9Yw8Vu'),
      signQuery: false,
    });

    // Assert
    expect(parseHawkHeader(header).mac).toBe('YxDOJ6Gr3doyE+i1LUj8uKREMRBhNqd2JMxAzoiOIJ0=');
    expect(url.search).toBe(`?${SEARCH_QUERY}`);
  });

  it('upper-cases the method before signing when given a lower-case one', () => {
    // Arrange
    const url = new URL(`${SANDBOX}/api/v1/pay/summary`);

    // Act
    const { mac } = parseHawkHeader(signRequest(url, 'post', credentials, pinned(1700000000, 'Ab3dE6gH')));

    // Assert
    expect(mac).toBe('ztSrRxhNJrn8nB/cmH4+fTstHj7CsdMNrdjGuVlkTAo=');
  });

  it('puts the pinned clock into ts as whole seconds, rounded down, when the clock has milliseconds', () => {
    // Arrange
    const url = new URL(`${SANDBOX}/api/currency/fiat`);
    const options = { clock: () => 1_653_303_875_999, nonce: () => 'VIp7ugfn' };

    // Act
    const fields = parseHawkHeader(signRequest(url, 'GET', credentials, options));

    // Assert
    expect(fields.ts).toBe('1653303875');
    expect(fields.mac).toBe('zVUmLFKdBZywyl8ALX9Aye2bnC7AIQwxsBllXVa1LdI=');
  });

  it('signs the explicit port when the URL names one', () => {
    // Arrange
    const url = new URL(`https://api.sandbox.coindirect.com:8443/api/currency/fiat`);

    // Act
    const { mac } = parseHawkHeader(signRequest(url, 'GET', credentials, pinned(1653303875, 'VIp7ugfn')));

    // Assert
    expect(mac).toBe(
      expectedMac({
        key: VECTOR_KEY,
        ts: 1653303875,
        nonce: 'VIp7ugfn',
        method: 'GET',
        resource: '/api/currency/fiat',
        host: 'api.sandbox.coindirect.com',
        port: 8443,
      }),
    );
    expect(mac).not.toBe('zVUmLFKdBZywyl8ALX9Aye2bnC7AIQwxsBllXVa1LdI=');
  });

  it('signs port 443 when the URL spells out the https default port', () => {
    // Arrange
    const url = new URL(`https://api.sandbox.coindirect.com:443/api/currency/fiat`);

    // Act
    const { mac } = parseHawkHeader(signRequest(url, 'GET', credentials, pinned(1653303875, 'VIp7ugfn')));

    // Assert
    expect(mac).toBe('zVUmLFKdBZywyl8ALX9Aye2bnC7AIQwxsBllXVa1LdI=');
  });

  it('signs port 80 when the URL is plain http without a port', () => {
    // Arrange
    const url = new URL('http://127.0.0.1/api/v1/pay/summary');

    // Act
    const { mac } = parseHawkHeader(signRequest(url, 'POST', credentials, pinned(1700000000, 'Ab3dE6gH')));

    // Assert
    expect(mac).toBe(
      expectedMac({
        key: VECTOR_KEY,
        ts: 1700000000,
        nonce: 'Ab3dE6gH',
        method: 'POST',
        resource: '/api/v1/pay/summary',
        host: '127.0.0.1',
        port: 80,
      }),
    );
  });

  it('signs the lower-case host when the URL host has capitals', () => {
    // Arrange
    const url = new URL('https://API.Sandbox.Coindirect.com/api/currency/fiat');

    // Act
    const { mac } = parseHawkHeader(signRequest(url, 'GET', credentials, pinned(1653303875, 'VIp7ugfn')));

    // Assert
    expect(mac).toBe('zVUmLFKdBZywyl8ALX9Aye2bnC7AIQwxsBllXVa1LdI=');
  });

  it('uses a fresh 16-character base62 nonce per call when no nonce function is given', () => {
    // Arrange
    const url = new URL(`${SANDBOX}/api/v1/pay/summary`);
    const options = { clock: () => 1_700_000_000_000 };

    // Act
    const nonces = Array.from(
      { length: 50 },
      () => parseHawkHeader(signRequest(url, 'POST', credentials, options)).nonce,
    );

    // Assert
    for (const nonce of nonces) expect(nonce).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(new Set(nonces).size).toBe(nonces.length);
  });

  it('uses the real clock in seconds when no clock is given', () => {
    // Arrange
    const url = new URL(`${SANDBOX}/api/currency/fiat`);
    const before = Math.floor(Date.now() / 1000);

    // Act
    const ts = Number(parseHawkHeader(signRequest(url, 'GET', credentials)).ts);

    // Assert
    expect(ts).toBeGreaterThanOrEqual(before);
    expect(ts).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });
});

describe('randomNonce', () => {
  it('returns 16 base62 characters when called without a length', () => {
    // Act
    const nonce = randomNonce();

    // Assert
    expect(nonce).toMatch(/^[A-Za-z0-9]{16}$/);
  });

  it('returns the requested number of characters when given a length', () => {
    // Act
    const nonces = [randomNonce(8), randomNonce(12), randomNonce(64)];

    // Assert
    expect(nonces.map((n) => n.length)).toEqual([8, 12, 64]);
    for (const nonce of nonces) expect(nonce).toMatch(/^[A-Za-z0-9]+$/);
  });

  it('differs on every call when called many times', () => {
    // Act
    const nonces = Array.from({ length: 2_000 }, () => randomNonce());

    // Assert
    expect(new Set(nonces).size).toBe(nonces.length);
  });

  it('uses the whole base62 alphabet when enough characters are drawn', () => {
    // Act
    const characters = new Set(Array.from({ length: 200 }, () => randomNonce()).join(''));

    // Assert
    expect(characters.size).toBe(62);
  });
});

describe('expectedMac (test helper)', () => {
  it('reproduces the documented vector when given its inputs', () => {
    // Act
    const mac = expectedMac({
      key: VECTOR_KEY,
      ts: 1653303875,
      nonce: 'VIp7ugfn',
      method: 'GET',
      resource: '/api/currency/fiat',
      host: 'api.sandbox.coindirect.com',
      port: 443,
    });

    // Assert
    expect(mac).toBe('zVUmLFKdBZywyl8ALX9Aye2bnC7AIQwxsBllXVa1LdI=');
  });
});
