import fc from 'fast-check';
import { describe, it } from 'vitest';
import { PAYOUT_FIELDS, parsePayoutMessage } from '#shared/payout/schema.ts';
import { BTC_MESSAGE, GUARDRAILS } from './fixtures.ts';

// 4 properties × 500 runs = 2,000 runs; the 10,000-run soak is a separate issue.
const RUNS = 500;

const neverThrowsNeverOk = (body: string) => {
  const result = parsePayoutMessage(body, GUARDRAILS);
  return !result.ok && result.issues.length > 0 && result.issues.every((issue) => issue.path !== '');
};

describe('parsePayoutMessage (properties)', () => {
  it('never throws and never accepts an arbitrary string', () => {
    // Act + Assert
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), neverThrowsNeverOk), {
      numRuns: RUNS,
    });
  });

  it('never throws and never accepts an arbitrary JSON value', () => {
    // Act + Assert
    fc.assert(fc.property(fc.json({ maxDepth: 6 }), neverThrowsNeverOk), { numRuns: RUNS });
  });

  it('never throws and never accepts an arbitrary object under the contract field names', () => {
    // Arrange: the real field names with arbitrary values, so the schema's inner paths get exercised.
    const field = fc.jsonValue({ maxDepth: 3 });
    const message = fc.record(
      {
        reference: field,
        amount: fc.oneof(field, fc.string()),
        currency: field,
        destination: fc.oneof(
          field,
          fc.record({ currency: field, address: field, protocol: field, tag: field }),
        ),
        merchantId: field,
        metadata: fc.oneof(field, fc.dictionary(fc.string(), field)),
        ['__proto__']: field,
      },
      { requiredKeys: [] },
    );

    // Act + Assert
    fc.assert(
      fc.property(message, (value) => neverThrowsNeverOk(JSON.stringify(value) ?? 'null')),
      { numRuns: RUNS },
    );
  });

  it('rejects a valid message once any unknown field is added, whatever its value', () => {
    // Arrange: one extra arbitrary key always breaks the strict schema, whatever its value.
    const extraKey = fc
      .string({ minLength: 1 })
      .filter((key) => !(PAYOUT_FIELDS as readonly string[]).includes(key));

    // Act + Assert
    fc.assert(
      fc.property(extraKey, fc.jsonValue(), (key, value) => {
        const body = JSON.stringify({ ...BTC_MESSAGE, [key]: value });
        return neverThrowsNeverOk(body);
      }),
      { numRuns: RUNS },
    );
  });
});
