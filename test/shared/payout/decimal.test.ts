import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDecimal,
  canonicalDecimal,
  compareDecimal,
  decimalFromNumber,
  isPositive,
  parseDecimal,
  percentOf,
  subtractDecimal,
} from '#shared/payout/decimal.ts';

describe('parseDecimal', () => {
  it.each([
    ['40.10', '40.1'],
    ['40.00', '40'],
    ['0', '0'],
    ['0.00000001', '0.00000001'],
    ['123456789012345678', '123456789012345678'],
    ['123456789012345678.12345678', '123456789012345678.12345678'],
  ])('accepts %j as %j', (input, canonical) => {
    // Act
    const result = parseDecimal(input);

    // Assert
    expect(result).toEqual({ ok: true, value: canonical });
  });

  it.each([
    ['1e5', 'not exponent notation'],
    ['1E+4', 'not exponent notation'],
    ['-0', 'without a sign'],
    ['+1', 'without a sign'],
    [' 1', 'without whitespace'],
    ['1 ', 'without whitespace'],
    ['01', 'without leading zeros'],
    ['.5', 'digits on both sides'],
    ['5.', 'digits on both sides'],
    ['1,5', 'decimal separator'],
    ['', 'empty string'],
    ['abc', 'must be a decimal string'],
    ['1234567890123456789', 'at most 18 integer digits'],
    ['1.123456789', 'at most 8 decimal places'],
    ['NaN', 'must be a decimal string'],
    ['Infinity', 'must be a decimal string'],
  ])('rejects %j with a reason mentioning %j', (input, reason) => {
    // Act
    const result = parseDecimal(input);

    // Assert
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain(reason);
  });

  it.each([
    [40.1, 'number'],
    [null, 'null'],
    [['1'], 'array'],
    [{}, 'object'],
  ])('rejects the non-string %j and names its type', (input, type) => {
    // Act
    const result = parseDecimal(input);

    // Assert
    expect(result).toEqual({ ok: false, reason: `must be a decimal string like "40.10", got ${type}` });
  });
});

describe('canonicalDecimal', () => {
  it.each([
    ['40.10', '40.1'],
    ['40.00', '40'],
    ['40', '40'],
    ['0.0', '0'],
    ['007.50', '7.5'],
  ])('turns %j into %j', (input, expected) => {
    // Act
    const result = canonicalDecimal(input);

    // Assert
    expect(result).toBe(expected);
  });

  it('throws RangeError when the input is not a plain decimal', () => {
    // Act + Assert
    expect(() => canonicalDecimal('1e5')).toThrow(RangeError);
  });
});

describe('compareDecimal', () => {
  it.each([
    ['40.1', '40.10', 0],
    ['9.99', '10', -1],
    ['10', '9.99', 1],
    ['0.00000001', '0', 1],
    ['123456789012345678.12345678', '123456789012345678.12345679', -1],
    // Float arithmetic would call these equal; exact comparison must not.
    ['9007199254740993', '9007199254740992', 1],
    ['0.30000000', '0.3', 0],
  ] as const)('compares %j with %j as %i', (a, b, expected) => {
    // Act
    const result = compareDecimal(a, b);

    // Assert
    expect(result).toBe(expected);
  });

  it('throws RangeError when either side is not a plain decimal', () => {
    // Act + Assert
    expect(() => compareDecimal('-1', '1')).toThrow(RangeError);
  });
});

describe('isPositive', () => {
  it.each([
    ['0', false],
    ['0.00', false],
    ['0.00000001', true],
    ['40', true],
  ] as const)('returns %j → %j', (input, expected) => {
    // Act
    const result = isPositive(input);

    // Assert
    expect(result).toBe(expected);
  });
});

describe('decimalFromNumber', () => {
  it.each([
    [40.1, '40.1'],
    [1e4, '10000'],
    [0.0305817, '0.0305817'],
    [1.5e-7, '0.00000015'],
    [1e21, '1000000000000000000000'],
    [1.2345e22, '12345000000000000000000'],
    [-0, '0'],
    [0, '0'],
    [5e-324, `0.${'0'.repeat(323)}5`],
  ])('turns %d into %j', (input, expected) => {
    // Act
    const result = decimalFromNumber(input);

    // Assert
    expect(result).toBe(expected);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, -0.5])(
    'returns undefined for %d',
    (input) => {
      // Act
      const result = decimalFromNumber(input);

      // Assert
      expect(result).toBeUndefined();
    },
  );

  it('agrees with compareDecimal on an amount Coindirect echoes as a JSON number', () => {
    // Arrange
    const echoed = JSON.parse('{"amount": 40.10}').amount as number;

    // Act
    const asDecimal = decimalFromNumber(echoed);

    // Assert
    expect(asDecimal !== undefined && compareDecimal(asDecimal, '40.10')).toBe(0);
  });
});

describe('addDecimal and subtractDecimal', () => {
  it.each([
    ['0.1', '0.2', '0.3'],
    ['40.10', '0.9', '41'],
    ['0', '0', '0'],
    ['999999999999999999.99999999', '0.00000001', '1000000000000000000'],
    ['9007199254740993', '1', '9007199254740994'],
  ] as const)('adds %j and %j exactly to %j', (a, b, expected) => {
    // Act
    const sum = addDecimal(a, b);

    // Assert
    expect(sum).toBe(expected);
  });

  it.each([
    ['0.3', '0.1', '0.2'],
    ['41', '0.9', '40.1'],
    ['5', '5.00', '0'],
    ['1', '1.01', undefined],
  ] as const)('subtracts %j minus %j exactly to %j', (a, b, expected) => {
    // Act
    const difference = subtractDecimal(a, b);

    // Assert
    expect(difference).toBe(expected);
  });

  it('undoes an addition with a subtraction, whatever the amounts', () => {
    // Arrange
    // An amount with up to 18 integer digits and 8 decimals, as a payout may have.
    const amount = fc
      .tuple(fc.bigInt({ min: 0n, max: 10n ** 26n - 1n }), fc.integer({ min: 0, max: 8 }))
      .map(([units, scale]) => {
        const unit = 10n ** BigInt(scale);
        const fraction = scale === 0 ? '' : `.${String(units % unit).padStart(scale, '0')}`;
        return canonicalDecimal(`${(units / unit) % 10n ** 18n}${fraction}`);
      });

    // Act + Assert
    fc.assert(
      fc.property(amount, amount, (a, b) => {
        const sum = addDecimal(a, b);
        expect(subtractDecimal(sum, b)).toBe(a);
        expect(compareDecimal(sum, a)).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 200 },
    );
  });

  it('throws RangeError when either side is not a plain decimal', () => {
    // Act + Assert
    expect(() => addDecimal('1e3', '1')).toThrow(RangeError);
    expect(() => subtractDecimal('1', '-1')).toThrow(RangeError);
  });
});

describe('percentOf', () => {
  it.each([
    ['125.25', '250.5', '50'],
    ['1', '3', '33.3'],
    ['0.01', '100000', '0'],
    ['250.5', '250.5', '100'],
  ] as const)('gives %j of %j as %j %%, cut to one decimal', (part, whole, expected) => {
    // Act + Assert
    expect(percentOf(part, whole)).toBe(expected);
  });

  it('throws RangeError for a percentage of zero', () => {
    // Act + Assert
    expect(() => percentOf('1', '0')).toThrow(RangeError);
  });
});
