import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CreateOutcome } from '#shared/coindirect/classify.ts';
import { InMemoryLedger } from '#shared/ledger/in-memory-ledger.ts';
import type { ValidPayout } from '#shared/payout/schema.ts';
import { type BatchDeps, processBatch, type QueuedDelivery } from '#shared/processing/process-batch.ts';
import type { DeadLetter } from '#shared/queue/sqs-ports.ts';

const ETH = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
const valid = (reference: string) => ({
  reference,
  amount: '40.10',
  currency: 'EUR',
  destination: { currency: 'ETH', address: ETH },
});

/** A fresh worker around fakes: counts every Coindirect call, keeps every dead letter. */
function rig() {
  const calls: string[] = [];
  const deadLetters: DeadLetter[] = [];
  const deps: BatchDeps = {
    ledger: new InMemoryLedger(),
    coindirect: {
      async createPayout(payout: ValidPayout): Promise<CreateOutcome> {
        calls.push(payout.reference);
        return {
          kind: 'created',
          payout: { uuid: `uuid-${payout.reference}`, reference: payout.reference, status: 'PROCESSING' },
        };
      },
      async findPayoutByReference() {
        calls.push('lookup');
        return { kind: 'notFound' };
      },
    },
    guardrails: {
      defaultMerchantId: 'merchant-0001',
      allowedMerchantIds: [],
      maxAmounts: { EUR: '5000' },
      addressNetwork: 'mainnet',
      maxBodyBytes: 16_384,
    },
    metrics: { count: () => undefined },
    logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    ownerToken: (d) => `${d.messageId}#${d.receiveCount}`,
    deadLetters: { send: async (letter) => void deadLetters.push(letter) },
    visibility: { change: async () => ({ failed: 0 }) },
    concurrency: 8,
    resendSettleMs: 0,
    httpTimeoutMs: 2_000,
    leaseMs: 60_000,
  };
  return { deps, calls, deadLetters };
}

const delivery = (messageId: string, body: string): QueuedDelivery => ({
  messageId,
  body,
  receiveCount: 1,
  receiptHandle: `rh-${messageId}`,
  queueArn: 'arn:aws:sqs:us-east-1:123456789012:payouts',
});

const tricky = fc.constantFrom(
  '\u202Eevil',
  'ref\u200B0001',
  'ｒｅｆ－０００１',
  'ref-0001\u0000',
  '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe\u0434',
  '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfN\u0430',
  '__proto__',
  'constructor',
  '-0',
  '-0.0',
  '1e3',
  '4.01E+1',
  'NaN',
  'Infinity',
  '0x10',
  ' 40.10',
  '40.10 ',
  '４０.１０',
);
const hostileValue = fc.oneof(
  fc.anything(),
  tricky,
  fc.string({ unit: 'grapheme', maxLength: 64 }),
  fc.string({ minLength: 300, maxLength: 20_000 }),
  fc.double(),
  fc.constant(-0),
);
const FIELDS = [
  'reference',
  'amount',
  'currency',
  'destination',
  'merchantId',
  'expiryMinutes',
  'metadata',
] as const;
const DEST_FIELDS = ['currency', 'address', 'protocol', 'tag'] as const;

/**
 * An oracle, independent of the schema, for the few replacements that leave the message valid (an absent
 * optional field, `metadata: {}`, a small whole `expiryMinutes`, …): those are not hostile and are skipped.
 */
function staysValid(field: string, value: unknown): boolean {
  if (value === undefined) return true;
  switch (field) {
    case 'reference':
      return typeof value === 'string' && /^[A-Za-z0-9._:-]{6,255}$/.test(value);
    case 'amount':
      return (
        typeof value === 'string' && /^(0|[1-9][0-9]{0,3})(\.[0-9]{1,8})?$/.test(value) && Number(value) > 0
      );
    case 'currency':
      return value === 'EUR';
    case 'merchantId':
      return value === 'merchant-0001';
    case 'expiryMinutes':
      return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 43_200;
    case 'metadata':
      return (
        typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        Object.entries(value).length <= 20 &&
        Object.entries(value).every(
          ([k, v]) => /^[A-Za-z0-9_.:-]{1,64}$/.test(k) && typeof v === 'string' && v.length <= 512,
        )
      );
    case 'destination.currency':
      return value === 'ETH';
    case 'destination.address':
      return typeof value === 'string' && value.toLowerCase() === ETH.toLowerCase();
    default:
      return false;
  }
}

/** What the worker receives for `value` once it is serialised: `{a: undefined}` arrives as `{}`. */
function asSent(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : JSON.parse(text);
}

/** A valid message with one field (top level or in destination) replaced by something hostile. */
const mutated = fc
  .tuple(
    fc.constantFrom(...FIELDS, ...DEST_FIELDS.map((f) => `destination.${f}`)),
    hostileValue,
    fc.nat(1_000_000),
  )
  .filter(([field, value]) => !staysValid(field, asSent(value)))
  .map(([field, value, n]) => {
    const message: Record<string, unknown> = valid(`fuzz-${n}`);
    if (field.startsWith('destination.')) {
      message.destination = { ...(message.destination as object), [field.slice(12)]: value };
    } else message[field] = value;
    return JSON.stringify(message) ?? 'undefined';
  });

const pollutionBody = fc
  .tuple(
    fc.constantFrom('__proto__', 'constructor', 'prototype'),
    fc.constantFrom('top', 'destination', 'metadata'),
  )
  .map(([key, where]) => {
    const inner = `"${key}":{"polluted":"yes","isAdmin":true}`;
    const base = valid('fuzz-pollute');
    if (where === 'top') return `{${inner},${JSON.stringify(base).slice(1)}`;
    if (where === 'destination')
      return JSON.stringify(base).replace('"destination":{', `"destination":{${inner},`);
    return `${JSON.stringify(base).slice(0, -1)},"metadata":{${inner}}}`;
  });

const deepNesting = fc
  .integer({ min: 1_000, max: 50_000 })
  .map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`);
const deepObject = fc
  .integer({ min: 100, max: 5_000 })
  .map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);

const hostileBody = fc.oneof(
  { weight: 5, arbitrary: mutated },
  { weight: 2, arbitrary: fc.anything().map((v) => JSON.stringify(v) ?? 'null') },
  { weight: 1, arbitrary: fc.string({ maxLength: 2_000 }) },
  { weight: 1, arbitrary: pollutionBody },
  { weight: 1, arbitrary: fc.oneof(deepNesting, deepObject) },
);

describe('front door under hostile input', () => {
  it('rejects every hostile message with a field and a reason, calls Coindirect for none, and still submits the valid ones', async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(hostileBody, { minLength: 5, maxLength: 20 }),
        fc.nat(19),
        async (bodies, slot) => {
          // Arrange: a batch of hostile bodies with one valid message mixed in.
          const { deps, calls, deadLetters } = rig();
          const validReference = `valid-${checked}`;
          const deliveries = bodies.map((b, i) => delivery(`m${i}`, b));
          deliveries.splice(
            slot % (deliveries.length + 1),
            0,
            delivery('valid', JSON.stringify(valid(validReference))),
          );

          // Act
          const report = await processBatch(deliveries, deps);

          // Assert
          expect(report.failedMessageIds).toEqual([]);
          expect(calls).toEqual([validReference]);
          expect(deadLetters).toHaveLength(bodies.length);
          for (const letter of deadLetters) {
            expect(letter.outcome).toBe('REJECTED');
            expect(letter.reasonCode).toBe('INVALID_MESSAGE');
            expect(letter.reason.length).toBeGreaterThan(0);
          }
          for (const result of report.results) {
            if (result.messageId === 'valid') expect(result.outcome.kind).toBe('submitted');
            else if (result.outcome.kind === 'rejected')
              expect(result.outcome.issues?.length).toBeGreaterThan(0);
            else expect.unreachable(`hostile message ${result.messageId} ended ${result.outcome.kind}`);
          }
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
          expect(Object.prototype).not.toHaveProperty('isAdmin');
          checked += bodies.length;
        },
      ),
      { numRuns: 1_000 },
    );
    // fast-check stops at numRuns; this records that the run really covered 10,000+ hostile messages.
    expect(checked).toBeGreaterThanOrEqual(10_000);
  });
});
