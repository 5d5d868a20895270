import { describe, expect, it } from 'vitest';
import { classifyCreate } from '#shared/coindirect/classify.ts';
import { btcSummary, errorList, HTML_BLOCKED, response } from './payout-fixtures.ts';

const NOW = Date.parse('2026-01-15T12:00:00.000Z');

describe('classifyCreate', () => {
  it('returns created with the payout when a 200 carries a readable summary', () => {
    // Arrange
    const summary = btcSummary();

    // Act
    const outcome = classifyCreate(response(200, summary), NOW);

    // Assert
    expect(outcome).toEqual({ kind: 'created', payout: summary });
  });

  it.each([
    ['an HTML page', '<html>ok</html>'],
    ['an empty body', ''],
    ['JSON without a uuid', '{"reference":"ref-000123","status":"PENDING"}'],
    ['a JSON list', '[]'],
    ['an empty uuid', '{"uuid":""}'],
  ])('returns ambiguous when a 200 carries %s', (_label, body) => {
    // Act
    const outcome = classifyCreate(response(200, body), NOW);

    // Assert
    expect(outcome.kind).toBe('ambiguous');
  });

  it.each([
    [
      'reference/unique',
      errorList({ parameter: 'reference', code: 'unique', message: 'Duplicate Reference' }),
      'unique',
    ],
    [
      'MER-PAY-2010 on reference',
      errorList({ parameter: 'reference', code: 'MER-PAY-2010' }),
      'MER-PAY-2010',
    ],
    [
      'MER-PAY-2010 without a parameter',
      errorList({ code: 'MER-PAY-2010', message: 'exists' }),
      'MER-PAY-2010',
    ],
    ['MER-PAY-2010 in the flat shape', { code: 'MER-PAY-2010', message: 'Reference exists' }, 'MER-PAY-2010'],
  ])('returns duplicateReference when a 400 says %s', (_label, body, code) => {
    // Act
    const outcome = classifyCreate(response(400, body), NOW);

    // Assert
    expect(outcome).toEqual({ kind: 'duplicateReference', code });
  });

  it('does not treat "unique" on another parameter as a duplicate reference', () => {
    // Arrange
    const body = errorList({ parameter: 'merchantId', code: 'unique', message: 'must be unique' });

    // Act
    const outcome = classifyCreate(response(400, body), NOW);

    // Assert
    expect(outcome).toEqual({
      kind: 'rejected',
      code: 'unique',
      message: 'merchantId: must be unique',
      namesReference: false,
    });
  });

  it('returns rejected with the code and message when a 400 says invalidPayout', () => {
    // Arrange
    const body = errorList({
      parameter: 'payOutInstruction',
      code: 'invalidPayout',
      message: 'Invalid Instruction for Payout',
    });

    // Act
    const outcome = classifyCreate(response(400, body), NOW);

    // Assert
    expect(outcome).toEqual({
      kind: 'rejected',
      code: 'invalidPayout',
      message: 'payOutInstruction: Invalid Instruction for Payout',
      namesReference: false,
    });
  });

  it('marks a refusal whose errorList names the reference parameter, whatever its code', () => {
    // Arrange: a vendor that refuses a taken reference with an undocumented code.
    const body = errorList({ parameter: 'reference', code: 'invalidPayout', message: 'Duplicate reference' });

    // Act
    const outcome = classifyCreate(response(400, body), NOW);

    // Assert
    expect(outcome).toEqual({
      kind: 'rejected',
      code: 'invalidPayout',
      message: 'reference: Duplicate reference',
      namesReference: true,
    });
  });

  it.each([
    ['MER-PAY-2027', 'address failed validation'],
    ['MER-PAY-2001', 'amount below minimum limit'],
    ['MER-PAY-2011', 'currency disabled'],
    ['MER-PAY-2033', 'protocol must be specified'],
  ])('returns rejected with the code and message when a 400 says %s', (code, message) => {
    // Act
    const outcome = classifyCreate(response(400, errorList({ code, message })), NOW);

    // Assert
    expect(outcome).toEqual({ kind: 'rejected', code, message, namesReference: false });
  });

  it('joins every entry into the message and keeps the first code when a 400 lists several errors', () => {
    // Arrange
    const body = errorList(
      { parameter: 'amount', code: 'MER-PAY-2001', message: 'below minimum' },
      { parameter: 'payOutDetails.address', code: 'MER-PAY-2027', message: 'bad address' },
    );

    // Act
    const outcome = classifyCreate(response(400, body), NOW);

    // Assert
    expect(outcome).toEqual({
      kind: 'rejected',
      code: 'MER-PAY-2001',
      message: 'amount: below minimum; payOutDetails.address: bad address',
      namesReference: false,
    });
  });

  it('returns insufficientFunds when a 400 says MER-PAY-2012', () => {
    // Act
    const outcome = classifyCreate(response(400, errorList({ code: 'MER-PAY-2012', message: 'funds' })), NOW);

    // Assert
    expect(outcome).toEqual({ kind: 'insufficientFunds', code: 'MER-PAY-2012' });
  });

  it('returns unauthorized when the status is 401, whatever the body', () => {
    // Act
    const outcomes = [
      classifyCreate(response(401, ''), NOW),
      classifyCreate(response(401, errorList({ code: 'MER-PAY-2027' })), NOW),
    ];

    // Assert
    expect(outcomes).toEqual([
      { kind: 'unauthorized', status: 401 },
      { kind: 'unauthorized', status: 401 },
    ]);
  });

  it('returns configuration with Coindirect code and message when a 403 carries flat MER-PAY-1000', () => {
    // Arrange
    const body = {
      code: 'MER-PAY-1000',
      status: 'Forbidden',
      message: 'Not authorised to perform this action',
      documentLink: '',
    };

    // Act
    const outcome = classifyCreate(response(403, body), NOW);

    // Assert
    expect(outcome).toEqual({
      kind: 'configuration',
      code: 'MER-PAY-1000',
      message: 'Not authorised to perform this action',
    });
  });

  it('returns configuration when a 403 carries an HTML page from the edge', () => {
    // Act
    const outcome = classifyCreate(response(403, HTML_BLOCKED), NOW);

    // Assert
    expect(outcome).toMatchObject({ kind: 'configuration', code: 'HTTP_403' });
  });

  it.each([
    ['MER-PAY-2006', 'merchant not found'],
    ['MER-PAY-2016', 'merchant not authorised'],
  ])('returns configuration, not rejected, when a 400 says %s', (code, message) => {
    // Act
    const outcome = classifyCreate(response(400, errorList({ parameter: 'merchantId', code, message })), NOW);

    // Assert
    expect(outcome).toEqual({ kind: 'configuration', code, message });
  });

  it('returns configuration when a 404 carries no Coindirect error (wrong base URL)', () => {
    // Act
    const outcome = classifyCreate(response(404, '<html>Not Found</html>'), NOW);

    // Assert
    expect(outcome).toMatchObject({ kind: 'configuration', code: 'HTTP_404' });
  });

  it.each([
    ['delta seconds', '7', 7],
    ['fractional seconds', '1.2', 2],
    ['zero', '0', 0],
    ['an HTTP date 30 s ahead', new Date(NOW + 30_000).toUTCString(), 30],
    ['an HTTP date in the past', new Date(NOW - 30_000).toUTCString(), 0],
  ])(
    'returns throttled with the right seconds when a 429 has Retry-After as %s',
    (_label, header, seconds) => {
      // Act
      const outcome = classifyCreate(response(429, '', { 'retry-after': header }), NOW);

      // Assert
      expect(outcome).toEqual({ kind: 'throttled', retryAfterSeconds: seconds });
    },
  );

  it.each([
    ['no Retry-After', {}],
    ['an unreadable Retry-After', { 'retry-after': 'soon' }],
    ['a blank Retry-After', { 'retry-after': '  ' }],
  ])('returns throttled without seconds when a 429 has %s', (_label, headers) => {
    // Act
    const outcome = classifyCreate(response(429, 'Too Many Requests', headers), NOW);

    // Assert
    expect(outcome).toEqual({ kind: 'throttled' });
  });

  it.each([
    ['500 with a JSON error', 500, { code: 'INTERNAL', message: 'boom' }],
    ['500 with a Coindirect-looking errorList', 500, errorList({ code: 'MER-PAY-2027' })],
    ['502 with an HTML page', 502, '<html>Bad Gateway</html>'],
    ['503 with an empty body', 503, ''],
    ['504 with an HTML page', 504, '<html>Gateway Timeout</html>'],
  ])('returns ambiguous when the answer is %s', (_label, status, body) => {
    // Act
    const outcome = classifyCreate(response(status, body), NOW);

    // Assert
    expect(outcome.kind).toBe('ambiguous');
  });

  it.each([
    ['HTML', '<html>Bad Request</html>'],
    ['plain text', 'Bad Request'],
    ['an empty errorList', '{"errorList":[]}'],
    ['JSON of another shape', '{"error":"bad"}'],
  ])('returns ambiguous when a 400 carries %s', (_label, body) => {
    // Act
    const outcome = classifyCreate(response(400, body), NOW);

    // Assert
    expect(outcome.kind).toBe('ambiguous');
  });

  it('returns ambiguous when a 400 says MER-PAY-2018 (modified concurrently)', () => {
    // Act
    const outcome = classifyCreate(response(400, errorList({ code: 'MER-PAY-2018' })), NOW);

    // Assert
    expect(outcome).toEqual({ kind: 'ambiguous', detail: 'MER-PAY-2018' });
  });
});
