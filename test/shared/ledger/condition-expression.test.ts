// Checks the test model of DynamoDB conditions itself, so the ledger tests that rely on it can be trusted.
import { describe, expect, it } from 'vitest';
import {
  bareAttributeNames,
  conditionHolds,
  reservedWordsUsed,
  unusedPlaceholders,
} from './condition-expression.ts';

const values = { ':one': { N: '1' }, ':ten': { N: '10' }, ':a': { S: 'a' } };

describe('conditionHolds (test model)', () => {
  it('treats a comparison with a missing attribute as false, as DynamoDB does', () => {
    // Act
    const lessThan = conditionHolds(
      { ConditionExpression: 'n < :ten', ExpressionAttributeValues: values },
      {},
    );
    const notEqual = conditionHolds(
      { ConditionExpression: 'n <> :ten', ExpressionAttributeValues: values },
      {},
    );

    // Assert
    expect([lessThan, notEqual]).toEqual([false, false]);
  });

  it('binds AND tighter than OR and honours parentheses and NOT', () => {
    // Arrange
    const item = { n: { N: '1' }, s: { S: 'b' } };
    const input = (ConditionExpression: string) => ({
      ConditionExpression,
      ExpressionAttributeValues: values,
    });

    // Act
    const results = [
      conditionHolds(input('n = :one OR s = :a AND n = :ten'), item),
      conditionHolds(input('(n = :one OR s = :a) AND n = :ten'), item),
      conditionHolds(input('NOT s = :a'), item),
      conditionHolds(input('attribute_not_exists(x) AND attribute_exists(n)'), item),
      conditionHolds(input('n < :ten'), item),
    ];

    // Assert
    expect(results).toEqual([true, false, true, true, true]);
  });

  it('resolves #names through ExpressionAttributeNames', () => {
    // Act
    const holds = conditionHolds(
      {
        ConditionExpression: '#s = :a',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: values,
      },
      { state: { S: 'a' } },
    );

    // Assert
    expect(holds).toBe(true);
  });
});

describe('conditionHolds on a missing item (test model)', () => {
  it('treats attribute_not_exists(#alias) as true and comparisons as false when no item is stored', () => {
    // Arrange
    const input = (ConditionExpression: string) => ({
      ConditionExpression,
      ExpressionAttributeNames: { '#r': 'reference' },
      ExpressionAttributeValues: values,
    });

    // Act
    const results = [
      conditionHolds(input('attribute_not_exists(#r)'), undefined),
      conditionHolds(input('attribute_exists(#r)'), undefined),
      conditionHolds(input('#r = :a'), undefined),
    ];

    // Assert
    expect(results).toEqual([true, false, false]);
  });
});

describe('reservedWordsUsed and unusedPlaceholders (test model)', () => {
  it('finds bare reserved words but not aliases, placeholders or function names', () => {
    // Act
    const names = bareAttributeNames('SET #state = :s, digest = if_not_exists(digest, :d) REMOVE reason');
    const reserved = reservedWordsUsed({
      ConditionExpression: 'attribute_exists(reference) AND #state = :s',
    });

    // Assert
    expect(names).toEqual(['digest', 'digest', 'reason']);
    expect(reserved).toEqual(['reference']);
  });

  it('lists placeholders that neither expression uses', () => {
    // Act
    const unused = unusedPlaceholders({
      ConditionExpression: '#a = :x',
      ExpressionAttributeNames: { '#a': 'a', '#b': 'b' },
      ExpressionAttributeValues: { ':x': { S: 'x' }, ':y': { S: 'y' } },
    });

    // Assert
    expect(unused).toEqual(['#b', ':y']);
  });
});
