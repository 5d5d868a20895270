import { describe, expect, it } from 'vitest';
import { payoutJsonSchema } from '#shared/payout/json-schema.ts';

type Json = Record<string, unknown>;

const schema = payoutJsonSchema();
const properties = schema.properties as Record<string, Json>;
const destinationOptions = (properties.destination?.oneOf ?? []) as Json[];
const optionFor = (currency: string) =>
  destinationOptions.find(
    (option) => (option.properties as Record<string, Json>).currency?.const === currency,
  );

describe('payoutJsonSchema', () => {
  it('identifies itself with $schema, $id, title and description', () => {
    // Assert
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe('urn:coindirect-payout-worker:schema:payout-message:v1');
    expect(schema.title).toBe('Payout message v1');
    expect(schema.description).toEqual(expect.stringContaining('checksum'));
  });

  it('rejects unknown properties at the top level and requires the contract fields', () => {
    // Assert
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['reference', 'amount', 'currency', 'destination']);
    expect(Object.keys(properties)).toEqual([
      'reference',
      'amount',
      'currency',
      'destination',
      'merchantId',
      'expiryMinutes',
      'metadata',
    ]);
  });

  it.each([
    ['BTC', ['currency', 'address']],
    ['ETH', ['currency', 'address']],
    ['LTC', ['currency', 'address']],
    ['USDT', ['currency', 'address', 'protocol']],
    ['XRP', ['currency', 'address', 'tag']],
  ])('has a strict %s destination requiring %j', (currency, required) => {
    // Act
    const option = optionFor(currency);

    // Assert
    expect(option?.additionalProperties).toBe(false);
    expect(option?.required).toEqual(required);
    expect(Object.keys((option?.properties ?? {}) as Json)).toEqual(required);
  });

  it('carries the patterns, lengths and limits producers can check themselves', () => {
    // Arrange
    const usdt = optionFor('USDT')?.properties as Record<string, Json>;
    const xrp = optionFor('XRP')?.properties as Record<string, Json>;

    // Assert
    expect(properties.reference?.pattern).toBe('^[A-Za-z0-9._:-]{6,255}$');
    expect(properties.amount).toMatchObject({
      type: 'string',
      pattern: '^(0|[1-9][0-9]{0,17})(\\.[0-9]{1,8})?$',
    });
    expect(properties.currency?.pattern).toBe('^[A-Z0-9]{2,10}$');
    expect(usdt.address).toMatchObject({ minLength: 1, maxLength: 128 });
    expect(usdt.protocol?.enum).toEqual(['ERC20', 'TRC20']);
    expect(xrp.tag?.pattern).toBe('^(0|[1-9][0-9]{0,9})$');
    expect(properties.expiryMinutes).toMatchObject({ type: 'integer', minimum: 1, maximum: 43_200 });
    expect(properties.metadata).toMatchObject({
      type: 'object',
      maxProperties: 20,
      propertyNames: { pattern: '^[A-Za-z0-9_.:-]{1,64}$' },
      additionalProperties: { type: 'string', maxLength: 512 },
    });
  });

  it('matches the amount pattern the same way the worker does', () => {
    // Arrange
    const pattern = new RegExp(String(properties.amount?.pattern));

    // Act
    const verdicts = ['40.10', '0.00000001', '1e5', '-0', '01', '1.123456789'].map((s) => pattern.test(s));

    // Assert
    expect(verdicts).toEqual([true, true, false, false, false, false]);
  });
});
