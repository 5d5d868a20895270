import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { signedUrlPart, verifyWebhookSignature } from '#shared/webhooks/signature.ts';
import { simulatorAdmin } from '#simulator/admin-client.ts';
import { DEFAULT_MERCHANT } from '#simulator/defaults.ts';
import { settledStatus, startSimulator } from '#simulator/simulator.ts';
import type { Simulator, SimulatorOptions, SummaryPayment } from '#simulator/types.ts';
import { simulatorSignature } from '#simulator/webhooks.ts';
import { WHV } from '#test/shared/webhooks/webhook-vectors.ts';
import { createPayout, payoutBody, signedFetch } from './signed-fetch.ts';

interface Received {
  readonly path: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

let sim: Simulator | undefined;
let server: Server | undefined;

afterEach(async () => {
  await sim?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  sim = undefined;
  server = undefined;
});

/** A webhook endpoint on loopback that records what it gets and answers `status`. */
async function endpoint(status = 200): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/coindirect`, received };
}

async function start(options: SimulatorOptions): Promise<Simulator> {
  sim = await startSimulator(options);
  return sim;
}

const webhookOf = (r: Received) =>
  JSON.parse(r.body.toString('utf8')) as { source: string; event: string; data: SummaryPayment };

describe('simulator webhooks', () => {
  it("signs like Coindirect's validator sample (an implementation independent of the receiver's)", () => {
    // Act
    const signature = simulatorSignature(
      WHV.secret,
      WHV.registeredUrl,
      WHV.contentType,
      WHV.body.toString('utf8'),
    );

    // Assert
    expect(signature).toBe(WHV.signature);
  });

  it('sends a signed statusChanged webhook for a new payout and for each status change', async () => {
    // Arrange
    const hook = await endpoint();
    const s = await start({ webhook: { url: hook.url }, createStatus: 'PENDING' });
    const created = (await (await createPayout(s.url, payoutBody())).json()) as SummaryPayment;

    // Act
    await s.flushWebhooks();
    s.setPayoutStatus(created.uuid, 'PROCESSING');
    await s.flushWebhooks();
    s.setPayoutStatus(created.uuid, 'COMPLETE');
    await s.flushWebhooks();

    // Assert
    expect(hook.received.map((r) => webhookOf(r).data.status)).toEqual(['PENDING', 'PROCESSING', 'COMPLETE']);
    for (const r of hook.received) {
      expect(r.path).toBe('/hooks/coindirect');
      expect(r.headers['content-type']).toBe('application/json');
      expect(webhookOf(r)).toMatchObject({
        source: 'payment',
        event: 'statusChanged',
        data: { uuid: created.uuid, type: 'OUT' },
      });
      const verdict = verifyWebhookSignature({
        header: String(r.headers['x-signature']),
        secrets: [DEFAULT_MERCHANT.secret],
        urlParts: [signedUrlPart(hook.url)],
        contentTypes: ['application/json'],
        body: r.body,
      });
      expect(verdict).toBe('valid');
    }
    expect(s.webhookDeliveries().map((d) => [d.status, d.httpStatus])).toEqual([
      ['PENDING', 200],
      ['PROCESSING', 200],
      ['COMPLETE', 200],
    ]);
  });

  it('signs for the registered URL and serves the new status on the read endpoint', async () => {
    // Arrange
    const hook = await endpoint();
    const registeredUrl = 'https://hooks.example.com/coindirect?env=test';
    const s = await start({ webhook: { url: hook.url, registeredUrl, secret: 'another-secret' } });
    const created = (await (await createPayout(s.url, payoutBody())).json()) as SummaryPayment;

    // Act
    s.setPayoutStatus(created.uuid, 'CANCELLED');
    await s.flushWebhooks();
    const read = (await (
      await signedFetch(s.url, `/api/v1/pay/${created.uuid}/summary`)
    ).json()) as SummaryPayment;

    // Assert
    expect(read.status).toBe('CANCELLED');
    const last = hook.received.at(-1);
    expect(
      verifyWebhookSignature({
        header: String(last?.headers['x-signature']),
        secrets: ['another-secret'],
        urlParts: [signedUrlPart(registeredUrl)],
        contentTypes: ['application/json'],
        body: last?.body ?? Buffer.alloc(0),
      }),
    ).toBe('valid');
  });

  it('redelivers a webhook on request, and records failed deliveries', async () => {
    // Arrange
    const hook = await endpoint(503);
    const s = await start({ webhook: { url: hook.url } });
    const created = (await (await createPayout(s.url, payoutBody())).json()) as SummaryPayment;

    // Act
    s.redeliverWebhook(created.uuid);
    await s.flushWebhooks();

    // Assert
    expect(hook.received).toHaveLength(2);
    expect(hook.received[0]?.body.equals(hook.received[1]?.body ?? Buffer.alloc(0))).toBe(true);
    expect(s.webhookDeliveries().map((d) => d.httpStatus)).toEqual([503, 503]);
  });

  it('moves new payouts forward on its own with autoProgress', async () => {
    // Arrange
    const hook = await endpoint();
    const s = await start({
      webhook: { url: hook.url },
      createStatus: 'PENDING',
      autoProgress: { processingAfterMs: 20, completeAfterMs: 60 },
    });
    const created = (await (await createPayout(s.url, payoutBody())).json()) as SummaryPayment;

    // Act
    await new Promise((resolve) => setTimeout(resolve, 150));
    await s.flushWebhooks();

    // Assert
    expect(hook.received.map((r) => webhookOf(r).data.status)).toEqual(['PENDING', 'PROCESSING', 'COMPLETE']);
    expect(s.payouts().find((p) => p.uuid === created.uuid)?.summary.status).toBe('COMPLETE');
  });

  it('cancels, instead of completing, the payouts whose reference ends in the cancel digit', async () => {
    // Arrange
    const hook = await endpoint();
    const s = await start({
      webhook: { url: hook.url },
      autoProgress: { completeAfterMs: 40, cancelDigit: 3 },
    });
    const create = async (reference: string) =>
      ((await (await createPayout(s.url, payoutBody({ reference }))).json()) as SummaryPayment).uuid;
    const completed = await create('settle-0001');
    const cancelled = await create('settle-0003');

    // Act
    await new Promise((resolve) => setTimeout(resolve, 150));
    await s.flushWebhooks();

    // Assert
    const statusOf = (uuid: string) => s.payouts().find((p) => p.uuid === uuid)?.summary.status;
    expect([statusOf(completed), statusOf(cancelled)]).toEqual(['COMPLETE', 'CANCELLED']);
    expect(hook.received.map((r) => [webhookOf(r).data.reference, webhookOf(r).data.status]).sort()).toEqual([
      ['settle-0001', 'COMPLETE'],
      ['settle-0001', 'PROCESSING'],
      ['settle-0003', 'CANCELLED'],
      ['settle-0003', 'PROCESSING'],
    ]);
  });

  it('settles by the last digit of the reference, and refuses a cancel digit that is not one', async () => {
    // Act & Assert
    expect(settledStatus('sample-btc-0003', 3)).toBe('CANCELLED');
    expect(settledStatus('sample-btc-0013', 1)).toBe('COMPLETE');
    expect(settledStatus('sample-btc-0003', undefined)).toBe('COMPLETE');
    await expect(startSimulator({ autoProgress: { completeAfterMs: 10, cancelDigit: 12 } })).rejects.toThrow(
      /cancelDigit must be a digit/,
    );
  });

  it('is driven through the admin API by a process that did not start it', async () => {
    // Arrange
    const hook = await endpoint();
    const s = await start({});
    const admin = simulatorAdmin(s.url);
    await admin.setWebhook({ url: hook.url });
    const created = (await (await createPayout(s.url, payoutBody())).json()) as SummaryPayment;

    // Act
    await admin.setPayoutStatus(created.uuid, 'COMPLETE');
    await admin.redeliverWebhook(created.uuid);
    await s.flushWebhooks();
    await admin.setWebhook(undefined);
    await admin.setPayoutStatus(created.uuid, 'CANCELLED');
    const deliveries = await admin.webhookDeliveries();

    // Assert
    expect(deliveries.map((d) => d.status)).toEqual(['PROCESSING', 'COMPLETE', 'COMPLETE']);
  });

  it('sends nothing without a webhook target', async () => {
    // Arrange
    const s = await start({});
    const created = (await (await createPayout(s.url, payoutBody())).json()) as SummaryPayment;

    // Act
    s.setPayoutStatus(created.uuid, 'COMPLETE');
    await s.flushWebhooks();

    // Assert
    expect(s.webhookDeliveries()).toEqual([]);
  });
});
