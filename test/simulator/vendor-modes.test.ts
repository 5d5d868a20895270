import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Hawk from 'hawk';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SimulatorAdminError, simulatorAdmin } from '#simulator/admin-client.ts';
import { DEFAULT_CREDENTIAL, DEFAULT_MERCHANT } from '#simulator/defaults.ts';
import { roundDecimalHalfUp, topLevelMemberSource } from '#simulator/normalize.ts';
import { startSimulator } from '#simulator/simulator.ts';
import type { Simulator, SimulatorOptions, SummaryPayment, VendorModes } from '#simulator/types.ts';
import { type SimulatorProcess, startSimulatorProcess } from '../../bench/lib/simulator-process.ts';
import { BTC_ADDRESS, createPayout, firstError, payoutBody, signedFetch } from './signed-fetch.ts';

let sim: Simulator | undefined;

async function start(options: SimulatorOptions = {}): Promise<Simulator> {
  sim = await startSimulator(options);
  return sim;
}

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const DOCUMENTED: VendorModes = {
  searchLagMs: 0,
  duplicateReferenceCode: null,
  enforceUniqueReference: true,
  normalize: false,
  latencyMs: 0,
  rateLimit: null,
  clockSkewMs: 0,
};

async function created(response: Response): Promise<SummaryPayment> {
  expect(response.status).toBe(200);
  return (await response.json()) as SummaryPayment;
}

async function search(s: Simulator, q: string): Promise<SummaryPayment[]> {
  const query = new URLSearchParams({ merchantId: DEFAULT_MERCHANT.merchantId, q });
  const response = await signedFetch(s.url, `/api/v1/pay/summary?${query.toString()}`);
  expect(response.status).toBe(200);
  return (await response.json()) as SummaryPayment[];
}

async function read(s: Simulator, uuid: string): Promise<Response> {
  return signedFetch(s.url, `/api/v1/pay/${uuid}/summary`);
}

describe('vendor mode: search lag', () => {
  it('hides a new payout from the search until the lag has passed, by the injected clock', async () => {
    // Small steps from the real time, so HAWK timestamps stay within the allowed skew of this clock.
    let now = Date.now();
    const s = await start({ searchLagMs: 5_000, clock: () => now });
    const body = payoutBody();
    const reference = body.reference as string;
    const summary = await created(await createPayout(s.url, body));

    const atOnce = await search(s, reference);
    now += 4_999;
    const justBefore = await search(s, reference);
    now += 1;
    const after = await search(s, reference);

    expect(atOnce).toEqual([]);
    expect(justBefore).toEqual([]);
    expect(after).toEqual([summary]);
  });

  it('lets a read by uuid, createdCount and payouts() see the payout during the lag', async () => {
    const now = Date.now();
    const s = await start({ searchLagMs: 60_000, clock: () => now });
    const body = payoutBody();
    const summary = await created(await createPayout(s.url, body));

    const found = await read(s, summary.uuid);

    expect(found.status).toBe(200);
    expect(await found.json()).toEqual(summary);
    expect(await search(s, body.reference as string)).toEqual([]);
    expect(s.createdCount(body.reference as string)).toBe(1);
    expect(s.payouts().map((p) => p.uuid)).toEqual([summary.uuid]);
  });

  it('hides only the payouts still inside the lag, and can be switched off at runtime', async () => {
    let now = Date.now();
    const s = await start({ enforceUniqueReference: false, searchLagMs: 1_000, clock: () => now });
    const body = payoutBody();
    const older = await created(await createPayout(s.url, body));
    now += 1_000;
    const newer = await created(await createPayout(s.url, body));

    const during = await search(s, body.reference as string);
    s.setVendorModes({ searchLagMs: 0 });
    const off = await search(s, body.reference as string);

    expect(during.map((p) => p.uuid)).toEqual([older.uuid]);
    expect(off.map((p) => p.uuid)).toEqual([newer.uuid, older.uuid]);
  });
});

describe('vendor mode: duplicate references', () => {
  it('refuses a duplicate with the configured code and logs it as duplicate-reference', async () => {
    const s = await start({ duplicateReferenceCode: 'REFERENCE_TAKEN' });
    const body = payoutBody();
    await created(await createPayout(s.url, body));

    const second = await createPayout(s.url, { ...body, amount: 12 });

    expect(second.status).toBe(400);
    expect(await second.json()).toEqual({
      errorList: [{ parameter: 'reference', code: 'REFERENCE_TAKEN', message: 'Duplicate reference' }],
    });
    expect(s.requests().at(-1)).toMatchObject({ status: 400, outcome: 'duplicate-reference' });
    expect(s.createdCount(body.reference as string)).toBe(1);
  });

  it('goes back to the documented body once the code is cleared', async () => {
    const s = await start({ duplicateReferenceCode: 'REFERENCE_TAKEN' });
    const body = payoutBody();
    await created(await createPayout(s.url, body));

    s.setVendorModes({ duplicateReferenceCode: null });
    const second = await createPayout(s.url, body);

    expect(await firstError(second)).toEqual({
      parameter: 'reference',
      code: 'unique',
      message: 'Duplicate Reference',
    });
  });

  it('creates twice without uniqueness, whatever the duplicate code', async () => {
    const s = await start({ enforceUniqueReference: false, duplicateReferenceCode: 'REFERENCE_TAKEN' });
    const body = payoutBody();

    const first = await created(await createPayout(s.url, body));
    const second = await created(await createPayout(s.url, body));

    expect(first.uuid).not.toBe(second.uuid);
    expect(s.createdCount(body.reference as string)).toBe(2);
    expect(s.requests().map((r) => r.outcome)).toEqual(['created', 'created']);
  });

  it('turns uniqueness off at runtime', async () => {
    const s = await start();
    const body = payoutBody();
    await created(await createPayout(s.url, body));

    s.setVendorModes({ enforceUniqueReference: false });
    await created(await createPayout(s.url, body));

    expect(s.createdCount(body.reference as string)).toBe(2);
  });
});

describe('vendor mode: normalize', () => {
  const UPPER_BTC = BTC_ADDRESS.toUpperCase();

  it('stores an upper-case bech32 address lower-cased and 10.125 EUR as 10.13', async () => {
    const s = await start({ normalize: true });
    const body = payoutBody({
      amount: 10.125,
      payOutDetails: { code: 'crypto', currency: 'BTC', address: UPPER_BTC },
    });

    const summary = await created(await createPayout(s.url, body));
    const readBack = (await (await read(s, summary.uuid)).json()) as SummaryPayment;
    const byReference = await search(s, body.reference as string);
    const byAddress = await search(s, UPPER_BTC);

    expect(summary.address).toMatchObject({ address: BTC_ADDRESS, uri: `bitcoin:${BTC_ADDRESS}` });
    expect(summary.displayCurrency).toEqual({ currency: 'EUR', amount: 10.13, actual: 0 });
    expect(summary.walletCurrency).toEqual({ currency: 'EUR', amount: 10.13, actual: 0 });
    expect(summary.paidCurrency.amount).toBe(Math.round((10.13 / 50_000) * 1e8) / 1e8);
    expect(readBack).toEqual(summary);
    expect(byReference).toEqual([summary]);
    expect(byAddress).toEqual([summary]);
    // The audit of what was sent keeps the request as received.
    expect(s.payouts()[0]).toMatchObject({ summary, rawBody: JSON.stringify(body) });
  });

  it('fills COMPLETE actual amounts from the rounded amount', async () => {
    const s = await start({ normalize: true });
    const summary = await created(await createPayout(s.url, payoutBody({ amount: 10.125 })));

    s.setPayoutStatus(summary.uuid, 'COMPLETE');
    const readBack = (await (await read(s, summary.uuid)).json()) as SummaryPayment;

    expect(readBack.displayCurrency).toEqual({ currency: 'EUR', amount: 10.13, actual: 10.13 });
  });

  it.each([
    ['10.125', 'EUR', 10.13],
    ['1.005', 'EUR', 1.01],
    ['10.075', 'EUR', 10.08],
    ['0.005', 'EUR', 0.01],
    ['10.1', 'USD', 10.1],
    ['1.0125e1', 'GBP', 10.13],
    ['99.995', 'EUR', 100],
    ['1234.5', 'JPY', 1235],
    ['10.125', 'BTC', 10.125],
  ])('rounds the raw amount %s %s to %s', async (literal, currency, expected) => {
    const s = await start({ normalize: true });
    const body = payoutBody({ currency, amount: 0.5 });
    const rawBody = JSON.stringify(body).replace('"amount":0.5', `"amount":${literal}`);

    const response = await signedFetch(s.url, '/api/v1/pay/summary', { method: 'POST', rawBody });

    expect((await created(response)).displayCurrency.amount).toBe(expected);
  });

  it('refuses an amount that rounds to zero', async () => {
    const s = await start({ normalize: true });

    const response = await createPayout(s.url, payoutBody({ amount: 0.004 }));

    expect(await firstError(response)).toMatchObject({ parameter: 'amount', code: 'MER-PAY-2000' });
    expect(s.payouts()).toEqual([]);
  });

  it('leaves content as sent when off', async () => {
    const s = await start();

    const summary = await created(await createPayout(s.url, payoutBody({ amount: 10.125 })));

    expect(summary.displayCurrency.amount).toBe(10.125);
  });

  it('rounds decimal digits half up, never the binary double', () => {
    // The double nearest 1.005 is a little below it, so float arithmetic would round it down.
    expect(Math.round(1.005 * 100) / 100).toBe(1);
    expect(roundDecimalHalfUp('1.005', 2)).toBe('1.01');
    expect(roundDecimalHalfUp('10.125', 2)).toBe('10.13');
    expect(roundDecimalHalfUp('0.005', 2)).toBe('0.01');
    expect(roundDecimalHalfUp('0.0049', 2)).toBe('0.00');
    expect(roundDecimalHalfUp('5e-3', 2)).toBe('0.01');
    expect(roundDecimalHalfUp('12', 2)).toBe('12.00');
    expect(roundDecimalHalfUp('1234.5', 0)).toBe('1235');
  });

  it('finds the top-level amount literal, skipping nested and escaped look-alikes', () => {
    const text = '{"a":{"amount":1,"s":"}\\"amount"},"b":[{"c":"]"}],"amount" : 10.125 ,"z":true}';

    expect(topLevelMemberSource(text, 'amount')).toBe('10.125');
    expect(topLevelMemberSource('{"amount":1.10,"\\u0061mount":2.50}', 'amount')).toBe('2.50');
    expect(topLevelMemberSource('{"other":1}', 'amount')).toBeUndefined();
  });
});

describe('vendor mode: latency and the hang fault', () => {
  it('starts with latencyMs, reports it, and reset() restores it after setLatency', async () => {
    const s = await start({ latencyMs: 150 });
    const began = Date.now();
    await signedFetch(s.url, '/api/v1/merchant');
    const slowMs = Date.now() - began;

    s.setLatency(0);
    const changed = s.vendorModes().latencyMs;
    s.reset();

    expect(slowMs).toBeGreaterThanOrEqual(140);
    expect(changed).toBe(0);
    expect(s.vendorModes().latencyMs).toBe(150);
  });

  it('never answers a hung create, commits nothing, and closes promptly afterwards', async () => {
    const s = await start();
    s.injectFault({ fault: { kind: 'hang' }, match: { method: 'POST' } });
    const body = payoutBody();

    const hung = createPayout(s.url, body, { signal: AbortSignal.timeout(300) });

    await expect(hung).rejects.toMatchObject({ name: 'TimeoutError' });
    await vi.waitFor(() =>
      expect(s.requests()).toEqual([
        expect.objectContaining({ status: null, outcome: 'fault', fault: 'hang' }),
      ]),
    );
    expect(s.createdCount(body.reference as string)).toBe(0);
    expect(s.payouts()).toEqual([]);
    const began = Date.now();
    await s.close();
    expect(Date.now() - began).toBeLessThan(1_000);
  });

  it('close() ends a request still hanging', async () => {
    const s = await start();
    s.injectFault({ fault: { kind: 'hang' } });
    const pending = signedFetch(s.url, '/api/v1/merchant');
    // The fault is used up once the request reached it.
    await vi.waitFor(() => expect(s.faults()).toEqual([]));
    const began = Date.now();

    await s.close();

    await expect(pending).rejects.toThrow(TypeError);
    expect(Date.now() - began).toBeLessThan(2_000);
  });

  it('takes a hang fault through the admin API', async () => {
    const s = await start();
    const admin = simulatorAdmin(s.url);

    const id = await admin.injectFault({ fault: { kind: 'hang' }, match: { path: '/api/v1/merchant' } });
    const listed = await admin.faults();
    const hung = signedFetch(s.url, '/api/v1/merchant', { signal: AbortSignal.timeout(200) });

    expect(listed).toEqual([
      expect.objectContaining({ id, rule: expect.objectContaining({ fault: { kind: 'hang' } }) }),
    ]);
    await expect(hung).rejects.toMatchObject({ name: 'TimeoutError' });
    await vi.waitFor(async () => expect((await admin.requests()).map((r) => r.fault)).toEqual(['hang']));
  });
});

describe('vendor mode: rate limit', () => {
  it('refuses requests over the bucket with 429, Retry-After and the error body, and counts them', async () => {
    // Arrange: 2 per second, 3 at once; the clock stands still, so nothing refills.
    const s = await start({ rateLimit: { rps: 2, burst: 3 }, clock: () => 1_700_000_000_000 });
    const merchants = () => signedFetch(s.url, '/api/v1/merchant', { timestamp: 1_700_000_000 });

    // Act
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 5; i++) {
      const answer = await merchants();
      statuses.push(answer.status);
      if (answer.status === 429) refused = answer;
    }

    // Assert
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(refused?.headers.get('retry-after')).toBe('1');
    expect(await refused?.json()).toEqual({ code: 'TOO_MANY_REQUESTS', message: 'Rate limit exceeded' });
    expect(s.apiCounts()).toEqual({ allowed: 3, refusedForRate: 2 });
    expect(await simulatorAdmin(s.url).apiCounts()).toEqual({ allowed: 3, refusedForRate: 2 });
    expect(s.requests().filter((r) => r.outcome === 'rate-limited')).toHaveLength(2);
  });

  it('refills at its rate, is set and lifted through the admin API, and reset zeroes the counts', async () => {
    // Arrange
    let now = 1_700_000_000_000;
    const s = await start({ clock: () => now });
    const admin = simulatorAdmin(s.url);
    const merchants = () => signedFetch(s.url, '/api/v1/merchant', { timestamp: Math.floor(now / 1000) });

    // Act
    const modes = await admin.setVendorModes({ rateLimit: { rps: 1, burst: 1 } });
    const first = (await merchants()).status;
    const second = (await merchants()).status;
    now += 1_000;
    const refilled = (await merchants()).status;
    await admin.setVendorModes({ rateLimit: null });
    const lifted = (await merchants()).status;
    const before = s.apiCounts();
    await admin.reset();

    // Assert
    expect(modes.rateLimit).toEqual({ rps: 1, burst: 1 });
    expect([first, second, refilled, lifted]).toEqual([200, 429, 200, 200]);
    expect(before).toEqual({ allowed: 3, refusedForRate: 1 });
    expect(s.apiCounts()).toEqual({ allowed: 0, refusedForRate: 0 });
  });

  it('refuses a bad limit and names it', async () => {
    await expect(startSimulator({ rateLimit: { rps: 0 } })).rejects.toThrow('rate limit must be > 0');
    await expect(startSimulator({ rateLimit: { rps: 5, burst: 0 } })).rejects.toThrow('burst must be >= 1');
  });
});

describe('vendor mode: clock skew', () => {
  it('answers a request beyond the skew the way hawk’s server does: 401 with its time and a tsm', async () => {
    // Arrange: the server's clock runs 10 minutes ahead of the client.
    const s = await start({ clockSkewMs: 600_000 });

    // Act
    const answer = await signedFetch(s.url, '/api/v1/merchant');
    const header = answer.headers.get('www-authenticate') ?? '';

    // Assert
    expect(answer.status).toBe(401);
    const attributes = Hawk.utils.parseAuthorizationHeader(header, ['ts', 'tsm', 'error']);
    expect(attributes.error).toBe('Stale timestamp');
    expect(Math.abs(Number(attributes.ts) * 1000 - (Date.now() + 600_000))).toBeLessThan(5_000);
    expect(attributes.tsm).toBe(
      Hawk.crypto.calculateTsMac(attributes.ts ?? '', { ...DEFAULT_CREDENTIAL, algorithm: 'sha256' }),
    );
  });

  it('accepts a request signed with the server’s time, and goes back to normal when the skew is cleared', async () => {
    // Arrange
    const s = await start({ clockSkewMs: 600_000 });
    const serverSeconds = Math.floor((Date.now() + 600_000) / 1000);

    // Act
    const corrected = await signedFetch(s.url, '/api/v1/merchant', { timestamp: serverSeconds });
    s.setVendorModes({ clockSkewMs: 0 });
    const normal = await signedFetch(s.url, '/api/v1/merchant');

    // Assert
    expect([corrected.status, normal.status]).toEqual([200, 200]);
  });
});

describe('vendor modes: controls and admin API', () => {
  it('round-trips GET and POST /__sim/vendor, and reset restores the modes given at start', async () => {
    const s = await start({ searchLagMs: 1_000 });
    const admin = simulatorAdmin(s.url);

    const initial = await admin.vendorModes();
    const patched = await admin.setVendorModes({
      duplicateReferenceCode: 'DUP',
      normalize: true,
      latencyMs: 5,
    });
    const readBack = await admin.vendorModes();
    const cleared = await admin.setVendorModes({
      duplicateReferenceCode: null,
      enforceUniqueReference: false,
    });
    await admin.reset();

    expect(initial).toEqual({ ...DOCUMENTED, searchLagMs: 1_000 });
    expect(patched).toEqual({
      ...DOCUMENTED,
      searchLagMs: 1_000,
      duplicateReferenceCode: 'DUP',
      normalize: true,
      latencyMs: 5,
    });
    expect(readBack).toEqual(patched);
    expect(cleared).toEqual({ ...patched, duplicateReferenceCode: null, enforceUniqueReference: false });
    expect(s.vendorModes()).toEqual(initial);
  });

  it('applies a mode set through the admin API to the next request', async () => {
    const s = await start();
    const admin = simulatorAdmin(s.url);
    const body = payoutBody();
    await created(await createPayout(s.url, body));

    await admin.setVendorModes({ duplicateReferenceCode: 'DUP' });
    const second = await createPayout(s.url, body);

    expect(await firstError(second)).toEqual({
      parameter: 'reference',
      code: 'DUP',
      message: 'Duplicate reference',
    });
  });

  it.each([
    [{ searchLagMs: -1 }, 'searchLagMs'],
    [{ latencyMs: 1.5 }, 'latencyMs'],
    [{ duplicateReferenceCode: '' }, 'duplicateReferenceCode'],
    [{ normalize: 'yes' }, 'normalize'],
    [{ bogus: true }, 'bogus'],
  ])('answers 400 to %j, naming the field, and changes nothing', async (patch, field) => {
    const s = await start();

    const response = await fetch(`${s.url}/__sim/vendor`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ normalize: true, ...patch }),
    });

    expect(response.status).toBe(400);
    const answer = (await response.json()) as { code: string; message: string };
    expect(answer.code).toBe('ADMIN_ERROR');
    expect(answer.message).toContain(field);
    expect(s.vendorModes()).toEqual(DOCUMENTED);
  });

  it('rejects a bad patch through the admin client with SimulatorAdminError', async () => {
    const s = await start();

    const rejected = simulatorAdmin(s.url).setVendorModes({ searchLagMs: -5 });

    await expect(rejected).rejects.toBeInstanceOf(SimulatorAdminError);
    await expect(rejected).rejects.toMatchObject({ status: 400 });
  });

  it('checks a whole in-process patch before applying any of it, and checks the options', async () => {
    const s = await start();

    expect(() => s.setVendorModes({ normalize: true, searchLagMs: -1 })).toThrow(RangeError);
    expect(() => s.setLatency(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(s.vendorModes()).toEqual(DOCUMENTED);
    await expect(startSimulator({ latencyMs: -1 })).rejects.toThrow(RangeError);
  });
});

describe('vendor modes: npm run simulator flags', () => {
  const ROOT = fileURLToPath(new URL('../../', import.meta.url));
  let proc: SimulatorProcess | undefined;
  let child: ChildProcess | undefined;

  afterEach(async () => {
    await proc?.stop();
    proc = undefined;
    if (child?.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child = undefined;
  });

  function launch(args: readonly string[]): ChildProcess {
    child = spawn(`${ROOT}node_modules/.bin/tsx`, [`${ROOT}simulator/main.ts`, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return child;
  }

  it('passes every mode from startSimulatorProcess through the flags', async () => {
    proc = await startSimulatorProcess({
      allowDuplicateReferences: true,
      duplicateReferenceCode: 'DUP',
      searchLagMs: 250,
      normalize: true,
      latencyMs: 5,
      rateLimit: { rps: 12.5, burst: 4 },
    });

    expect(await proc.admin.vendorModes()).toEqual({
      searchLagMs: 250,
      duplicateReferenceCode: 'DUP',
      enforceUniqueReference: false,
      normalize: true,
      latencyMs: 5,
      rateLimit: { rps: 12.5, burst: 4 },
      clockSkewMs: 0,
    });
  });

  it('keeps --allow-duplicate-references as an alias of --no-uniqueness', async () => {
    const simulator = launch(['--port', '0', '--allow-duplicate-references']);
    if (simulator.stdout === null) throw new Error('no stdout');
    const lines = createInterface({ input: simulator.stdout });
    const [line] = (await once(lines, 'line')) as [string];
    lines.close();
    const { url } = JSON.parse(line) as { url: string };

    expect(await simulatorAdmin(url).vendorModes()).toEqual({ ...DOCUMENTED, enforceUniqueReference: false });
  });

  it('prints the usage and exits 0 on --help', async () => {
    const simulator = launch(['--help']);
    let stdout = '';
    simulator.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });

    // 'close', not 'exit': it comes once stdout has been read to its end.
    const [code] = (await once(simulator, 'close')) as [number | null];

    expect(code).toBe(0);
    expect(stdout).toContain('usage: npm run simulator');
    for (const flag of [
      '--search-lag-ms',
      '--duplicate-code',
      '--no-uniqueness',
      '--normalize',
      '--latency-ms',
    ]) {
      expect(stdout).toContain(flag);
    }
  });
});
