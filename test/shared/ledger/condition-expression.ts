// A small model of DynamoDB's condition-expression semantics for the ledger's unit tests: enough of the
// grammar the ledger uses (OR/AND/NOT, parentheses, comparisons, attribute_exists/attribute_not_exists)
// to ask "would DynamoDB accept this write for this stored item?" without a DynamoDB. It follows the
// documented rule that a comparison involving an attribute the item lacks is false. Reserved words (a
// bare attribute name DynamoDB rejects) are checked separately by `reservedWordsUsed`.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { DYNAMODB_RESERVED_WORDS } from './dynamodb-reserved-words.ts';

type Item = Record<string, AttributeValue>;

export interface ExpressionInput {
  readonly ConditionExpression?: string | undefined;
  readonly UpdateExpression?: string | undefined;
  readonly ExpressionAttributeNames?: Record<string, string> | undefined;
  readonly ExpressionAttributeValues?: Record<string, AttributeValue> | undefined;
}

const KEYWORDS = new Set(['SET', 'REMOVE', 'ADD', 'DELETE', 'AND', 'OR', 'NOT', 'BETWEEN', 'IN']);
const TOKEN = /\s*(<>|<=|>=|=|<|>|\(|\)|,|\+|-|[#:]?[A-Za-z_][A-Za-z0-9_]*)/y;

function tokenize(expression: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expression.trimEnd().length) {
    const match = TOKEN.exec(expression);
    if (match === null) throw new Error(`cannot tokenize at ${TOKEN.lastIndex}: ${expression}`);
    tokens.push(match[1] ?? '');
  }
  return tokens;
}

/** Bare (un-aliased) attribute names in an expression: not a keyword, placeholder or function name. */
export function bareAttributeNames(expression: string): string[] {
  const tokens = tokenize(expression);
  return tokens.filter(
    (t, i) => /^[A-Za-z_]/.test(t) && !KEYWORDS.has(t.toUpperCase()) && tokens[i + 1] !== '(',
  );
}

/** Bare attribute names DynamoDB would reject as reserved words, across both expressions. */
export function reservedWordsUsed(input: ExpressionInput): string[] {
  const expressions = [input.ConditionExpression, input.UpdateExpression].filter(
    (e): e is string => e !== undefined,
  );
  return expressions
    .flatMap(bareAttributeNames)
    .filter((name) => DYNAMODB_RESERVED_WORDS.has(name.toUpperCase()));
}

/** Names and values defined but used by neither expression (DynamoDB rejects those too). */
export function unusedPlaceholders(input: ExpressionInput): string[] {
  const used = new Set(
    [input.ConditionExpression, input.UpdateExpression].flatMap((e) => (e === undefined ? [] : tokenize(e))),
  );
  const defined = [
    ...Object.keys(input.ExpressionAttributeNames ?? {}),
    ...Object.keys(input.ExpressionAttributeValues ?? {}),
  ];
  return defined.filter((placeholder) => !used.has(placeholder));
}

type Operand = AttributeValue | undefined;

/** Evaluates `input.ConditionExpression` against `item` (undefined: no item stored under the key). */
export function conditionHolds(input: ExpressionInput, item: Item | undefined): boolean {
  const expression = input.ConditionExpression;
  if (expression === undefined) return true;
  const tokens = tokenize(expression);
  let position = 0;
  const peek = (): string | undefined => tokens[position];
  const take = (expected?: string): string => {
    const token = tokens[position++];
    if (token === undefined || (expected !== undefined && token !== expected)) {
      throw new Error(`expected ${expected ?? 'a token'} at ${position - 1} in ${expression}`);
    }
    return token;
  };
  const attributeName = (token: string): string => {
    if (!token.startsWith('#')) return token;
    const name = input.ExpressionAttributeNames?.[token];
    if (name === undefined) throw new Error(`undefined attribute name ${token}`);
    return name;
  };
  const operand = (): Operand => {
    const token = take();
    if (token.startsWith(':')) {
      const value = input.ExpressionAttributeValues?.[token];
      if (value === undefined) throw new Error(`undefined attribute value ${token}`);
      return value;
    }
    const name = attributeName(token);
    return item?.[name];
  };
  const primary = (): boolean => {
    if (peek() === '(') {
      take('(');
      const value = or();
      take(')');
      return value;
    }
    if (peek() === 'attribute_exists' || peek() === 'attribute_not_exists') {
      const negate = take() === 'attribute_not_exists';
      take('(');
      const name = attributeName(take());
      const exists = item?.[name] !== undefined;
      take(')');
      return negate ? !exists : exists;
    }
    const left = operand();
    const comparator = take();
    return compare(left, comparator, operand());
  };
  const not = (): boolean => {
    if (peek()?.toUpperCase() === 'NOT') {
      take();
      return !not();
    }
    return primary();
  };
  const and = (): boolean => {
    let value = not();
    while (peek()?.toUpperCase() === 'AND') {
      take();
      value = not() && value;
    }
    return value;
  };
  const or = (): boolean => {
    let value = and();
    while (peek()?.toUpperCase() === 'OR') {
      take();
      value = and() || value;
    }
    return value;
  };
  const result = or();
  if (position !== tokens.length) throw new Error(`unexpected ${peek()} in ${expression}`);
  return result;
}

function compare(left: Operand, comparator: string, right: Operand): boolean {
  if (left === undefined || right === undefined) return false;
  const scalar = (v: AttributeValue): [string, string | number | boolean] | undefined => {
    if (v.S !== undefined) return ['S', v.S];
    if (v.N !== undefined) return ['N', Number(v.N)];
    if (v.BOOL !== undefined) return ['BOOL', v.BOOL];
    return undefined;
  };
  const a = scalar(left);
  const b = scalar(right);
  if (a === undefined || b === undefined) throw new Error('only S, N and BOOL are modelled');
  if (a[0] !== b[0]) return comparator === '<>';
  switch (comparator) {
    case '=':
      return a[1] === b[1];
    case '<>':
      return a[1] !== b[1];
    case '<':
      return a[1] < b[1];
    case '<=':
      return a[1] <= b[1];
    case '>':
      return a[1] > b[1];
    case '>=':
      return a[1] >= b[1];
    default:
      throw new Error(`unknown comparator ${comparator}`);
  }
}
