import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import type { LoggerPort } from '#shared/processing/ports.ts';
import { WEBHOOK_METRIC, type WebhookMetricName } from '#shared/webhooks/metrics.ts';
import { type ReceiverDeps, receiveWebhook, type WebhookRequest } from '#shared/webhooks/receiver.ts';
import { sqsStatusQueue } from '#shared/webhooks/status-queue.ts';
import { WebhookSecrets } from '#shared/webhooks/webhook-secret.ts';
import { ContainerDeps, lambdaPowertools } from '../lambda-runtime.ts';
import { loadWebhookConfig, type WebhookConfig } from './config.ts';

/** The parts of a Lambda Function URL event (payload format 2.0) the receiver reads. */
const functionUrlEventSchema = z.looseObject({
  requestContext: z.looseObject({ http: z.looseObject({ method: z.string() }) }),
  headers: z.optional(z.record(z.string(), z.optional(z.string()))),
  body: z.optional(z.string()),
  isBase64Encoded: z.optional(z.boolean()),
});

/**
 * Turns a Function URL event into a webhook request: the body as the exact bytes sent (Lambda hands
 * binary bodies over base64-encoded, text bodies as they came), header names in lower case.
 */
export function toWebhookRequest(event: unknown): WebhookRequest | undefined {
  const parsed = functionUrlEventSchema.safeParse(event);
  if (!parsed.success) return undefined;
  const { requestContext, headers, body, isBase64Encoded } = parsed.data;
  const lower: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {}))
    if (value !== undefined) lower[name.toLowerCase()] = value;
  return {
    method: requestContext.http.method,
    headers: lower,
    body: body === undefined ? Buffer.alloc(0) : Buffer.from(body, isBase64Encoded ? 'base64' : 'utf8'),
  };
}

export interface WebhookMetricsPort {
  count(name: WebhookMetricName): void;
}

/**
 * The receiver around ready dependencies (tests inject theirs here). Answers with the outcome word only:
 * never the secret, the expected signature or the body.
 */
export function createWebhookHandler(
  deps: () => ReceiverDeps,
  logger: LoggerPort,
  metrics: WebhookMetricsPort,
) {
  return async (event: unknown): Promise<APIGatewayProxyResultV2> => {
    const request = toWebhookRequest(event);
    if (request === undefined) {
      logger.error('not a Lambda Function URL event');
      return answer(400, 'malformed');
    }
    const result = await receiveWebhook(request, deps());
    metrics.count(WEBHOOK_METRIC[result.outcome]);
    const context = { outcome: result.outcome, httpStatus: result.status };
    if (result.outcome === 'accepted') {
      logger.info('payout webhook accepted', {
        ...context,
        uuid: result.uuid,
        claimedStatus: result.claimed,
      });
    } else if (result.status >= 500) {
      logger.error('payout webhook not accepted; Coindirect will deliver it again', {
        ...context,
        detail: result.detail,
      });
    } else {
      logger.warn('webhook refused or ignored', { ...context, detail: result.detail });
    }
    return answer(result.status, result.outcome);
  };
}

function answer(statusCode: number, outcome: string): APIGatewayProxyResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ outcome }) };
}

/** The AWS clients of the receiver; each defaults to a new one (`npm start` passes clients pointed at moto). */
export interface WebhookOverrides {
  readonly secretsManager?: SecretsManagerClient;
  readonly sqs?: SQSClient;
}

/** Wires the receiver to its secret and the status queue from a validated config. */
export function createReceiverDeps(config: WebhookConfig, overrides: WebhookOverrides = {}): ReceiverDeps {
  return {
    secrets: new WebhookSecrets({
      client: overrides.secretsManager ?? new SecretsManagerClient({}),
      secretId: config.secretId,
      ttlMs: config.secretCacheTtlMs,
    }),
    statusQueue: sqsStatusQueue(overrides.sqs ?? new SQSClient({}), config.statusQueueUrl),
    urlParts: config.urlParts,
    maxBodyBytes: config.maxBodyBytes,
  };
}

const { logger, metrics, count } = lambdaPowertools('payout-webhook');

// On a bad environment the invocation fails: Coindirect sees a 5xx and retries.
const deps = new ContainerDeps(
  logger,
  (): ReceiverDeps => createReceiverDeps(loadWebhookConfig(process.env)),
);

/** The webhook receiver's Lambda entry point, behind a Function URL (auth NONE: the HMAC authenticates). */
export const handler = middy(createWebhookHandler(() => deps.get(), logger, { count }))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
