import { describe, expect, it } from 'vitest';
import { type ReceiverDeps, receiveWebhook, type WebhookRequest } from '#shared/webhooks/receiver.ts';
import { signedUrlPart, webhookSignature } from '#shared/webhooks/signature.ts';
import type { StatusMessage } from '#shared/webhooks/status-message.ts';
import { DERIVED, WHV } from './webhook-vectors.ts';

const URL_PART = signedUrlPart('https://hooks.example.com/coindirect');
const SECRET = 'merchant-secret-0001';
const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);

const payoutBody = (data: Record<string, unknown> = {}) =>
  JSON.stringify({
    source: 'payment',
    event: 'statusChanged',
    data: { uuid: '11111111-2222-3333-4444-555555555555', type: 'OUT', status: 'COMPLETE', ...data },
  });

function signed(
  body: string | Buffer,
  options: { secret?: string; urlPart?: string; contentType?: string } = {},
) {
  const contentType = options.contentType ?? 'application/json';
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  return {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-signature': webhookSignature(
        options.secret ?? SECRET,
        options.urlPart ?? URL_PART,
        contentType,
        bytes,
      ),
    },
    body: bytes,
  } satisfies WebhookRequest;
}

function receiver(overrides: Partial<ReceiverDeps> = {}) {
  const queued: StatusMessage[] = [];
  const deps: ReceiverDeps = {
    secrets: { get: async () => [SECRET] },
    statusQueue: { send: async (message) => void queued.push(message) },
    urlParts: [URL_PART],
    maxBodyBytes: 65_536,
    clock: () => NOW,
    ...overrides,
  };
  return { queued, receive: (request: WebhookRequest) => receiveWebhook(request, deps) };
}

describe('receiveWebhook', () => {
  it('queues {uuid, status, receivedAt} and answers 200 for a signed payout statusChanged', async () => {
    // Arrange
    const r = receiver();

    // Act
    const result = await r.receive(signed(payoutBody()));

    // Assert
    expect(result).toEqual({
      status: 200,
      outcome: 'accepted',
      uuid: '11111111-2222-3333-4444-555555555555',
      claimed: 'COMPLETE',
    });
    expect(r.queued).toEqual([
      {
        uuid: '11111111-2222-3333-4444-555555555555',
        status: 'COMPLETE',
        receivedAt: new Date(NOW).toISOString(),
      },
    ]);
  });

  it('accepts the §9 vector when configured with its registered URL and secret', async () => {
    // Arrange
    const [withQuery] = DERIVED.urls.slice(1);
    const r = receiver({
      secrets: { get: async () => [DERIVED.secret] },
      urlParts: [signedUrlPart(withQuery?.registeredUrl ?? '')],
    });

    // Act
    const result = await r.receive({
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature': withQuery?.signature ?? '' },
      body: Buffer.from(DERIVED.body),
    });

    // Assert
    expect(result.outcome).toBe('accepted');
    expect(r.queued).toHaveLength(1);
  });

  it("verifies Coindirect's WHV sample and drops it without a side effect, since it is a pay-in", async () => {
    // Arrange
    const r = receiver({
      secrets: { get: async () => [WHV.secret] },
      urlParts: [signedUrlPart(WHV.registeredUrl)],
    });

    // Act
    const result = await r.receive({
      method: 'POST',
      headers: { 'content-type': WHV.contentType, 'x-signature': WHV.signature },
      body: WHV.body,
    });

    // Assert
    expect(result).toEqual({ status: 200, outcome: 'ignored', detail: 'payment/statusChanged of type IN' });
    expect(r.queued).toEqual([]);
  });

  it('verifies a body sent with a charset against the bare content type too', async () => {
    // Arrange
    const r = receiver();
    const body = payoutBody();
    const request = signed(body);

    // Act
    const result = await r.receive({
      ...request,
      headers: { ...request.headers, 'content-type': 'application/json; charset=UTF-8' },
    });

    // Assert
    expect(result.outcome).toBe('accepted');
  });

  describe('refuses with a 4xx and no side effect', () => {
    const body = payoutBody();
    const good = signed(body);
    const cases: ReadonlyArray<readonly [string, WebhookRequest, number, string]> = [
      ['a GET', { ...good, method: 'GET' }, 405, 'methodNotAllowed'],
      ['a body over the cap', signed(Buffer.alloc(65_537, 0x20)), 413, 'tooLarge'],
      ['no X-Signature', { ...good, headers: { 'content-type': 'application/json' } }, 401, 'unsigned'],
      [
        'a garbled X-Signature',
        { ...good, headers: { ...good.headers, 'x-signature': 'not-a-signature' } },
        401,
        'badSignature',
      ],
      ['a signature by another secret', signed(body, { secret: 'someone-else' }), 401, 'badSignature'],
      ['a signature for another URL', signed(body, { urlPart: '/elsewhere' }), 401, 'badSignature'],
      [
        'a tampered body',
        { ...good, body: Buffer.from(payoutBody({ status: 'CANCELLED' })) },
        401,
        'badSignature',
      ],
      [
        "another webhook's signature replayed onto this body",
        { ...signed(payoutBody({ status: 'PROCESSING' })), body: Buffer.from(body) },
        401,
        'badSignature',
      ],
      ['signed JSON that is not a webhook', signed('[1,2,3]'), 400, 'malformed'],
      ['signed bytes that are not JSON', signed('{"source":'), 400, 'malformed'],
      ['a signed payout webhook without a uuid', signed(payoutBody({ uuid: undefined })), 400, 'malformed'],
      [
        'a signed payout webhook with a path in its uuid',
        signed(payoutBody({ uuid: '../../merchant' })),
        400,
        'malformed',
      ],
    ];

    it.each(cases)('%s', async (_label, request, status, outcome) => {
      // Arrange
      const r = receiver();

      // Act
      const result = await r.receive(request);

      // Assert
      expect(result).toMatchObject({ status, outcome });
      expect(r.queued).toEqual([]);
    });
  });

  it('queues a replayed webhook again (its re-read at Coindirect then changes nothing)', async () => {
    // Arrange
    const r = receiver();
    const request = signed(payoutBody());

    // Act
    const results = [await r.receive(request), await r.receive(request)];

    // Assert
    expect(results.map((result) => result.status)).toEqual([200, 200]);
    expect(r.queued).toHaveLength(2);
  });

  it('answers 500, so Coindirect retries, when the secret cannot be read', async () => {
    // Arrange
    const r = receiver({
      secrets: {
        get: async () => {
          throw new Error('AccessDenied');
        },
      },
    });

    // Act
    const result = await r.receive(signed(payoutBody()));

    // Assert
    expect(result).toMatchObject({ status: 500, outcome: 'unavailable' });
    expect(r.queued).toEqual([]);
  });

  it('answers 500, so Coindirect retries, when the status queue refuses the message', async () => {
    // Arrange
    const r = receiver({
      statusQueue: {
        send: async () => {
          throw new Error('QueueDoesNotExist');
        },
      },
    });

    // Act
    const result = await r.receive(signed(payoutBody()));

    // Assert
    expect(result).toMatchObject({ status: 500, outcome: 'unavailable' });
  });

  it('does not read the secret for an unsigned request', async () => {
    // Arrange
    let reads = 0;
    const r = receiver({
      secrets: {
        get: async () => {
          reads++;
          return [SECRET];
        },
      },
    });

    // Act
    await r.receive({ method: 'POST', headers: {}, body: Buffer.from(payoutBody()) });

    // Assert
    expect(reads).toBe(0);
  });
});
