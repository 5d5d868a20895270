import * as z from 'zod/mini';
import { payoutMessageSchema } from './schema.ts';

/** Stable identifier of the v1 contract; a URN because the project owns no public host for it. */
export const PAYOUT_JSON_SCHEMA_ID = 'urn:coindirect-payout-worker:schema:payout-message:v1';

/**
 * JSON Schema (draft 2020-12) of payout message v1, generated from {@link payoutMessageSchema} for
 * producers in other languages. It carries the structure, required fields, patterns, lengths and
 * `additionalProperties: false`. What JSON Schema cannot say is left to the worker: address checksums,
 * `amount > 0`, the per-environment caps and merchant list, and the reserved metadata keys.
 *
 * @example
 * writeFileSync('schema/payout-v1.schema.json', `${JSON.stringify(payoutJsonSchema(), null, 2)}\n`);
 */
export function payoutJsonSchema(): Record<string, unknown> {
  // io 'input': producers send the input side; the schema has no transforms, so both sides agree.
  const { $schema, ...generated } = z.toJSONSchema(payoutMessageSchema, {
    io: 'input',
    target: 'draft-2020-12',
  });
  return {
    $schema,
    $id: PAYOUT_JSON_SCHEMA_ID,
    title: 'Payout message v1',
    description:
      'Body of one SQS message asking the Coindirect payout worker for one crypto payout. The worker also ' +
      'checks what this schema cannot express: the destination address checksum for its currency and ' +
      'network, amount > 0 and at most the per-environment maximum for its currency, the allowed ' +
      'merchantIds, and that no key anywhere is __proto__, constructor or prototype.',
    ...generated,
  };
}
