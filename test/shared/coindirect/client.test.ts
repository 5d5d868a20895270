import { describe, expect, it } from 'vitest';
import {
  CoindirectClient,
  type CredentialSource,
  createPayoutBody,
  SEARCH_MAX_PAGES,
  SEARCH_PAGE_SIZE,
} from '#shared/coindirect/client.ts';
import { TransportError } from '#shared/coindirect/errors.ts';
import type { HawkCredentials } from '#shared/coindirect/hawk-signer.ts';
import type { HttpRequest, HttpResponse, HttpTransport } from '#shared/coindirect/http-transport.ts';
import { expectedMac, parseHawkHeader, VECTOR_KEY } from './hawk-header.ts';
import { btcPayout, btcSummary, MERCHANT_ID, response } from './payout-fixtures.ts';

const BASE_URL = 'https://api.sandbox.coindirect.com';
const OLD_KEY: HawkCredentials = { hawkAuthId: 'old-id', hawkAuthKey: 'old-key-aaaaaaaaaaaaaaaa' };
const NEW_KEY: HawkCredentials = { hawkAuthId: 'new-id', hawkAuthKey: 'new-key-bbbbbbbbbbbbbbbb' };

/** A transport that records each request and plays back a script of responses or transport errors. */
function scriptedTransport(...script: Array<HttpResponse | Error>) {
  const requests: HttpRequest[] = [];
  const transport: HttpTransport = async (request) => {
    requests.push(request);
    const next = script.shift();
    if (next === undefined) throw new Error(`unexpected request #${requests.length}`);
    if (next instanceof Error) throw next;
    return next;
  };
  return { transport, requests };
}

/** A credential source that counts calls: get() gives the old key, refresh() the rotated one. */
function credentialSource() {
  const calls = { get: 0, refresh: 0 };
  const source: CredentialSource = {
    get: async () => {
      calls.get++;
      return OLD_KEY;
    },
    refresh: async () => {
      calls.refresh++;
      return NEW_KEY;
    },
  };
  return { source, calls };
}

function clientWith(transport: HttpTransport, credentials: CredentialSource, extra = {}) {
  return new CoindirectClient({ baseUrl: BASE_URL, credentials, transport, ...extra });
}

const authOf = (request: HttpRequest | undefined) => parseHawkHeader(request?.headers.authorization ?? '');

describe('CoindirectClient.createPayout', () => {
  it('POSTs the exact body, signed, to /api/v1/pay/summary when called', async () => {
    // Arrange
    const { transport, requests } = scriptedTransport(response(200, btcSummary()));
    const { source } = credentialSource();
    const payout = btcPayout();
    const client = clientWith(transport, source, { clock: () => 1_700_000_000_000, nonce: () => 'Ab3dE6gH' });

    // Act
    const outcome = await client.createPayout(payout);

    // Assert
    expect(outcome).toEqual({ kind: 'created', payout: btcSummary() });
    const [request] = requests;
    expect(request?.method).toBe('POST');
    expect(request?.url.href).toBe(`${BASE_URL}/api/v1/pay/summary`);
    expect(request?.body).toBe(createPayoutBody(payout));
    expect(request?.headers['content-type']).toBe('application/json; charset=utf-8');
    const auth = authOf(request);
    expect(auth).toMatchObject({ id: 'old-id', ts: '1700000000', nonce: 'Ab3dE6gH' });
    expect(auth.mac).toBe(
      expectedMac({
        key: OLD_KEY.hawkAuthKey,
        ts: 1700000000,
        nonce: 'Ab3dE6gH',
        method: 'POST',
        resource: '/api/v1/pay/summary',
        host: 'api.sandbox.coindirect.com',
        port: 443,
      }),
    );
  });

  it('refreshes the key once and retries once with a new nonce when the first answer is 401', async () => {
    // Arrange
    const { transport, requests } = scriptedTransport(response(401, ''), response(200, btcSummary()));
    const { source, calls } = credentialSource();

    // Act
    const outcome = await clientWith(transport, source).createPayout(btcPayout());

    // Assert
    expect(outcome.kind).toBe('created');
    expect(calls).toEqual({ get: 1, refresh: 1 });
    expect(requests).toHaveLength(2);
    const [first, second] = requests.map((r) => authOf(r));
    expect(first?.id).toBe('old-id');
    expect(second?.id).toBe('new-id');
    expect(second?.nonce).not.toBe(first?.nonce);
    expect(second?.mac).toBe(
      expectedMac({
        key: NEW_KEY.hawkAuthKey,
        ts: second?.ts ?? '',
        nonce: second?.nonce ?? '',
        method: 'POST',
        resource: '/api/v1/pay/summary',
        host: 'api.sandbox.coindirect.com',
        port: 443,
      }),
    );
    expect(requests[1]?.body).toBe(requests[0]?.body);
  });

  it('returns unauthorized after exactly one retry when the second answer is 401 too', async () => {
    // Arrange
    const { transport, requests } = scriptedTransport(response(401, ''), response(401, ''));
    const { source, calls } = credentialSource();

    // Act
    const outcome = await clientWith(transport, source).createPayout(btcPayout());

    // Assert
    expect(outcome).toEqual({ kind: 'unauthorized', status: 401 });
    expect(requests).toHaveLength(2);
    expect(calls.refresh).toBe(1);
  });

  it('does not retry when the answer is 500', async () => {
    // Arrange
    const { transport, requests } = scriptedTransport(response(500, '{"code":"X","message":"y"}'));
    const { source, calls } = credentialSource();

    // Act
    const outcome = await clientWith(transport, source).createPayout(btcPayout());

    // Assert
    expect(outcome.kind).toBe('ambiguous');
    expect(requests).toHaveLength(1);
    expect(calls.refresh).toBe(0);
  });

  it('returns unreachable when the transport fails in the connect phase', async () => {
    // Arrange
    const error = new TransportError('connect ECONNREFUSED', 'connect', 'ECONNREFUSED');
    const { transport, requests } = scriptedTransport(error);

    // Act
    const outcome = await clientWith(transport, credentialSource().source).createPayout(btcPayout());

    // Assert
    expect(outcome).toEqual({ kind: 'unreachable', detail: expect.stringContaining('ECONNREFUSED') });
    expect(requests).toHaveLength(1);
  });

  it('returns ambiguous when the transport fails after the request was sent', async () => {
    // Arrange
    const error = new TransportError('socket hang up', 'sent', 'ECONNRESET');
    const { transport, requests } = scriptedTransport(error);

    // Act
    const outcome = await clientWith(transport, credentialSource().source).createPayout(btcPayout());

    // Assert
    expect(outcome).toEqual({ kind: 'ambiguous', detail: expect.stringContaining('ECONNRESET') });
    expect(requests).toHaveLength(1);
  });

  it('rethrows when the transport throws something other than a TransportError', async () => {
    // Arrange
    const { transport } = scriptedTransport(new RangeError('bug'));

    // Act
    const result = clientWith(transport, credentialSource().source).createPayout(btcPayout());

    // Assert
    await expect(result).rejects.toThrow(RangeError);
  });
});

describe('CoindirectClient lookups', () => {
  it('sends merchantId and q in the query when finding a payout by reference', async () => {
    // Arrange
    const { transport, requests } = scriptedTransport(response(200, [btcSummary()]));

    // Act
    const outcome = await clientWith(transport, credentialSource().source).findPayoutByReference(
      MERCHANT_ID,
      'ref-000123',
    );

    // Assert
    expect(outcome).toEqual({ kind: 'found', payout: btcSummary() });
    const url = requests[0]?.url;
    expect(requests[0]?.method).toBe('GET');
    expect(url?.pathname).toBe('/api/v1/pay/summary');
    expect(url?.searchParams.get('merchantId')).toBe(MERCHANT_ID);
    expect(url?.searchParams.get('q')).toBe('ref-000123');
    expect(requests[0]?.body).toBeUndefined();
  });

  it('pages on when a full page has no exact match, and finds it on a later page', async () => {
    // Arrange: q matched 50 other payouts (e.g. references that contain this one) before the right one.
    const others = Array.from({ length: SEARCH_PAGE_SIZE }, (_, i) =>
      btcSummary({ reference: `ref-000123-${i}` }),
    );
    const { transport, requests } = scriptedTransport(response(200, others), response(200, [btcSummary()]));

    // Act
    const outcome = await clientWith(transport, credentialSource().source).findPayoutByReference(
      MERCHANT_ID,
      'ref-000123',
    );

    // Assert
    expect(outcome).toEqual({ kind: 'found', payout: btcSummary() });
    expect(requests.map((r) => r.url.searchParams.get('offset'))).toEqual(['0', String(SEARCH_PAGE_SIZE)]);
  });

  it('answers ambiguous, never notFound, when every page it may read is full of other matches', async () => {
    // Arrange
    const others = Array.from({ length: SEARCH_PAGE_SIZE }, (_, i) =>
      btcSummary({ reference: `ref-000123-${i}` }),
    );
    const pages = Array.from({ length: SEARCH_MAX_PAGES }, () => response(200, others));
    const { transport, requests } = scriptedTransport(...pages);

    // Act
    const outcome = await clientWith(transport, credentialSource().source).findPayoutByReference(
      MERCHANT_ID,
      'ref-000123',
    );

    // Assert
    expect(outcome.kind).toBe('ambiguous');
    expect(requests).toHaveLength(SEARCH_MAX_PAGES);
  });

  it('signs the search without its query when signQuery is false (§9 row 2)', async () => {
    // Arrange
    const { transport, requests } = scriptedTransport(response(200, []));
    const credentials: CredentialSource = {
      get: async () => ({ hawkAuthId: 'id', hawkAuthKey: VECTOR_KEY }),
      refresh: async () => NEW_KEY,
    };
    const options = { clock: () => 1_700_000_000_000, nonce: () => 'Zx9Yw8Vu', signQuery: false };

    // Act
    const outcome = await clientWith(transport, credentials, options).findPayoutByReference(
      MERCHANT_ID,
      'ref-000123',
    );

    // Assert
    expect(outcome).toEqual({ kind: 'notFound' });
    expect(authOf(requests[0]).mac).toBe('YxDOJ6Gr3doyE+i1LUj8uKREMRBhNqd2JMxAzoiOIJ0=');
  });

  it('GETs /api/v1/pay/{uuid}/summary with the uuid encoded when reading a payout', async () => {
    // Arrange
    const { transport, requests } = scriptedTransport(response(200, btcSummary()));

    // Act
    const outcome = await clientWith(transport, credentialSource().source).getPayout('a/b?c');

    // Assert
    expect(outcome.kind).toBe('found');
    expect(requests[0]?.url.pathname).toBe('/api/v1/pay/a%2Fb%3Fc/summary');
    expect(requests[0]?.url.search).toBe('');
  });

  it('lists merchant ids when /api/v1/merchant answers 200', async () => {
    // Arrange
    const body = [
      { merchantId: MERCHANT_ID, secret: 'webhook-secret' },
      { id: 7 },
      { merchantId: 'm-2222222' },
    ];
    const { transport, requests } = scriptedTransport(response(200, body));

    // Act
    const outcome = await clientWith(transport, credentialSource().source).listMerchantIds();

    // Assert
    expect(outcome).toEqual({ kind: 'ok', merchantIds: [MERCHANT_ID, 'm-2222222'] });
    expect(requests[0]?.url.pathname).toBe('/api/v1/merchant');
  });

  it('returns ambiguous when the merchant list answer is not a list', async () => {
    // Arrange
    const { transport } = scriptedTransport(response(200, btcSummary()));

    // Act
    const outcome = await clientWith(transport, credentialSource().source).listMerchantIds();

    // Assert
    expect(outcome.kind).toBe('ambiguous');
  });

  it('uses a distinct nonce on every request when several calls are made', async () => {
    // Arrange
    const { transport, requests } = scriptedTransport(
      response(401, ''),
      response(200, btcSummary()),
      response(200, btcSummary()),
      response(200, []),
      response(503, ''),
      response(200, []),
    );
    const client = clientWith(transport, credentialSource().source, { clock: () => 1_700_000_000_000 });

    // Act
    await client.createPayout(btcPayout());
    await client.getPayout('uuid-1');
    await client.findPayoutByReference(MERCHANT_ID, 'ref-000123');
    await client.createPayout(btcPayout());
    await client.listMerchantIds();

    // Assert
    const nonces = requests.map((r) => authOf(r).nonce);
    expect(nonces).toHaveLength(6);
    expect(new Set(nonces).size).toBe(6);
  });
});
