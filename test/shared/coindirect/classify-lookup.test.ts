import { describe, expect, it } from 'vitest';
import { classifyRead, classifySearch, retryAfterSeconds } from '#shared/coindirect/classify.ts';
import { btcSummary, errorList, response } from './payout-fixtures.ts';

const NOW = Date.parse('2026-01-15T12:00:00.000Z');

describe('classifyRead', () => {
  it('returns found with the payout when a 200 carries a readable summary', () => {
    // Arrange
    const summary = btcSummary({ status: 'COMPLETE' });

    // Act
    const outcome = classifyRead(response(200, summary), NOW);

    // Assert
    expect(outcome).toEqual({ kind: 'found', payout: summary });
  });

  it.each([400, 404])('returns notFound when a %i says MER-PAY-2008', (status) => {
    // Act
    const outcome = classifyRead(response(status, errorList({ code: 'MER-PAY-2008' })), NOW);

    // Assert
    expect(outcome).toEqual({ kind: 'notFound' });
  });

  it.each([
    ['a 200 without a uuid', 200, '{"status":"PENDING"}'],
    ['a 500', 500, '{"code":"X","message":"y"}'],
    ['a 400 with another code', 400, JSON.stringify(errorList({ code: 'MER-PAY-2000' }))],
  ])('returns ambiguous when the answer is %s', (_label, status, body) => {
    // Act
    const outcome = classifyRead(response(status, body), NOW);

    // Assert
    expect(outcome.kind).toBe('ambiguous');
  });

  it('returns unauthorized when the status is 401', () => {
    // Act
    const outcome = classifyRead(response(401, ''), NOW);

    // Assert
    expect(outcome).toEqual({ kind: 'unauthorized', status: 401 });
  });
});

describe('classifySearch', () => {
  it('returns found with the exact match when the list holds the reference', () => {
    // Arrange
    const match = btcSummary({ uuid: 'uuid-match', reference: 'ref-000123' });
    const list = [btcSummary({ uuid: 'uuid-other', reference: 'ref-0001234' }), match];

    // Act
    const outcome = classifySearch(response(200, list), NOW, 'ref-000123');

    // Assert
    expect(outcome).toEqual({ kind: 'found', payout: match });
  });

  it.each([
    ['a longer reference', 'ref-0001234'],
    ['a shorter reference', 'ref-00012'],
    ['the reference in other case', 'REF-000123'],
    ['no reference', undefined],
  ])('returns notFound when the list only holds %s', (_label, reference) => {
    // Arrange
    const list = [reference === undefined ? btcSummary({ reference: null }) : btcSummary({ reference })];

    // Act
    const outcome = classifySearch(response(200, list), NOW, 'ref-000123');

    // Assert
    expect(outcome).toEqual({ kind: 'notFound' });
  });

  it('returns notFound when the list is empty', () => {
    // Act
    const outcome = classifySearch(response(200, []), NOW, 'ref-000123');

    // Assert
    expect(outcome).toEqual({ kind: 'notFound' });
  });

  it.each([
    ['a single object instead of a list', 200, JSON.stringify(btcSummary())],
    ['HTML', 200, '<html></html>'],
    ['a 400 errorList', 400, JSON.stringify(errorList({ code: 'MER-PAY-2000' }))],
    ['a 503', 503, ''],
  ])('returns ambiguous when the answer is %s', (_label, status, body) => {
    // Act
    const outcome = classifySearch(response(status, body), NOW, 'ref-000123');

    // Assert
    expect(outcome.kind).toBe('ambiguous');
  });
});

describe('retryAfterSeconds', () => {
  it('returns undefined when the header is absent', () => {
    // Act
    const seconds = retryAfterSeconds(undefined, NOW);

    // Assert
    expect(seconds).toBeUndefined();
  });

  it('counts from the given now when the header is an HTTP date', () => {
    // Arrange
    const header = 'Thu, 15 Jan 2026 12:02:00 GMT';

    // Act
    const seconds = retryAfterSeconds(header, NOW);

    // Assert
    expect(seconds).toBe(120);
  });
});
