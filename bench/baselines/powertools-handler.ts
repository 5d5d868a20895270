// The cold-start baseline: the same job as functions/payout-worker/handler.ts (SQS batch in, validate,
// exactly-once by reference, HAWK-signed POST to Coindirect, permanent failures to the DLQ with the
// reason, partial batch response), written the way the Powertools documentation shows it: batch's
// processPartialResponse, idempotency's makeIdempotent with DynamoDB persistence, parameters' getSecret,
// Logger, full zod, hawk, fetch. It is bundled with the same esbuild settings (scripts/build.ts) and
// compared on size and import time only.
//
// It is a cost baseline, not a safe alternative: Powertools' idempotency deletes its record when the
// function throws, so after a 5xx or a dropped connection the retry POSTs again without looking the
// payout up first; the worker's ledger records `sendAttempted` and reconciles by reference instead.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import hawk from 'hawk';
import { z } from 'zod';
import { checkDestinationAddress } from '#shared/payout/addresses.ts';

const env = z
  .object({
    COINDIRECT_BASE_URL: z.url(),
    COINDIRECT_MERCHANT_ID: z.string().min(6),
    HAWK_SECRET_ID: z.string().min(1),
    IDEMPOTENCY_TABLE_NAME: z.string().min(3),
    DLQ_URL: z.url(),
    PAYOUT_MAX_AMOUNT: z.coerce.number().positive().default(1000),
  })
  .parse(process.env);

const hawkSecret = z.object({ hawkAuthId: z.string().min(1), hawkAuthKey: z.string().min(1) });

const payoutSchema = z
  .strictObject({
    reference: z.string().regex(/^[A-Za-z0-9._:-]{6,255}$/),
    amount: z
      .string()
      .regex(/^(0|[1-9][0-9]{0,17})(\.[0-9]{1,8})?$/)
      .refine((a) => Number(a) > 0 && Number(a) <= env.PAYOUT_MAX_AMOUNT, 'must be > 0 and within the cap'),
    currency: z.enum(['EUR', 'USD', 'GBP']),
    destination: z.strictObject({
      currency: z.enum(['BTC', 'ETH', 'LTC', 'USDT', 'XRP']),
      address: z.string().min(1).max(128),
      protocol: z.enum(['ERC20', 'TRC20']).optional(),
      tag: z
        .string()
        .regex(/^(0|[1-9][0-9]{0,9})$/)
        .optional(),
    }),
    merchantId: z.literal(env.COINDIRECT_MERCHANT_ID).optional(),
    expiryMinutes: z.int().min(1).max(43_200).optional(),
    metadata: z.record(z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/), z.string().max(512)).optional(),
  })
  .superRefine(({ destination: d }, ctx) => {
    if ((d.currency === 'USDT') !== (d.protocol !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['destination', 'protocol'], message: 'USDT only, and required' });
    }
    if ((d.currency === 'XRP') !== (d.tag !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['destination', 'tag'], message: 'XRP only, and required' });
    }
    const reason = checkDestinationAddress({ ...d, network: 'mainnet' });
    if (reason !== undefined)
      ctx.addIssue({ code: 'custom', path: ['destination', 'address'], message: reason });
  });
type Payout = z.infer<typeof payoutSchema>;

/** Coindirect answered, and retrying will not change the answer. */
class PermanentPayoutError extends Error {
  override readonly name = 'PermanentPayoutError';
}

const logger = new Logger({ serviceName: 'payout-worker-baseline' });
const sqs = new SQSClient({});
const processor = new BatchProcessor(EventType.SQS);
const idempotencyConfig = new IdempotencyConfig({
  eventKeyJmesPath: 'reference',
  expiresAfterSeconds: 86_400,
});

const submitPayout = makeIdempotent(
  async (payout: Payout): Promise<{ uuid: string }> => {
    const secret = hawkSecret.parse(await getSecret(env.HAWK_SECRET_ID, { transform: 'json', maxAge: 300 }));
    const url = new URL('/api/v1/pay/summary', env.COINDIRECT_BASE_URL);
    const { header } = hawk.client.header(url.href, 'POST', {
      credentials: { id: secret.hawkAuthId, key: secret.hawkAuthKey, algorithm: 'sha256' },
    });
    const address =
      payout.destination.tag === undefined
        ? payout.destination.address
        : `${payout.destination.address}?dt=${payout.destination.tag}`;
    const rest = JSON.stringify({
      currency: payout.currency,
      reference: payout.reference,
      type: 'OUT',
      merchantId: payout.merchantId ?? env.COINDIRECT_MERCHANT_ID,
      ...(payout.expiryMinutes === undefined ? {} : { expiryMinutes: payout.expiryMinutes }),
      payOutDetails: {
        code: 'crypto',
        currency: payout.destination.currency,
        address,
        protocol: payout.destination.protocol,
      },
    });
    const response = await fetch(url, {
      method: 'POST',
      headers: { authorization: header, accept: 'application/json', 'content-type': 'application/json' },
      // The amount's digits go out as written, never through a float.
      body: `{"amount":${payout.amount},${rest.slice(1)}`,
      signal: AbortSignal.timeout(15_000),
    });
    const body = (await response.json().catch(() => ({}))) as { uuid?: string; code?: string };
    if (response.ok && typeof body.uuid === 'string') return { uuid: body.uuid };
    if (response.status === 400)
      throw new PermanentPayoutError(`Coindirect rejected the payout: ${body.code}`);
    throw new Error(`Coindirect answered HTTP ${response.status}`);
  },
  {
    persistenceStore: new DynamoDBPersistenceLayer({ tableName: env.IDEMPOTENCY_TABLE_NAME }),
    config: idempotencyConfig,
  },
);

async function deadLetter(record: SQSRecord, reason: string): Promise<void> {
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: env.DLQ_URL,
      MessageBody: record.body,
      MessageAttributes: {
        reason: { DataType: 'String', StringValue: reason.slice(0, 2_000) },
        originalMessageId: { DataType: 'String', StringValue: record.messageId },
      },
    }),
  );
}

const recordHandler = async (record: SQSRecord): Promise<void> => {
  let json: unknown;
  try {
    json = JSON.parse(record.body);
  } catch {
    return deadLetter(record, 'body is not JSON');
  }
  const parsed = payoutSchema.safeParse(json);
  if (!parsed.success) return deadLetter(record, z.prettifyError(parsed.error));
  try {
    const { uuid } = await submitPayout(parsed.data);
    logger.info('payout submitted', { reference: parsed.data.reference, uuid });
  } catch (error) {
    if (!(error instanceof PermanentPayoutError)) throw error;
    logger.warn('payout rejected', { reference: parsed.data.reference, reason: error.message });
    await deadLetter(record, error.message);
  }
};

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  logger.addContext(context);
  idempotencyConfig.registerLambdaContext(context);
  return processPartialResponse(event, recordHandler, processor, { context });
};
