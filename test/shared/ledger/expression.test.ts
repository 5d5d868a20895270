import { describe, expect, it } from 'vitest';
import {
  allOf,
  anyOf,
  attributeName,
  attributeValue,
  clause,
  expressionFields,
  path,
  update,
} from '#shared/ledger/expression.ts';
import { conditionHolds, unusedPlaceholders } from './condition-expression.ts';

const STATE = attributeName('#state', 'state');
const claimed = attributeValue(':claimed', { S: 'CLAIMED' });

describe('expression clauses', () => {
  it('collects exactly the names and values a template uses', () => {
    // Act
    const built = clause`${STATE} = ${claimed} AND attribute_exists(${path('digest')})`;

    // Assert
    expect(built).toEqual({
      text: '#state = :claimed AND attribute_exists(digest)',
      names: { '#state': 'state' },
      values: { ':claimed': { S: 'CLAIMED' } },
    });
  });

  it('parenthesises an OR inside an AND, and an AND inside an OR', () => {
    // Arrange
    const a = clause`a = ${attributeValue(':a', { N: '1' })}`;
    const b = clause`b = ${attributeValue(':b', { N: '2' })}`;
    const c = clause`c = ${attributeValue(':c', { N: '3' })}`;

    // Act
    const andOfOr = allOf(a, anyOf(b, c));
    const orOfAnd = anyOf(a, allOf(b, c));
    const flat = allOf(allOf(a, b), c);

    // Assert
    expect(andOfOr.text).toBe('a = :a AND (b = :b OR c = :c)');
    expect(orOfAnd.text).toBe('a = :a OR (b = :b AND c = :c)');
    expect(flat.text).toBe('a = :a AND b = :b AND c = :c');
    expect(conditionHolds(expressionFields({ condition: andOfOr }), { a: { N: '1' }, c: { N: '3' } })).toBe(
      true,
    );
  });

  it('leaves absent clauses out and a single clause as it is', () => {
    // Act
    const single = allOf(undefined, clause`${STATE} = ${claimed}`, undefined);

    // Assert
    expect(single.text).toBe('#state = :claimed');
  });

  it('allows one placeholder twice with the same value, and refuses two values for it', () => {
    // Arrange
    const owner = (o: string) => clause`leaseOwner = ${attributeValue(':owner', { S: o })}`;

    // Act
    const same = () => allOf(owner('a'), owner('a'));
    const different = () => allOf(owner('a'), owner('b'));

    // Assert
    expect(same).not.toThrow();
    expect(different).toThrow(/:owner/);
    expect(() => clause`${STATE} = ${attributeName('#state', 'other')}`).toThrow(/#state/);
  });

  it('builds an update expression from its actions, leaving out empty ones', () => {
    // Act
    const built = update({
      set: [clause`${STATE} = ${claimed}`, undefined],
      remove: [path('leaseOwner'), path('leaseUntil')],
      add: [],
    });
    const fields = expressionFields({ update: built });

    // Assert
    expect(fields).toEqual({
      UpdateExpression: 'SET #state = :claimed REMOVE leaseOwner, leaseUntil',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':claimed': { S: 'CLAIMED' } },
    });
    expect(unusedPlaceholders(fields)).toEqual([]);
  });

  it('sends no empty name or value map', () => {
    // Act
    const fields = expressionFields({ condition: clause`attribute_not_exists(${path('reference')})` });

    // Assert
    expect(fields).toEqual({ ConditionExpression: 'attribute_not_exists(reference)' });
  });
});
