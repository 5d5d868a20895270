import type { Message } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { motoEndpoint } from '#test/support/integration.ts';
import { payoutMessage, type Rig, startRig } from '#test/support/pipeline-harness.ts';

const endpoint = motoEndpoint();

const ETH = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
const TRON = 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t';

/** name → [body, what must happen]. */
const CASES: ReadonlyArray<readonly [string, string, 'submitted' | 'rejected' | 'retried', RegExp?]> = [
  ['eth', JSON.stringify(payoutMessage('mix-eth-0001')), 'submitted'],
  [
    'btc',
    JSON.stringify(
      payoutMessage('mix-btc-0001', {
        destination: { currency: 'BTC', address: '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa' },
      }),
    ),
    'submitted',
  ],
  [
    'usdt',
    JSON.stringify(
      payoutMessage('mix-usdt-0001', { destination: { currency: 'USDT', address: TRON, protocol: 'TRC20' } }),
    ),
    'submitted',
  ],
  [
    'xrp',
    JSON.stringify(
      payoutMessage('mix-xrp-0001', {
        destination: { currency: 'XRP', address: 'rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh', tag: '12345' },
      }),
    ),
    'submitted',
  ],
  ['not-json', '{"reference": "mix-broken-0001", "amount": ', 'rejected', /\(body\): .*JSON/],
  [
    'wrong-types',
    JSON.stringify(payoutMessage('mix-types-0001', { amount: 40.1, currency: 7 })),
    'rejected',
    /amount: .*string/,
  ],
  ['negative', JSON.stringify(payoutMessage('mix-neg-0001', { amount: '-5.00' })), 'rejected', /amount/],
  ['zero', JSON.stringify(payoutMessage('mix-zero-0001', { amount: '0.00' })), 'rejected', /amount/],
  ['over-cap', JSON.stringify(payoutMessage('mix-cap-0001', { amount: '5000.01' })), 'rejected', /amount/],
  [
    'usdt-no-protocol',
    JSON.stringify(payoutMessage('mix-usdtnp-0001', { destination: { currency: 'USDT', address: ETH } })),
    'rejected',
    /protocol/,
  ],
  [
    'xrp-no-tag',
    JSON.stringify(
      payoutMessage('mix-xrpnt-0001', {
        destination: { currency: 'XRP', address: 'rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh' },
      }),
    ),
    'rejected',
    /tag/,
  ],
  [
    'unknown-field',
    JSON.stringify(payoutMessage('mix-unknown-0001', { priority: 'high' })),
    'rejected',
    /priority/,
  ],
  [
    'huge',
    JSON.stringify(payoutMessage('mix-huge-0001', { metadata: { note: 'x'.repeat(1_000_000) } })),
    'rejected',
    /\(body\): .*bytes/,
  ],
  ['server-error', JSON.stringify(payoutMessage('mix-5xx-0001')), 'retried'],
];

describe.skipIf(endpoint === null)('payout worker: a batch mixing good, bad and failing records', () => {
  let rig: Rig;
  let messages: Message[];
  let failed: string[];
  const idOf = new Map<string, string>();

  beforeAll(async () => {
    rig = await startRig({ endpoint: endpoint ?? '' });
    rig.sim.injectFault({
      fault: { kind: 'status', status: 500 },
      match: { method: 'POST', reference: 'mix-5xx-0001' },
    });
    for (const [name, body] of CASES) idOf.set(name, await rig.send(body));
    messages = [];
    while (messages.length < CASES.length) {
      const batch = await rig.receive(10);
      if (batch.length === 0) break;
      messages.push(...batch);
    }
    const response = await rig.handler(rig.toEvent(messages));
    failed = response.batchItemFailures.map((f) => f.itemIdentifier);
  });
  afterAll(async () => {
    await rig.close();
  });

  it('receives every record in one invocation', () => {
    expect(messages).toHaveLength(CASES.length);
  });

  it('lists exactly the transiently failing record in batchItemFailures', () => {
    expect(failed).toEqual([idOf.get('server-error')]);
  });

  it('submits every good record once', () => {
    for (const reference of ['mix-eth-0001', 'mix-btc-0001', 'mix-usdt-0001', 'mix-xrp-0001']) {
      expect(rig.sim.createdCount(reference), reference).toBe(1);
    }
    const xrp = rig.sim.payouts().find((p) => p.summary.reference === 'mix-xrp-0001');
    expect(xrp?.rawBody).toContain('"address":"rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh?dt=12345"');
  });

  it('dead-letters each bad record with its own reason and the untouched body', async () => {
    const letters = await rig.deadLetters();
    for (const [name, body, expected, reason] of CASES) {
      if (expected !== 'rejected') continue;
      const letter = letters.find((l) => l.attributes.originalMessageId === idOf.get(name));
      expect(letter, name).toBeDefined();
      expect(letter?.attributes.outcome, name).toBe('REJECTED');
      expect(letter?.attributes.reason, name).toMatch(reason ?? /./);
      expect(letter?.body === body, `${name} body kept`).toBe(true);
    }
    expect(letters).toHaveLength(CASES.filter(([, , expected]) => expected === 'rejected').length);
  });

  it('records rejected references in the ledger with the reason', async () => {
    const record = await rig.ledger('mix-usdtnp-0001');
    expect(record?.state).toBe('REJECTED');
    expect(record?.reason).toMatch(/protocol/);
  });

  it('calls Coindirect only for the valid records', () => {
    const posts = rig.sim.requests().filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(5);
  });
});
