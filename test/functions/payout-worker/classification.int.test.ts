import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CoindirectClient } from '#shared/coindirect/client.ts';
import { createHttpTransport } from '#shared/coindirect/http-transport.ts';
import { parsePayoutMessage } from '#shared/payout/schema.ts';
import { METRIC } from '#shared/processing/ports.ts';
import { DEFAULT_CREDENTIAL } from '#simulator/defaults.ts';
import type { FaultRule } from '#simulator/types.ts';
import { motoEndpoint } from '#test/support/integration.ts';
import { MERCHANT_ID, payoutMessage, type Rig, startRig } from '#test/support/pipeline-harness.ts';

const endpoint = motoEndpoint();
const credentials = { hawkAuthId: DEFAULT_CREDENTIAL.id, hawkAuthKey: DEFAULT_CREDENTIAL.key };
const staticCredentials = { get: async () => credentials, refresh: async () => credentials };

// One row of the classification in docs/coindirect.md ("Error codes and how each is classified") per test, through the real handler, ledger (moto)
// and Coindirect simulator.
describe.skipIf(endpoint === null)('payout worker: outcome classification', () => {
  let rig: Rig;

  beforeAll(async () => {
    rig = await startRig({ endpoint: endpoint ?? '', simulator: { errorStyle: 'coindirect' } });
  });
  beforeEach(() => {
    rig.sim.clearFaults();
  });
  afterAll(async () => {
    await rig.close();
  });

  async function createDirectly(message: Record<string, unknown>): Promise<void> {
    const parsed = parsePayoutMessage(JSON.stringify(message), {
      defaultMerchantId: MERCHANT_ID,
      allowedMerchantIds: [],
      maxAmounts: { EUR: '5000' },
      addressNetwork: 'mainnet',
      maxBodyBytes: 16_384,
    });
    if (!parsed.ok) throw new Error('test message is invalid');
    const client = new CoindirectClient({
      baseUrl: rig.sim.url,
      credentials: staticCredentials,
      transport: createHttpTransport(),
    });
    expect((await client.createPayout(parsed.payout)).kind).toBe('created');
  }

  async function deliver(reference: string, fault?: FaultRule, overrides: Record<string, unknown> = {}) {
    if (fault) rig.sim.injectFault(fault);
    await rig.send(payoutMessage(reference, overrides));
    const messages = await rig.receive(1);
    const response = await rig.handler(rig.toEvent(messages));
    return { message: messages[0], failed: response.batchItemFailures.map((f) => f.itemIdentifier) };
  }

  it('rejects a message that breaks a guardrail without calling Coindirect', async () => {
    const calls = rig.sim.requests().length;

    const { failed } = await deliver('cap-0001', undefined, { amount: '5000.01' });

    expect(failed).toEqual([]);
    expect(rig.sim.requests()).toHaveLength(calls);
    const record = await rig.ledger('cap-0001');
    expect(record?.state).toBe('REJECTED');
    expect(record?.reason).toMatch(/amount/);
    const letter = (await rig.deadLetters()).find((l) => l.attributes.reference === 'cap-0001');
    expect(letter?.attributes.outcome).toBe('REJECTED');
    expect(letter?.attributes.reasonCode).toBe('INVALID_MESSAGE');
  });

  it.each([
    ['coindirect', 'invalidPayout'],
    ['bvnk', 'MER-PAY-2027'],
  ] as const)(
    'rejects with the code Coindirect gives when it refuses the address (%s style)',
    async (style, code) => {
      const reference = `refused-${style}`;
      const { failed } = await deliver(reference, {
        fault: { kind: 'rejectAddress', style },
        match: { method: 'POST' },
      });

      expect(failed).toEqual([]);
      const record = await rig.ledger(reference);
      expect(record?.state).toBe('REJECTED');
      expect(record?.reasonCode).toBe(code);
      const letter = (await rig.deadLetters()).find((l) => l.attributes.reference === reference);
      expect(letter?.attributes.reasonCode).toBe(code);
      expect(rig.sim.createdCount(reference)).toBe(0);
    },
  );

  it('turns a duplicate reference with the same content into an idempotent success', async () => {
    // Coindirect already holds this payout (sent by an earlier deployment with another ledger table).
    await createDirectly(payoutMessage('known-0001'));

    const { failed } = await deliver('known-0001');

    expect(failed).toEqual([]);
    expect(rig.sim.createdCount('known-0001')).toBe(1);
    const record = await rig.ledger('known-0001');
    expect(record?.state).toBe('SUBMITTED');
    expect(record?.uuid).toBe(
      rig.sim.payouts().find((p) => p.summary.reference === 'known-0001')?.summary.uuid,
    );
  });

  it('turns a duplicate reference with other content into a CONFLICT', async () => {
    await createDirectly(payoutMessage('known-0002', { amount: '12.00' }));

    const { failed } = await deliver('known-0002');

    expect(failed).toEqual([]);
    expect(rig.sim.createdCount('known-0002')).toBe(1);
    const record = await rig.ledger('known-0002');
    expect(record?.state).toBe('CONFLICT');
    expect(record?.reason).toMatch(/amount: message has 40\.1, Coindirect has "12"/);
    const letter = (await rig.deadLetters()).find((l) => l.attributes.reference === 'known-0002');
    expect(letter?.attributes.outcome).toBe('CONFLICT');
  });

  it('retries with a credential alarm when the key is revoked, and loses nothing', async () => {
    rig.sim.revokeCredential('sim-hawk-id');
    const before = rig.metrics.get(METRIC.credentialFailure);

    const { failed, message } = await deliver('revoked-0001');

    expect(failed).toEqual([message?.MessageId]);
    expect(rig.metrics.get(METRIC.credentialFailure)).toBe(before + 1);
    expect(rig.sim.createdCount('revoked-0001')).toBe(0);
    expect((await rig.ledger('revoked-0001'))?.state).toBe('CLAIMED');
    rig.sim.addCredential(DEFAULT_CREDENTIAL);
  });

  it('retries with a configuration alarm on 403 MER-PAY-1000', async () => {
    const before = rig.metrics.get(METRIC.configurationFailure);
    const { failed, message } = await deliver('forbidden-0001', {
      fault: { kind: 'forbidden' },
      match: { method: 'POST' },
    });
    expect(failed).toEqual([message?.MessageId]);
    expect(rig.metrics.get(METRIC.configurationFailure)).toBe(before + 1);
    expect(rig.sim.createdCount('forbidden-0001')).toBe(0);
  });

  it('retries a throttled request later', async () => {
    const { failed, message } = await deliver('throttle-0001', {
      fault: { kind: 'throttle', retryAfterSec: 30 },
      match: { method: 'POST' },
    });
    expect(failed).toEqual([message?.MessageId]);
    expect((await rig.ledger('throttle-0001'))?.lastError).toMatch(/throttled/);
  });

  it('retries with an alarm on insufficient funds', async () => {
    const before = rig.metrics.get(METRIC.insufficientFunds);
    const { failed, message } = await deliver('funds-0001', {
      fault: { kind: 'insufficientFunds' },
      match: { method: 'POST' },
    });
    expect(failed).toEqual([message?.MessageId]);
    expect(rig.metrics.get(METRIC.insufficientFunds)).toBe(before + 1);
    expect((await rig.ledger('funds-0001'))?.lastError).toMatch(/insufficient funds/);
  });

  it.each([
    ['a 5xx', { kind: 'status', status: 503 }],
    ['a non-JSON body', { kind: 'html', status: 502 }],
  ] as const)('looks the payout up before any resend after %s', async (_label, fault) => {
    const reference = `ambiguous-${fault.kind}`;
    const { failed, message } = await deliver(reference, { fault, match: { method: 'POST' } });
    expect(failed).toEqual([message?.MessageId]);
    expect((await rig.ledger(reference))?.sendAttempted).toBe(true);
    if (message) await rig.expire(message);

    const retry = await rig.handler(rig.toEvent(await rig.receive(1)));

    expect(retry.batchItemFailures).toEqual([]);
    expect(rig.sim.createdCount(reference)).toBe(1);
    const calls = rig.sim.requests().map((r) => `${r.method} ${r.path}`);
    const lastSearch = calls.lastIndexOf('GET /api/v1/pay/summary');
    const lastCreate = calls.lastIndexOf('POST /api/v1/pay/summary');
    expect(lastSearch).toBeGreaterThan(-1);
    expect(lastSearch).toBeLessThan(lastCreate);
  });
});
