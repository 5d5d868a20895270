import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * DynamoDB condition and update expressions built from small named clauses. A clause carries its text
 * together with the expression attribute names and values that text uses, and clauses combine by merging
 * those maps, so a request sends exactly the names and values its expressions use: nothing is found by
 * searching the text afterwards, and two clauses that give one placeholder different values fail loudly.
 */
export interface Clause {
  readonly text: string;
  readonly names: Readonly<Record<string, string>>;
  readonly values: Readonly<Record<string, AttributeValue>>;
  /** The operator at the top level of `text`, if any: lets `allOf`/`anyOf` parenthesise correctly. */
  readonly joinedBy?: 'AND' | 'OR';
}

/** An attribute referred to through an expression attribute name (`#state` for `state`, a reserved word). */
export interface AttributeName {
  readonly placeholder: `#${string}`;
  readonly attribute: string;
}

/** A value referred to through an expression attribute value (`:owner`). */
export interface AttributeValuePlaceholder {
  readonly placeholder: `:${string}`;
  readonly value: AttributeValue;
}

export type ClausePart = Clause | AttributeName | AttributeValuePlaceholder;

export function attributeName(placeholder: `#${string}`, attribute: string): AttributeName {
  return { placeholder, attribute };
}

export function attributeValue(placeholder: `:${string}`, value: AttributeValue): AttributeValuePlaceholder {
  return { placeholder, value };
}

/** A plain attribute path, written as it is (only for names that are not DynamoDB reserved words). */
export function path(attribute: string): Clause {
  return { text: attribute, names: {}, values: {} };
}

/**
 * A clause from a template whose interpolations are names, values or other clauses, e.g.
 * clause`${STATE} = ${attributeValue(':claimed', { S: 'CLAIMED' })}`.
 */
export function clause(strings: TemplateStringsArray, ...parts: readonly ClausePart[]): Clause {
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = {};
  let text = strings[0] ?? '';
  parts.forEach((part, i) => {
    if ('text' in part) {
      mergeNames(names, part.names);
      mergeValues(values, part.values);
      text += part.text;
    } else if ('attribute' in part) {
      mergeNames(names, { [part.placeholder]: part.attribute });
      text += part.placeholder;
    } else {
      mergeValues(values, { [part.placeholder]: part.value });
      text += part.placeholder;
    }
    text += strings[i + 1] ?? '';
  });
  return { text, names, values };
}

/** Every clause must hold (the absent ones are left out). */
export function allOf(...clauses: readonly (Clause | undefined)[]): Clause {
  return joined('AND', clauses);
}

/** At least one clause must hold (the absent ones are left out). */
export function anyOf(...clauses: readonly (Clause | undefined)[]): Clause {
  return joined('OR', clauses);
}

/** The actions of an update expression, each a list of clauses (absent ones are left out). */
export interface UpdateActions {
  readonly set?: readonly (Clause | undefined)[];
  readonly remove?: readonly (Clause | undefined)[];
  readonly add?: readonly (Clause | undefined)[];
}

/** An update expression: `SET a = :a, b = :b REMOVE c ADD d :one`. */
export function update(actions: UpdateActions): Clause {
  const sections = (['set', 'remove', 'add'] as const).flatMap((action) => {
    const present = (actions[action] ?? []).filter((c): c is Clause => c !== undefined);
    if (present.length === 0) return [];
    const list = merged(present, ', ');
    return [{ ...list, text: `${action.toUpperCase()} ${list.text}` }];
  });
  return merged(sections, ' ');
}

/** The expression fields of a DynamoDB request: the texts, and exactly the names and values they use. */
export interface ExpressionFields {
  ConditionExpression?: string;
  UpdateExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
}

export function expressionFields(parts: {
  readonly condition?: Clause;
  readonly update?: Clause;
}): ExpressionFields {
  const { condition, update: updateClause } = parts;
  const all = merged(
    [condition, updateClause].filter((c): c is Clause => c !== undefined),
    ' ',
  );
  return {
    ...(condition === undefined ? {} : { ConditionExpression: condition.text }),
    ...(updateClause === undefined ? {} : { UpdateExpression: updateClause.text }),
    ...(Object.keys(all.names).length === 0 ? {} : { ExpressionAttributeNames: { ...all.names } }),
    ...(Object.keys(all.values).length === 0 ? {} : { ExpressionAttributeValues: { ...all.values } }),
  };
}

function joined(operator: 'AND' | 'OR', clauses: readonly (Clause | undefined)[]): Clause {
  const present = clauses.filter((c): c is Clause => c !== undefined);
  if (present.length === 1 && present[0] !== undefined) return present[0];
  // The other operator at an operand's top level is parenthesised: AND inside OR only for legibility
  // (AND binds tighter), OR inside AND because the meaning needs it.
  const operands = present.map((c) =>
    c.joinedBy !== undefined && c.joinedBy !== operator ? { ...c, text: `(${c.text})` } : c,
  );
  return { ...merged(operands, ` ${operator} `), joinedBy: operator };
}

function merged(clauses: readonly Clause[], separator: string): Clause {
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = {};
  for (const c of clauses) {
    mergeNames(names, c.names);
    mergeValues(values, c.values);
  }
  return { text: clauses.map((c) => c.text).join(separator), names, values };
}

function mergeNames(into: Record<string, string>, from: Readonly<Record<string, string>>): void {
  for (const [placeholder, attribute] of Object.entries(from)) {
    const known = into[placeholder];
    if (known !== undefined && known !== attribute) {
      throw new Error(`expression name ${placeholder} stands for both ${known} and ${attribute}`);
    }
    into[placeholder] = attribute;
  }
}

function mergeValues(
  into: Record<string, AttributeValue>,
  from: Readonly<Record<string, AttributeValue>>,
): void {
  for (const [placeholder, value] of Object.entries(from)) {
    const known = into[placeholder];
    if (known !== undefined && JSON.stringify(known) !== JSON.stringify(value)) {
      throw new Error(`expression value ${placeholder} is given two different values`);
    }
    into[placeholder] = value;
  }
}
