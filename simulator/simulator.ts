// A simulated Coindirect payout API on 127.0.0.1, for tests (in-process) and local runs (main.ts).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { routeAdmin } from './admin-routes.ts';
import { serveApi } from './api-pipeline.ts';
import type { ApiDeps } from './api-routes.ts';
import { HawkGate } from './auth.ts';
import { DEFAULT_CREDENTIAL, DEFAULT_MERCHANT } from './defaults.ts';
import { notFoundRoute, serverError } from './error-bodies.ts';
import { FaultBook } from './faults.ts';
import { json, readBody, send } from './http-io.ts';
import { RateLimiter } from './rate-limit.ts';
import { PayoutStore } from './store.ts';
import { withStatus } from './summary.ts';
import type {
  PayoutRecord,
  PayoutStatus,
  RequestLogEntry,
  Simulator,
  SimulatorControls,
  SimulatorOptions,
  VendorModes,
} from './types.ts';
import { initialVendorModes, MAX_LATENCY_MS, patchVendorModes } from './vendor-modes.ts';
import { WebhookSender } from './webhooks.ts';

/** The request log keeps this many newest entries, so a long chaos run cannot exhaust memory. */
const MAX_LOG_ENTRIES = 50_000;

/**
 * Starts a simulated Coindirect payout API on 127.0.0.1. Requests to `/api/` must carry a valid HAWK
 * header (checked with `hawk`'s server API); `/__sim/` is the unauthenticated admin API.
 *
 * @example
 * const sim = await startSimulator({ errorStyle: 'bvnk' });
 * sim.injectFault({ fault: { kind: 'commitThenDrop' }, match: { method: 'POST' } });
 * // ... run the worker against sim.url ...
 * expect(sim.createdCount('order-000123')).toBe(1);
 * await sim.close();
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const clock = options.clock ?? Date.now;
  // Checked before anything starts, so bad options throw without leaving a server behind.
  const startModes = initialVendorModes(options);
  checkAutoProgress(options.autoProgress);
  let modes: VendorModes = startModes;
  const closing = new AbortController();
  const merchants = new Map((options.merchants ?? [DEFAULT_MERCHANT]).map((m) => [m.merchantId, m]));
  const webhooks = new WebhookSender({
    target: options.webhook,
    signal: closing.signal,
    secretOf: (merchantId) => merchants.get(merchantId)?.secret,
    clock,
  });
  const timers = new Set<NodeJS.Timeout>();
  const setStatus = (uuid: string, status: PayoutStatus): boolean =>
    store.update(uuid, (summary) => withStatus(summary, status, clock()));
  const progress = (record: PayoutRecord): void => {
    const auto = options.autoProgress;
    if (auto === undefined) return;
    const later = (ms: number | undefined, status: PayoutStatus, from: readonly PayoutStatus[]) => {
      if (ms === undefined) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (from.includes(store.get(record.uuid)?.summary.status ?? 'EXPIRED'))
          setStatus(record.uuid, status);
      }, ms);
      timer.unref();
      timers.add(timer);
    };
    later(auto.processingAfterMs, 'PROCESSING', ['PENDING']);
    later(auto.completeAfterMs, settledStatus(record.reference, auto.cancelDigit), ['PENDING', 'PROCESSING']);
  };
  const store = new PayoutStore((record, created) => {
    webhooks.notify(record.summary);
    if (created) progress(record);
  });
  const gate = new HawkGate(options.credentials ?? [DEFAULT_CREDENTIAL], {
    clock,
    timestampSkewSec: options.timestampSkewSec ?? 60,
    queryInMac: options.queryInMac ?? 'either',
    skewMs: () => modes.clockSkewMs,
  });
  const rateLimit = new RateLimiter(clock);
  rateLimit.set(modes.rateLimit);
  const faults = new FaultBook(options.random ?? Math.random);
  const api: ApiDeps = {
    store,
    merchants,
    errorStyle: options.errorStyle ?? 'coindirect',
    createStatus: options.createStatus ?? 'PROCESSING',
    clock,
    modes: () => modes,
  };
  let log: RequestLogEntry[] = [];

  const controls: SimulatorControls = {
    payouts: () => structuredClone(store.all()),
    createdCount: (reference) => store.createdCount(reference),
    requests: () => [...log],
    apiCounts: () => rateLimit.counts(),
    addCredential: (credential) => gate.add(credential),
    revokeCredential: (id) => gate.revoke(id),
    setLatency: (ms) => {
      modes = patchVendorModes(modes, { latencyMs: ms });
    },
    vendorModes: () => ({ ...modes }),
    setVendorModes: (patch) => {
      modes = patchVendorModes(modes, patch);
      rateLimit.set(modes.rateLimit);
      return { ...modes };
    },
    injectFault: (rule) => faults.add(rule),
    clearFaults: () => faults.clear(),
    faults: () => faults.list(),
    setPayoutStatus: (uuid, status) => {
      if (!setStatus(uuid, status)) throw new Error(`setPayoutStatus: unknown payout ${uuid}`);
    },
    setWebhook: (target) => webhooks.setTarget(target),
    redeliverWebhook: (uuid) => {
      const record = store.get(uuid);
      if (record === undefined) throw new Error(`redeliverWebhook: unknown payout ${uuid}`);
      webhooks.notify(record.summary);
    },
    webhookDeliveries: () => webhooks.deliveries(),
    reset: () => {
      store.clear();
      webhooks.clear();
      webhooks.setTarget(options.webhook);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      faults.clear();
      gate.reset();
      log = [];
      modes = startModes;
      rateLimit.reset(modes.rateLimit);
    },
  };

  const pipeline = {
    gate,
    faults,
    rateLimit,
    api,
    signal: closing.signal,
    log: (entry: RequestLogEntry) => {
      log.push(entry);
      if (log.length > MAX_LOG_ENTRIES) log.splice(0, log.length - MAX_LOG_ENTRIES);
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith('/api/')) return serveApi(req, res, url, pipeline);
    if (!url.pathname.startsWith('/__sim/')) return send(res, notFoundRoute(url.pathname));
    const body = await readBody(req);
    if (!body.ok) return send(res, json(413, { code: 'PAYLOAD_TOO_LARGE', message: 'over 64 KB' }), true);
    send(res, routeAdmin(req.method ?? 'GET', url.pathname, body.text, controls));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A close() ends pending delays by aborting them; the socket goes with it.
      if (closing.signal.aborted) return void res.socket?.destroy();
      console.error('coindirect simulator: unexpected error', error);
      send(res, serverError(500));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    ...controls,
    url: `http://127.0.0.1:${port}`,
    flushWebhooks: () => webhooks.flush(),
    close: async () => {
      if (closing.signal.aborted) return;
      for (const timer of timers) clearTimeout(timer);
      closing.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/**
 * The final status auto-progress gives a payout: CANCELLED when its reference ends in `cancelDigit`,
 * otherwise COMPLETE.
 *
 * @example
 * settledStatus('sample-btc-0003', 3); // 'CANCELLED'
 * settledStatus('sample-btc-0001', 3); // 'COMPLETE'
 */
export function settledStatus(reference: string, cancelDigit: number | undefined): 'COMPLETE' | 'CANCELLED' {
  return cancelDigit !== undefined && reference.endsWith(String(cancelDigit)) ? 'CANCELLED' : 'COMPLETE';
}

function checkAutoProgress(auto: SimulatorOptions['autoProgress']): void {
  if (auto === undefined) return;
  for (const [name, ms] of [
    ['processingAfterMs', auto.processingAfterMs],
    ['completeAfterMs', auto.completeAfterMs],
  ] as const) {
    if (ms !== undefined && !(ms >= 0 && ms <= MAX_LATENCY_MS)) {
      throw new RangeError(`autoProgress.${name} must be >= 0 ms and <= ${MAX_LATENCY_MS} ms, got ${ms}`);
    }
  }
  const digit = auto.cancelDigit;
  if (digit !== undefined && !(Number.isInteger(digit) && digit >= 0 && digit <= 9)) {
    throw new RangeError(`autoProgress.cancelDigit must be a digit 0–9, got ${digit}`);
  }
}
