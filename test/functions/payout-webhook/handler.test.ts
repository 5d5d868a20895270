import { describe, expect, it } from 'vitest';
import { loadWebhookConfig } from '#functions/payout-webhook/config.ts';
import { createWebhookHandler, toWebhookRequest } from '#functions/payout-webhook/handler.ts';
import type { ReceiverDeps } from '#shared/webhooks/receiver.ts';
import { webhookSignature } from '#shared/webhooks/signature.ts';
import type { StatusMessage } from '#shared/webhooks/status-message.ts';
import { CapturingLogger } from '#test/support/pipeline-harness.ts';

const SECRET = 'merchant-secret-0001';
const BODY =
  '{"source":"payment","event":"statusChanged","data":{"uuid":"0b6c5d7e-1f2a-4b3c-8d9e-0f1a2b3c4d5e","type":"OUT","status":"COMPLETE"}}';

/** A Lambda Function URL event (payload format 2.0) as Lambda delivers a POST to `/`. */
function urlEvent(options: { body?: string; base64?: boolean; headers?: Record<string, string> } = {}) {
  const body = options.body ?? BODY;
  return {
    version: '2.0',
    rawPath: '/',
    rawQueryString: '',
    headers: {
      'content-type': 'application/json',
      'x-signature': webhookSignature(SECRET, '/', 'application/json', body),
      ...options.headers,
    },
    requestContext: { http: { method: 'POST', path: '/', sourceIp: '203.0.113.9' } },
    body: options.base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: options.base64 ?? false,
  };
}

function handler() {
  const queued: StatusMessage[] = [];
  const metrics: string[] = [];
  const logger = new CapturingLogger();
  const deps: ReceiverDeps = {
    secrets: { get: async () => [SECRET] },
    statusQueue: { send: async (message) => void queued.push(message) },
    urlParts: loadWebhookConfig({ WEBHOOK_SECRET_ID: 's', STATUS_QUEUE_URL: 'https://sqs.example/q' })
      .urlParts,
    maxBodyBytes: 65_536,
  };
  const handle = createWebhookHandler(() => deps, logger, { count: (name) => void metrics.push(name) });
  return { handle, queued, metrics, logger };
}

describe('toWebhookRequest', () => {
  it('decodes a base64 body to the exact bytes sent and lower-cases header names', () => {
    // Arrange
    const event = urlEvent({ base64: true, headers: { 'X-Signature': 'ABC' } });

    // Act
    const request = toWebhookRequest(event);

    // Assert
    expect(Buffer.from(request?.body ?? []).toString('utf8')).toBe(BODY);
    expect(request?.headers['x-signature']).toBe('ABC');
    expect(request?.method).toBe('POST');
  });

  it('returns undefined for an event that is not a Function URL event', () => {
    // Act
    const request = toWebhookRequest({ Records: [] });

    // Assert
    expect(request).toBeUndefined();
  });
});

describe('payout-webhook handler', () => {
  it.each([false, true])(
    'accepts a signed webhook (base64-encoded body: %s) and answers 200',
    async (base64) => {
      // Arrange
      const h = handler();

      // Act
      const response = await h.handle(urlEvent({ base64 }));

      // Assert
      expect(response).toEqual({
        statusCode: 200,
        headers: { 'content-type': 'application/json' },
        body: '{"outcome":"accepted"}',
      });
      expect(h.queued.map((m) => m.uuid)).toEqual(['0b6c5d7e-1f2a-4b3c-8d9e-0f1a2b3c4d5e']);
      expect(h.metrics).toEqual(['WebhookAccepted']);
    },
  );

  it('accepts a URL registered without the trailing slash, which signs an empty path', async () => {
    // Arrange
    const h = handler();
    const event = urlEvent({
      headers: { 'x-signature': webhookSignature(SECRET, '', 'application/json', BODY) },
    });

    // Act
    const response = await h.handle(event);

    // Assert
    expect(response).toMatchObject({ statusCode: 200 });
  });

  it('answers 401 with the outcome word only, and never logs the signature, the secret or the body', async () => {
    // Arrange
    const h = handler();
    const forged = webhookSignature('guessed-secret', '/', 'application/json', BODY);

    // Act
    const response = await h.handle(urlEvent({ headers: { 'x-signature': forged } }));

    // Assert
    expect(response).toMatchObject({ statusCode: 401, body: '{"outcome":"badSignature"}' });
    expect(h.metrics).toEqual(['WebhookSignatureInvalid']);
    const logs = h.logger.lines.join('\n');
    for (const secretish of [forged, SECRET, '0b6c5d7e-1f2a-4b3c-8d9e-0f1a2b3c4d5e']) {
      expect(logs).not.toContain(secretish);
    }
    expect(h.queued).toEqual([]);
  });

  it('answers 400 to an event it cannot read', async () => {
    // Arrange
    const h = handler();

    // Act
    const response = await h.handle({ hello: 'world' });

    // Assert
    expect(response).toMatchObject({ statusCode: 400 });
    expect(h.queued).toEqual([]);
  });
});

describe('loadWebhookConfig', () => {
  it('signs the configured registered URL when one is set', () => {
    // Act
    const config = loadWebhookConfig({
      WEBHOOK_SECRET_ID: 'webhook-secret',
      STATUS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/status',
      WEBHOOK_URL: 'https://hooks.example.com/coindirect?env=prod',
    });

    // Assert
    expect(config).toMatchObject({ urlParts: ['/coindirectenv=prod'], maxBodyBytes: 65_536 });
  });

  it('names every missing or bad variable', () => {
    // Act
    const act = () => loadWebhookConfig({ WEBHOOK_URL: 'not a url', WEBHOOK_MAX_BODY_BYTES: '10' });

    // Assert
    expect(act).toThrow(/WEBHOOK_SECRET_ID: is required[\s\S]*STATUS_QUEUE_URL: is required/);
    expect(act).toThrow(/WEBHOOK_URL: must be the webhook URL exactly as registered/);
    expect(act).toThrow(/WEBHOOK_MAX_BODY_BYTES: must be at least 1024/);
  });
});
