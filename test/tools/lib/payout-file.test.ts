import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectFormat, parsePayoutFile } from '#tools/lib/payout-file.ts';

const example = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../../../examples/${name}`, import.meta.url)), 'utf8');

describe('detectFormat', () => {
  it.each([
    ['payouts.csv', 'x', 'csv'],
    ['payouts.JSON', 'x', 'json'],
    ['payouts.ndjson', 'x', 'ndjson'],
    ['payouts.jsonl', 'x', 'ndjson'],
    ['-', '  [ {"a":1} ]', 'json'],
    ['payouts.txt', '\uFEFF{"a":1}\n{"a":2}', 'ndjson'],
    ['payouts.txt', 'reference,amount', 'csv'],
  ] as const)('reads %s starting %j as %s', (name, text, format) => {
    // Act
    const detected = detectFormat(name, text);

    // Assert
    expect(detected).toBe(format);
  });
});

describe('parsePayoutFile: CSV', () => {
  it('maps dotted headers to nested fields and metadata.<key> columns to metadata', () => {
    // Arrange
    const text = [
      'reference,amount,currency,destination.currency,destination.address,destination.protocol,expiryMinutes,metadata.customer,metadata.batch',
      'order-000001,40.10,EUR,USDT,TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t,TRC20,60,c-42,b-7',
    ].join('\n');

    // Act
    const file = parsePayoutFile(text, 'csv');

    // Assert
    expect(file.issues).toEqual([]);
    expect(file.rows).toEqual([
      {
        line: 2,
        value: {
          reference: 'order-000001',
          amount: '40.10',
          currency: 'EUR',
          destination: { currency: 'USDT', address: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', protocol: 'TRC20' },
          expiryMinutes: 60,
          metadata: { customer: 'c-42', batch: 'b-7' },
        },
      },
    ]);
  });

  it('leaves out fields whose cell is empty and keeps a non-numeric expiryMinutes for the schema to reject', () => {
    // Arrange
    const text =
      'reference,amount,currency,destination.currency,destination.address,destination.tag,expiryMinutes,metadata.note\n' +
      'order-000002,5,EUR,BTC,1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa,,soon,\n';

    // Act
    const file = parsePayoutFile(text, 'csv');

    // Assert
    expect(file.rows[0]?.value).toEqual({
      reference: 'order-000002',
      amount: '5',
      currency: 'EUR',
      destination: { currency: 'BTC', address: '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa' },
      expiryMinutes: 'soon',
    });
  });

  it('reports unknown, duplicate and missing header columns on line 1 and reads no rows', () => {
    // Arrange
    const text = 'reference,amount,amount,destination.currency,colour\nx,1,1,BTC,red\n';

    // Act
    const file = parsePayoutFile(text, 'csv');

    // Assert
    expect(file.rows).toEqual([]);
    expect(file.issues.map((i) => [i.line, i.field])).toEqual([
      [1, 'amount'],
      [1, 'colour'],
      [1, 'currency'],
      [1, 'destination.address'],
    ]);
    expect(file.issues.find((i) => i.field === 'colour')?.reason).toMatch(/not a payout v1 column/);
  });

  it('reports a row with the wrong number of cells by its line and reads the others', () => {
    // Arrange
    const text =
      'reference,amount,currency,destination.currency,destination.address\n' +
      'order-000003,1,EUR,BTC,1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa\n' +
      'order-000004,1,EUR,BTC\n' +
      '"order-\n000005",1,EUR,BTC,1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa\n';

    // Act
    const file = parsePayoutFile(text, 'csv');

    // Assert
    expect(file.rows.map((r) => r.line)).toEqual([2, 4]);
    expect(file.issues).toEqual([{ line: 3, field: '(row)', reason: 'has 4 cells; the header has 5' }]);
  });

  it('reports a broken quote as a file problem with its line', () => {
    // Act
    const file = parsePayoutFile('reference,amount\n"open,1\n', 'csv');

    // Assert
    expect(file.issues).toEqual([{ line: 2, field: '(file)', reason: 'a quoted cell is never closed' }]);
  });
});

describe('parsePayoutFile: JSON array', () => {
  it('gives each element the line it starts on', () => {
    // Arrange
    const text =
      '[\n  {"reference": "a-000001",\n   "note": "x, [y]"},\n\n  {"reference": "a-000002"}, "str", 7\n]\n';

    // Act
    const file = parsePayoutFile(text, 'json');

    // Assert
    expect(file.issues).toEqual([]);
    expect(file.rows).toEqual([
      { line: 2, value: { reference: 'a-000001', note: 'x, [y]' } },
      { line: 5, value: { reference: 'a-000002' } },
      { line: 5, value: 'str' },
      { line: 5, value: 7 },
    ]);
  });

  it('reports invalid JSON with the line of the error', () => {
    // Act
    const file = parsePayoutFile('[\n  {"reference": "a-000001"},\n  {"reference": }\n]', 'json');

    // Assert
    expect(file.rows).toEqual([]);
    expect(file.issues).toHaveLength(1);
    expect(file.issues[0]).toMatchObject({ line: 3, field: '(file)' });
    expect(file.issues[0]?.reason).toMatch(/^not valid JSON/);
  });

  it('reports JSON that is not an array', () => {
    // Act
    const file = parsePayoutFile('{"reference": "a-000001"}', 'json');

    // Assert
    expect(file.issues).toEqual([
      { line: 1, field: '(file)', reason: expect.stringMatching(/must be a JSON array/) },
    ]);
  });
});

describe('parsePayoutFile: NDJSON', () => {
  it('reads one value per line, skips blank lines and reports bad lines by number', () => {
    // Arrange
    const text = '{"reference":"n-000001"}\r\n\n{"reference":\n  \n{"reference":"n-000002"}';

    // Act
    const file = parsePayoutFile(text, 'ndjson');

    // Assert
    expect(file.rows).toEqual([
      { line: 1, value: { reference: 'n-000001' } },
      { line: 5, value: { reference: 'n-000002' } },
    ]);
    expect(file.issues).toEqual([
      { line: 3, field: '(row)', reason: 'not valid JSON (NDJSON: one JSON object per line)' },
    ]);
  });
});

describe('the example payout files', () => {
  it('hold the same payouts in all three formats', () => {
    // Arrange
    const csv = parsePayoutFile(example('payouts.csv'), 'csv');
    const json = parsePayoutFile(example('payouts.json'), 'json');
    const ndjson = parsePayoutFile(example('payouts.ndjson'), 'ndjson');
    const byReference = new Map(
      csv.rows.map((r) => [(r.value as { reference: string }).reference, r.value] as const),
    );

    // Act
    const fromCsv = json.rows.map((r) => byReference.get((r.value as { reference: string }).reference));

    // Assert
    expect([csv.issues, json.issues, ndjson.issues]).toEqual([[], [], []]);
    expect(fromCsv).toEqual(json.rows.map((r) => r.value));
    expect(ndjson.rows.map((r) => r.value)).toEqual(json.rows.map((r) => r.value));
  });
});
