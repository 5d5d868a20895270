// A typed client for the simulator's /__sim/ admin API, for a process that did not start the simulator.
import type {
  ActiveFault,
  ApiCounts,
  FaultRule,
  HawkCredential,
  PayoutRecord,
  PayoutStatus,
  RequestLogEntry,
  VendorModes,
  VendorModesPatch,
  WebhookDelivery,
  WebhookTarget,
} from './types.ts';

export interface SimulatorAdminClient {
  payouts(): Promise<PayoutRecord[]>;
  createdCount(reference: string): Promise<number>;
  requests(): Promise<RequestLogEntry[]>;
  /** Requests let through and refused for rate since the start or the last reset. */
  apiCounts(): Promise<ApiCounts>;
  addCredential(credential: HawkCredential): Promise<void>;
  revokeCredential(id: string): Promise<void>;
  setLatency(ms: number): Promise<void>;
  vendorModes(): Promise<VendorModes>;
  /** Changes only the modes given (`duplicateReferenceCode: null` clears it); resolves to the new modes. */
  setVendorModes(patch: VendorModesPatch): Promise<VendorModes>;
  /** Resolves to the fault's id. `times: Infinity` is sent as JSON `null`. */
  injectFault(rule: FaultRule): Promise<string>;
  clearFaults(): Promise<void>;
  faults(): Promise<ActiveFault[]>;
  setPayoutStatus(uuid: string, status: PayoutStatus): Promise<void>;
  /** Where status webhooks go from now on; undefined stops them. */
  setWebhook(target: WebhookTarget | undefined): Promise<void>;
  redeliverWebhook(uuid: string): Promise<void>;
  webhookDeliveries(): Promise<WebhookDelivery[]>;
  reset(): Promise<void>;
}

/** Raised when the admin API answers with anything but the expected 2xx. */
export class SimulatorAdminError extends Error {
  override readonly name = 'SimulatorAdminError';
  readonly status: number;

  constructor(route: string, status: number, body: string) {
    super(`simulator admin ${route} answered ${status}: ${body}`);
    this.status = status;
  }
}

/**
 * @param baseUrl the simulator's `url` (as printed by `npm run simulator`)
 * @param fetchFn the fetch to use; default the global one
 * @example
 * const admin = simulatorAdmin('http://127.0.0.1:4010');
 * await admin.injectFault({ fault: { kind: 'status', status: 503 }, times: Infinity, probability: 0.1 });
 */
export function simulatorAdmin(baseUrl: string, fetchFn: typeof fetch = fetch): SimulatorAdminClient {
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetchFn(new URL(`/__sim/${path}`, baseUrl), {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new SimulatorAdminError(`${method} /__sim/${path}`, response.status, text);
    // The admin API is this folder's own server, so its answers are trusted to have the declared types.
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  };
  const payouts = async (): Promise<PayoutRecord[]> =>
    ((await call('GET', 'payouts')) as { payouts: PayoutRecord[] }).payouts;

  return {
    payouts,
    createdCount: async (reference) => (await payouts()).filter((p) => p.reference === reference).length,
    requests: async () => ((await call('GET', 'requests')) as { requests: RequestLogEntry[] }).requests,
    apiCounts: async () => (await call('GET', 'stats')) as ApiCounts,
    addCredential: async (credential) => void (await call('POST', 'credentials', credential)),
    revokeCredential: async (id) => void (await call('POST', 'credentials/revoke', { id })),
    setLatency: async (ms) => void (await call('POST', 'latency', { ms })),
    vendorModes: async () => (await call('GET', 'vendor')) as VendorModes,
    setVendorModes: async (patch) => (await call('POST', 'vendor', patch)) as VendorModes,
    injectFault: async (rule) => {
      const times = rule.times === Infinity ? null : rule.times;
      return ((await call('POST', 'faults', { ...rule, times })) as { id: string }).id;
    },
    clearFaults: async () => void (await call('DELETE', 'faults')),
    faults: async () => {
      const { faults } = (await call('GET', 'faults')) as {
        faults: Array<Omit<ActiveFault, 'remaining'> & { remaining: number | null }>;
      };
      return faults.map((f) => ({ ...f, remaining: f.remaining ?? Infinity }));
    },
    setPayoutStatus: async (uuid, status) => void (await call('POST', 'payout-status', { uuid, status })),
    setWebhook: async (target) =>
      void (await (target === undefined ? call('DELETE', 'webhook') : call('POST', 'webhook', target))),
    redeliverWebhook: async (uuid) => void (await call('POST', 'webhook/redeliver', { uuid })),
    webhookDeliveries: async () =>
      ((await call('GET', 'webhooks')) as { deliveries: WebhookDelivery[] }).deliveries,
    reset: async () => void (await call('POST', 'reset')),
  };
}
