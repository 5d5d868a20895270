import { describe, expect, it } from 'vitest';
import { jsonErrorOffset } from '#tools/lib/json-error.ts';

describe('jsonErrorOffset', () => {
  it.each(['[]', ' {"a": [1, -2.5e3, true, false, null, "x\\u00e9\\n"]} ', '"just a string"'])(
    'finds no error in valid JSON %j',
    (text) => {
      // Act
      const offset = jsonErrorOffset(text);

      // Assert
      expect(offset).toBeUndefined();
      expect(() => JSON.parse(text)).not.toThrow();
    },
  );

  it.each([
    ['a trailing comma', '[1, 2, ]', 7],
    ['a missing value', '{"a": }', 6],
    ['a missing colon', '{"a" 1}', 5],
    ['a single-quoted string', "['x']", 1],
    ['an unclosed string', '["abc', 5],
    ['text after the value', '[1] x', 4],
    ['a leading zero', '[01]', 2],
  ])('points at %s', (_, text, offset) => {
    // Act
    const found = jsonErrorOffset(text);

    // Assert
    expect(found).toBe(offset);
    expect(() => JSON.parse(text)).toThrow();
  });
});
