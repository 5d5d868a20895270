// Signed status webhooks, as Coindirect sends them (docs/coindirect.md, "Webhooks"): a POST of
// {"source":"payment","event":"statusChanged","data":<summary>} with `X-Signature` = hex HMAC-SHA256,
// keyed with the merchant secret, over path + raw query of the registered URL + content type + raw body.
// Written from the spec here, not with shared/webhooks/signature.ts, so a signing bug in the receiver
// cannot hide behind the same bug in the sender.
import { createHmac } from 'node:crypto';
import type { SummaryPayment, WebhookDelivery, WebhookTarget } from './types.ts';

const CONTENT_TYPE = 'application/json';
const DELIVERY_TIMEOUT_MS = 5_000;
/** The delivery log keeps this many newest entries. */
const MAX_DELIVERIES = 10_000;

/** Signs `body` the way Coindirect's validator checks it. */
export function simulatorSignature(
  secret: string,
  registeredUrl: string,
  contentType: string,
  body: string,
): string {
  const url = new URL(registeredUrl);
  return createHmac('sha256', secret)
    .update(`${url.pathname}${url.search.replace(/^\?/, '')}${contentType}${body}`)
    .digest('hex');
}

export class WebhookSender {
  #target: WebhookTarget | undefined;
  #deliveries: WebhookDelivery[] = [];
  readonly #inFlight = new Set<Promise<void>>();
  readonly #signal: AbortSignal;
  readonly #secretOf: (merchantId: string) => string | undefined;
  readonly #clock: () => number;

  constructor(options: {
    readonly target?: WebhookTarget | undefined;
    readonly signal: AbortSignal;
    readonly secretOf: (merchantId: string) => string | undefined;
    readonly clock: () => number;
  }) {
    this.#target = options.target;
    this.#signal = options.signal;
    this.#secretOf = options.secretOf;
    this.#clock = options.clock;
  }

  /** Where webhooks go from now on; undefined stops sending them. */
  setTarget(target: WebhookTarget | undefined): void {
    if (target !== undefined) new URL(target.url);
    this.#target = target;
  }

  /** Sends the payout's current status; fire and forget (see {@link flush}). */
  notify(summary: SummaryPayment): void {
    const target = this.#target;
    if (target === undefined) return;
    const delivery = this.#deliver(target, summary).finally(() => this.#inFlight.delete(delivery));
    this.#inFlight.add(delivery);
  }

  deliveries(): WebhookDelivery[] {
    return [...this.#deliveries];
  }

  /** Resolves once every webhook sent so far has been answered (or failed). */
  async flush(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  clear(): void {
    this.#deliveries = [];
  }

  async #deliver(target: WebhookTarget, summary: SummaryPayment): Promise<void> {
    const secret = target.secret ?? this.#secretOf(summary.merchantId) ?? '';
    const body = JSON.stringify({ source: 'payment', event: 'statusChanged', data: summary });
    const signature = simulatorSignature(secret, target.registeredUrl ?? target.url, CONTENT_TYPE, body);
    const entry = { at: this.#clock(), uuid: summary.uuid, status: summary.status, url: target.url };
    try {
      const response = await fetch(target.url, {
        method: 'POST',
        headers: { 'content-type': CONTENT_TYPE, 'x-signature': signature },
        body,
        signal: AbortSignal.any([this.#signal, AbortSignal.timeout(DELIVERY_TIMEOUT_MS)]),
      });
      await response.arrayBuffer();
      this.#log({ ...entry, httpStatus: response.status });
    } catch (error) {
      this.#log({ ...entry, httpStatus: null, error: error instanceof Error ? error.name : 'error' });
    }
  }

  #log(entry: WebhookDelivery): void {
    this.#deliveries.push(entry);
    if (this.#deliveries.length > MAX_DELIVERIES)
      this.#deliveries.splice(0, this.#deliveries.length - MAX_DELIVERIES);
  }
}
