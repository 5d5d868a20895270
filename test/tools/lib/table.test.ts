import { describe, expect, it } from 'vitest';
import { formatTable } from '#tools/lib/table.ts';

describe('formatTable', () => {
  it('left-aligns every column and does not pad the last one', () => {
    // Act
    const table = formatTable(
      ['reasonCode', 'count', 'reason'],
      [
        ['A', '5', 'short'],
        ['LONGER_CODE', '120', 'x'],
      ],
    );

    // Assert
    expect(table.split('\n')).toEqual([
      'reasonCode   count  reason',
      '-----------  -----  ------',
      'A            5      short',
      'LONGER_CODE  120    x',
    ]);
  });

  it('folds whitespace and cuts long cells with an ellipsis', () => {
    // Act
    const table = formatTable(['a', 'b'], [['one\n two', 'abcdefghij']], { maxCellWidth: 7 });

    // Assert
    expect(table.split('\n')).toEqual(['a        b', '-------  -------', 'one two  abcdef…']);
  });

  it('prints cells as given and right-aligns numeric columns when asked', () => {
    // Act
    const table = formatTable(
      ['name', 'ms'],
      [
        ['a  b', '5.0 ms'],
        ['c', '120.0 ms'],
      ],
      { maxCellWidth: false, alignNumbers: true },
    );

    // Assert
    expect(table.split('\n')).toEqual([
      'name        ms',
      '----  --------',
      'a  b    5.0 ms',
      'c     120.0 ms',
    ]);
  });
});
