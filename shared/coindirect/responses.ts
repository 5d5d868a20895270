import * as z from 'zod/mini';

const money = z.looseObject({
  currency: z.nullish(z.string()),
  amount: z.nullish(z.number()),
  actual: z.nullish(z.number()),
});

/**
 * The parts of Coindirect's SummaryPaymentDto the worker relies on. Loose: Coindirect adds fields over
 * time, and none of the others decides anything here.
 */
export const payoutSummarySchema = z.looseObject({
  uuid: z.string().check(z.minLength(1)),
  reference: z.nullish(z.string()),
  merchantId: z.nullish(z.string()),
  type: z.nullish(z.string()),
  status: z.nullish(z.string()),
  dateCreated: z.nullish(z.number()),
  displayCurrency: z.nullish(money),
  paidCurrency: z.nullish(money),
  address: z.nullish(
    z.looseObject({
      address: z.nullish(z.string()),
      tag: z.nullish(z.union([z.string(), z.number()])),
      protocol: z.nullish(z.string()),
    }),
  ),
});
export type PayoutSummary = z.infer<typeof payoutSummarySchema>;

export const payoutSummaryListSchema = z.array(payoutSummarySchema);

/** `{"errorList":[{parameter, code, message}]}`: Coindirect's validation error shape (HTTP 400). */
export const errorListSchema = z.looseObject({
  errorList: z.array(
    z.looseObject({
      parameter: z.nullish(z.string()),
      code: z.nullish(z.string()),
      message: z.nullish(z.string()),
    }),
  ),
});

/** `{"code","message"}`: the flat error shape (500s, MER-PAY-1000). */
export const flatErrorSchema = z.looseObject({
  code: z.string(),
  message: z.nullish(z.string()),
  status: z.nullish(z.string()),
});

export const merchantListSchema = z.array(
  z.looseObject({ merchantId: z.nullish(z.string()), id: z.nullish(z.union([z.string(), z.number()])) }),
);

/** Parses a body as JSON without throwing: `undefined` for anything that is not JSON (an HTML WAF page). */
export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
