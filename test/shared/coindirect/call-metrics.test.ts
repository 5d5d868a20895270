import { describe, expect, it } from 'vitest';
import { type CoindirectCall, ObservedCoindirectClient } from '#shared/coindirect/call-metrics.ts';
import type { CredentialSource } from '#shared/coindirect/client.ts';
import { TransportError } from '#shared/coindirect/errors.ts';
import type { HttpResponse, HttpTransport } from '#shared/coindirect/http-transport.ts';
import { btcPayout, btcSummary, MERCHANT_ID, response } from './payout-fixtures.ts';

const KEY = { hawkAuthId: 'id', hawkAuthKey: 'key-aaaaaaaaaaaaaaaa' };
const credentials: CredentialSource = { get: async () => KEY, refresh: async () => KEY };

function observedClient(
  script: Array<HttpResponse | Error>,
  options: { credentials?: CredentialSource; observe?: (call: CoindirectCall) => void } = {},
) {
  const calls: CoindirectCall[] = [];
  const transport: HttpTransport = async () => {
    const next = script.shift();
    if (next === undefined) throw new Error('unexpected request');
    if (next instanceof Error) throw next;
    return next;
  };
  const client = new ObservedCoindirectClient(
    {
      baseUrl: 'https://api.sandbox.coindirect.com',
      credentials: options.credentials ?? credentials,
      transport,
    },
    options.observe ?? ((call) => void calls.push(call)),
  );
  return { client, calls };
}

describe('ObservedCoindirectClient', () => {
  it('reports each operation with the class its answer was given and how long it took', async () => {
    const { client, calls } = observedClient([
      response(200, btcSummary()),
      response(429, {}, { 'retry-after': '2' }),
      response(200, [btcSummary()]),
      new TransportError('could not connect', 'connect', 'ECONNREFUSED'),
      response(200, [{ merchantId: MERCHANT_ID }]),
    ]);

    await client.createPayout(btcPayout());
    await client.getPayout('uuid-1');
    await client.findPayoutByReference(MERCHANT_ID, btcPayout().reference);
    await client.getPayout('uuid-2');
    await client.listMerchantIds();

    expect(calls.map(({ operation, outcome }) => [operation, outcome])).toEqual([
      ['create', 'created'],
      ['read', 'throttled'],
      ['lookup', 'found'],
      ['read', 'unreachable'],
      ['listMerchants', 'ok'],
    ]);
    expect(calls.every((c) => Number.isFinite(c.durationMs) && c.durationMs >= 0)).toBe(true);
  });

  it('reports a call that threw as outcome error, and still throws', async () => {
    const failing: CredentialSource = {
      get: async () => {
        throw new Error('secret unreadable');
      },
      refresh: async () => KEY,
    };
    const { client, calls } = observedClient([], { credentials: failing });

    await expect(client.createPayout(btcPayout())).rejects.toThrow('secret unreadable');

    expect(calls.map(({ operation, outcome }) => [operation, outcome])).toEqual([['create', 'error']]);
  });

  it('returns the outcome even when the observer throws', async () => {
    const { client } = observedClient([response(200, btcSummary())], {
      observe: () => {
        throw new Error('metrics broken');
      },
    });

    const outcome = await client.createPayout(btcPayout());

    expect(outcome.kind).toBe('created');
  });
});
