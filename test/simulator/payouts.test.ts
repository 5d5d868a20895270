import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MERCHANT } from '#simulator/defaults.ts';
import { startSimulator } from '#simulator/simulator.ts';
import type { Simulator, SimulatorOptions, SummaryPayment } from '#simulator/types.ts';
import {
  createPayout,
  ETH_ADDRESS,
  firstError,
  payoutBody,
  signedFetch,
  TRON_ADDRESS,
  XRP_ADDRESS,
} from './signed-fetch.ts';

let sim: Simulator | undefined;

async function start(options: SimulatorOptions = {}): Promise<Simulator> {
  sim = await startSimulator(options);
  return sim;
}

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('simulator: create payout', () => {
  it('answers 200 with a SummaryPaymentDto and records the request', async () => {
    const s = await start({ clock: () => 1_700_000_000_000 });
    const body = payoutBody({ expiryMinutes: 30 });

    const response = await createPayout(s.url, body, { timestamp: 1_700_000_000 });

    expect(response.status).toBe(200);
    const summary = (await response.json()) as SummaryPayment;
    expect(summary).toMatchObject({
      merchantId: DEFAULT_MERCHANT.merchantId,
      merchantDisplayName: DEFAULT_MERCHANT.displayName,
      dateCreated: 1_700_000_000_000,
      expiryDate: 1_700_000_000_000 + 30 * 60_000,
      reference: body.reference,
      type: 'OUT',
      subType: 'merchantPayOut',
      status: 'PROCESSING',
      displayCurrency: { currency: 'EUR', amount: 40.1, actual: 0 },
      paidCurrency: { currency: 'BTC', actual: 0 },
      address: { tag: null, protocol: null, alternatives: [] },
      transactions: [],
    });
    expect(summary.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(s.payouts()).toEqual([
      expect.objectContaining({ uuid: summary.uuid, request: body, rawBody: JSON.stringify(body) }),
    ]);
  });

  it('creates PENDING payouts when createStatus says so', async () => {
    const s = await start({ createStatus: 'PENDING' });

    const summary = (await (await createPayout(s.url, payoutBody())).json()) as SummaryPayment;

    expect(summary.status).toBe('PENDING');
  });

  it('answers 400 reference/unique to a duplicate reference and creates nothing more', async () => {
    const s = await start();
    const body = payoutBody();
    await createPayout(s.url, body);

    const second = await createPayout(s.url, { ...body, amount: 99 });

    expect(second.status).toBe(400);
    expect(await firstError(second)).toEqual({
      parameter: 'reference',
      code: 'unique',
      message: 'Duplicate Reference',
    });
    expect(s.createdCount(body.reference as string)).toBe(1);
  });

  it('answers MER-PAY-2010 to a duplicate reference in bvnk style', async () => {
    const s = await start({ errorStyle: 'bvnk' });
    const body = payoutBody();
    await createPayout(s.url, body);

    const second = await createPayout(s.url, body);

    expect(await firstError(second)).toMatchObject({ parameter: 'reference', code: 'MER-PAY-2010' });
  });

  it('creates a second payout for a used reference when uniqueness is off', async () => {
    const s = await start({ enforceUniqueReference: false });
    const body = payoutBody();

    const statuses = [(await createPayout(s.url, body)).status, (await createPayout(s.url, body)).status];

    expect(statuses).toEqual([200, 200]);
    expect(s.createdCount(body.reference as string)).toBe(2);
  });

  it.each([
    ['BTC', 'not-an-address', undefined],
    ['ETH', '0x1234', undefined],
    ['ETH', ETH_ADDRESS, 'ERC20'],
    ['USDT', ETH_ADDRESS, 'TRC20'],
    ['USDT', TRON_ADDRESS, 'ERC20'],
    ['XRP', XRP_ADDRESS, undefined],
    ['XRP', `${XRP_ADDRESS}?dt=abc`, undefined],
    ['BTC', 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq?dt=1', undefined],
  ])('answers invalidPayout to %s address %s (protocol %s)', async (currency, address, protocol) => {
    const s = await start();
    const payOutDetails = {
      code: 'crypto',
      currency,
      address,
      ...(protocol === undefined ? {} : { protocol }),
    };

    const response = await createPayout(s.url, payoutBody({ payOutDetails }));

    expect(response.status).toBe(400);
    expect(await firstError(response)).toMatchObject({
      parameter: 'payOutInstruction',
      code: 'invalidPayout',
    });
    expect(s.payouts()).toEqual([]);
  });

  it('answers MER-PAY-2027 to a bad address in bvnk style', async () => {
    const s = await start({ errorStyle: 'bvnk' });
    const payOutDetails = { code: 'crypto', currency: 'ETH', address: '0xnope' };

    const response = await createPayout(s.url, payoutBody({ payOutDetails }));

    expect(await firstError(response)).toMatchObject({
      parameter: 'payOutInstruction',
      code: 'MER-PAY-2027',
    });
  });

  it.each([undefined, 'BEP20'])('answers MER-PAY-2033 to USDT with protocol %s', async (protocol) => {
    const s = await start();
    const payOutDetails = { code: 'crypto', currency: 'USDT', address: ETH_ADDRESS, protocol };

    const response = await createPayout(s.url, payoutBody({ payOutDetails }));

    expect(await firstError(response)).toMatchObject({ code: 'MER-PAY-2033' });
  });

  it('accepts USDT on TRC20 and reports the protocol', async () => {
    const s = await start();
    const payOutDetails = { code: 'crypto', currency: 'USDT', address: TRON_ADDRESS, protocol: 'TRC20' };

    const summary = (await (
      await createPayout(s.url, payoutBody({ payOutDetails }))
    ).json()) as SummaryPayment;

    expect(summary.address).toMatchObject({ address: TRON_ADDRESS, protocol: 'TRC20' });
  });

  it('splits the XRP ?dt= suffix into address and tag', async () => {
    const s = await start();
    const payOutDetails = { code: 'crypto', currency: 'XRP', address: `${XRP_ADDRESS}?dt=12345` };

    const summary = (await (
      await createPayout(s.url, payoutBody({ payOutDetails }))
    ).json()) as SummaryPayment;

    expect(summary.address).toMatchObject({ address: XRP_ADDRESS, tag: '12345' });
  });

  it.each([0, -1, '40.10'])('answers MER-PAY-2000 on amount to amount %s', async (amount) => {
    const s = await start();

    const response = await createPayout(s.url, payoutBody({ amount }));

    expect(await firstError(response)).toMatchObject({ parameter: 'amount', code: 'MER-PAY-2000' });
  });

  it('answers MER-PAY-2006 to an unknown merchant in bvnk style', async () => {
    const s = await start({ errorStyle: 'bvnk' });

    const response = await createPayout(s.url, payoutBody({ merchantId: 'no-such-merchant' }));

    expect(await firstError(response)).toMatchObject({ parameter: 'merchantId', code: 'MER-PAY-2006' });
  });

  it('answers 413 to a body over 64 KB', async () => {
    const s = await start();

    const response = await createPayout(s.url, payoutBody({ returnUrl: 'x'.repeat(70_000) }));

    expect(response.status).toBe(413);
    expect(s.requests().at(-1)).toMatchObject({ status: 413, outcome: 'too-large' });
  });
});

describe('simulator: read, search and merchants', () => {
  it('reads a payout by uuid and answers MER-PAY-2008 to an unknown one', async () => {
    const s = await start();
    const created = (await (await createPayout(s.url, payoutBody())).json()) as SummaryPayment;

    const found = await signedFetch(s.url, `/api/v1/pay/${created.uuid}/summary`);
    const missing = await signedFetch(s.url, '/api/v1/pay/00000000-0000-0000-0000-000000000000/summary');

    expect(found.status).toBe(200);
    expect(await found.json()).toEqual(created);
    expect(missing.status).toBe(400);
    expect(await firstError(missing)).toMatchObject({ code: 'MER-PAY-2008' });
  });

  it('finds payouts by reference, newest first, within max', async () => {
    const start0 = Date.now();
    let now = start0;
    const s = await start({ enforceUniqueReference: false, clock: () => now });
    const body = payoutBody({ reference: 'order-000123' });
    for (const _ of [1, 2, 3]) {
      now += 1_000;
      await createPayout(s.url, body);
    }
    await createPayout(s.url, payoutBody({ reference: 'other-999' }));
    const query = `merchantId=${DEFAULT_MERCHANT.merchantId}&q=order-000123&max=2`;

    const response = await signedFetch(s.url, `/api/v1/pay/summary?${query}`);

    const list = (await response.json()) as SummaryPayment[];
    expect(list.map((p) => [p.reference, p.dateCreated])).toEqual([
      ['order-000123', start0 + 3_000],
      ['order-000123', start0 + 2_000],
    ]);
  });

  it('lists merchants with their webhook secret, as the real API does', async () => {
    const s = await start();

    const response = await signedFetch(s.url, '/api/v1/merchant');

    expect(await response.json()).toEqual([
      expect.objectContaining({
        id: 1,
        merchantId: DEFAULT_MERCHANT.merchantId,
        secret: DEFAULT_MERCHANT.secret,
      }),
    ]);
  });
});
