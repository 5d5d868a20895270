import { Agent, request } from 'node:http';
import Hawk from 'hawk';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CREDENTIAL } from '#simulator/defaults.ts';
import { startSimulator } from '#simulator/simulator.ts';
import type { FaultRule, Simulator, SimulatorOptions } from '#simulator/types.ts';
import { createPayout, firstError, payoutBody, signedFetch } from './signed-fetch.ts';

let sim: Simulator | undefined;

async function start(options: SimulatorOptions = {}): Promise<Simulator> {
  sim = await startSimulator(options);
  return sim;
}

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function createWithFault(fault: FaultRule['fault']): Promise<{ s: Simulator; response: Response }> {
  const s = await start();
  s.injectFault({ fault });
  return { s, response: await createPayout(s.url, payoutBody()) };
}

describe('simulator: answer faults', () => {
  it.each([500, 502, 503] as const)(
    'answers %i with a JSON server error and creates nothing',
    async (status) => {
      const { s, response } = await createWithFault({ kind: 'status', status });

      expect(response.status).toBe(status);
      expect(await response.json()).toMatchObject({ code: 'INTERNAL' });
      expect(s.payouts()).toEqual([]);
      expect(s.requests()[0]).toMatchObject({ status, outcome: 'fault', fault: 'status' });
    },
  );

  it('answers an HTML page that is not JSON', async () => {
    const { response } = await createWithFault({ kind: 'html', status: 403 });

    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toContain('text/html');
    const text = await response.text();
    expect(() => JSON.parse(text)).toThrow();
  });

  it('answers 429 with Retry-After', async () => {
    const { response } = await createWithFault({ kind: 'throttle', retryAfterSec: 7 });

    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
  });

  it('answers 403 MER-PAY-1000', async () => {
    const { response } = await createWithFault({ kind: 'forbidden' });

    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      code: 'MER-PAY-1000',
      status: 'Forbidden',
      message: 'Not authorised to perform this action',
      documentLink: '',
    });
  });

  it('answers 400 MER-PAY-2012 on amount for insufficient funds', async () => {
    const { s, response } = await createWithFault({ kind: 'insufficientFunds' });

    expect(response.status).toBe(400);
    expect(await firstError(response)).toMatchObject({ parameter: 'amount', code: 'MER-PAY-2012' });
    expect(s.payouts()).toEqual([]);
  });

  it.each([
    ['coindirect', 'invalidPayout'],
    ['bvnk', 'MER-PAY-2027'],
  ] as const)('refuses a valid address with rejectAddress in %s style', async (style, code) => {
    const { s, response } = await createWithFault({ kind: 'rejectAddress', style });

    expect(response.status).toBe(400);
    expect(await firstError(response)).toMatchObject({ parameter: 'payOutInstruction', code });
    expect(s.payouts()).toEqual([]);
  });
});

describe('simulator: connection faults', () => {
  it('commitThenDrop creates the payout and drops the socket unanswered', async () => {
    const s = await start();
    s.injectFault({ fault: { kind: 'commitThenDrop' } });
    const body = payoutBody();

    await expect(createPayout(s.url, body)).rejects.toMatchObject({ cause: { code: 'UND_ERR_SOCKET' } });

    expect(s.createdCount(body.reference as string)).toBe(1);
    expect(s.requests()[0]).toMatchObject({ status: null, outcome: 'created', fault: 'commitThenDrop' });
  });

  it('dropBeforeCommit drops the socket and creates nothing', async () => {
    const s = await start();
    s.injectFault({ fault: { kind: 'dropBeforeCommit' } });

    await expect(createPayout(s.url, payoutBody())).rejects.toMatchObject({
      cause: { code: 'UND_ERR_SOCKET' },
    });

    expect(s.payouts()).toEqual([]);
  });

  it('commitThenDelay creates the payout at once and answers after the delay', async () => {
    const s = await start();
    s.injectFault({ fault: { kind: 'commitThenDelay', ms: 1_000 } });
    const body = payoutBody();
    const began = Date.now();
    let answered = false;

    const pending = createPayout(s.url, body).finally(() => {
      answered = true;
    });
    await vi.waitFor(() => expect(s.createdCount(body.reference as string)).toBe(1));
    const answeredWhenCreated = answered;
    const response = await pending;

    expect(answeredWhenCreated).toBe(false);
    expect(response.status).toBe(200);
    expect(Date.now() - began).toBeGreaterThanOrEqual(990);
  });

  it('close() ends an answer still being delayed', async () => {
    const s = await start();
    s.injectFault({ fault: { kind: 'commitThenDelay', ms: 30_000 } });
    const body = payoutBody();
    const pending = createPayout(s.url, body);
    await vi.waitFor(() => expect(s.createdCount(body.reference as string)).toBe(1));
    const began = Date.now();

    await s.close();

    await expect(pending).rejects.toThrow(TypeError);
    expect(Date.now() - began).toBeLessThan(2_000);
  });

  it('delay and setLatency slow the answer down', async () => {
    const s = await start();
    s.setLatency(100);
    s.injectFault({ fault: { kind: 'delay', ms: 200 } });
    const began = Date.now();

    const response = await signedFetch(s.url, '/api/v1/merchant');

    expect(response.status).toBe(200);
    expect(Date.now() - began).toBeGreaterThanOrEqual(290);
  });
});

describe('simulator: fault rules', () => {
  it('hits once by default, then answers normally', async () => {
    const s = await start();
    s.injectFault({ fault: { kind: 'status', status: 503 } });

    const statuses = [
      (await createPayout(s.url, payoutBody())).status,
      (await createPayout(s.url, payoutBody())).status,
    ];

    expect(statuses).toEqual([503, 200]);
    expect(s.faults()).toEqual([]);
  });

  it('keeps hitting with times: Infinity', async () => {
    const s = await start();
    s.injectFault({ fault: { kind: 'status', status: 500 }, times: Infinity });

    const statuses = [
      (await createPayout(s.url, payoutBody())).status,
      (await createPayout(s.url, payoutBody())).status,
    ];

    expect(statuses).toEqual([500, 500]);
    expect(s.faults()[0]?.remaining).toBe(Infinity);
  });

  it('hits only the matching method, path and reference', async () => {
    const s = await start();
    const target = payoutBody();
    s.injectFault({
      fault: { kind: 'forbidden' },
      match: { method: 'post', path: '/api/v1/pay', reference: 'nope-1' },
    });
    s.injectFault({
      fault: { kind: 'forbidden' },
      match: { method: 'POST', reference: target.reference as string },
    });

    const read = await signedFetch(s.url, '/api/v1/merchant');
    const other = await createPayout(s.url, payoutBody());
    const hit = await createPayout(s.url, target);

    expect([read.status, other.status, hit.status]).toEqual([200, 200, 403]);
  });

  it('rolls the injected random against probability; a miss does not use the fault up', async () => {
    const rolls = [0.9, 0.2];
    const s = await start({ random: () => rolls.shift() ?? 0 });
    s.injectFault({ fault: { kind: 'status', status: 502 }, probability: 0.5 });

    const statuses = [
      (await createPayout(s.url, payoutBody())).status,
      (await createPayout(s.url, payoutBody())).status,
    ];

    expect(statuses).toEqual([200, 502]);
  });

  it('is not used up by a request that fails authentication', async () => {
    const s = await start();
    s.injectFault({ fault: { kind: 'status', status: 503 } });

    const unsigned = await fetch(`${s.url}/api/v1/merchant`);
    const signed = await signedFetch(s.url, '/api/v1/merchant');

    expect([unsigned.status, signed.status]).toEqual([401, 503]);
  });

  it('rejects a rule with times 0 or a probability above 1', async () => {
    const s = await start();
    const fault = { kind: 'forbidden' } as const;

    expect(() => s.injectFault({ fault, times: 0 })).toThrow(RangeError);
    expect(() => s.injectFault({ fault, probability: 1.5 })).toThrow(RangeError);
  });
});

describe('simulator: connections', () => {
  it('keeps a connection alive across requests', async () => {
    const s = await start();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const get = (): Promise<{ status: number; reused: boolean }> =>
      new Promise((resolve, reject) => {
        const url = `${s.url}/api/v1/merchant`;
        const { header } = Hawk.client.header(url, 'GET', {
          credentials: { ...DEFAULT_CREDENTIAL, algorithm: 'sha256' },
        });
        const req = request(url, { agent, headers: { authorization: header } }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
        });
        req.on('error', reject);
        req.end();
      });

    const first = await get();
    const second = await get();
    agent.destroy();

    expect(first).toEqual({ status: 200, reused: false });
    expect(second).toEqual({ status: 200, reused: true });
  });
});
