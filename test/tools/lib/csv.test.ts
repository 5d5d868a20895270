import { describe, expect, it } from 'vitest';
import { readCsv } from '#tools/lib/csv.ts';

describe('readCsv', () => {
  it('reads cells and the line each record starts on', () => {
    // Act
    const result = readCsv('a,b,c\n1,2,3\r\n4,,6\n');

    // Assert
    expect(result).toEqual({
      ok: true,
      records: [
        { line: 1, cells: ['a', 'b', 'c'] },
        { line: 2, cells: ['1', '2', '3'] },
        { line: 3, cells: ['4', '', '6'] },
      ],
    });
  });

  it('reads quoted cells holding commas, doubled quotes and line breaks', () => {
    // Act
    const result = readCsv('x,y\n"a, b","say ""hi"""\n"two\nlines",z\nlast,row');

    // Assert
    expect(result).toEqual({
      ok: true,
      records: [
        { line: 1, cells: ['x', 'y'] },
        { line: 2, cells: ['a, b', 'say "hi"'] },
        { line: 3, cells: ['two\nlines', 'z'] },
        { line: 5, cells: ['last', 'row'] },
      ],
    });
  });

  it('skips blank lines and a byte order mark', () => {
    // Act
    const result = readCsv('\uFEFFa\n\n\nb\n');

    // Assert
    expect(result).toEqual({
      ok: true,
      records: [
        { line: 1, cells: ['a'] },
        { line: 4, cells: ['b'] },
      ],
    });
  });

  it('keeps an empty last cell', () => {
    // Act
    const result = readCsv('a,\n');

    // Assert
    expect(result).toEqual({ ok: true, records: [{ line: 1, cells: ['a', ''] }] });
  });

  it.each([
    ['a quote left open', 'a\n"open\nstill', 2, /never closed/],
    ['a quote inside an unquoted cell', 'a\nab"c', 2, /quote inside an unquoted cell/],
    ['text after a closing quote', 'a\n"ab"c', 2, /after a closing quote/],
  ])('reports %s with its line', (_, text, line, reason) => {
    // Act
    const result = readCsv(text);

    // Assert
    expect(result).toMatchObject({ ok: false, line });
    expect(result.ok ? '' : result.reason).toMatch(reason);
  });
});
