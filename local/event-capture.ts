// Reads the lifecycle events the bus rule copies to the capture queue (stack-provision.ts), as a producer's
// consumer would: EventBridge envelopes, at least once, repeats dropped by `detail.eventId`.
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** One lifecycle event as delivered, with the fields the local run shows. */
export interface CapturedEvent {
  /** The EventBridge `detail-type`, e.g. `PayoutCompleted`. */
  readonly name: string;
  readonly eventId: string;
  readonly reference: string;
  readonly occurredAt: string;
  readonly status?: string;
  readonly uuid?: string;
  readonly reasonCode?: string;
}

export interface EventTailOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
}

/** Collects the events of the capture queue, in the order they happened; see {@link EventTail.run}. */
export class EventTail {
  readonly #o: EventTailOptions;
  readonly #events: CapturedEvent[] = [];
  readonly #ids = new Set<string>();
  #listener: ((event: CapturedEvent) => void) | undefined;

  constructor(options: EventTailOptions) {
    this.#o = options;
  }

  /** Called once for each new event from now on (`--keep-running` prints them). */
  onEvent(listener: ((event: CapturedEvent) => void) | undefined): void {
    this.#listener = listener;
  }

  /** Long-polls the capture queue until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.#receive(1);
      } catch {
        // moto stopping, or a hiccup: try again unless stopped.
        if (!signal.aborted) await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  /** Takes whatever the queue holds now (call after the events of interest were put on the bus). */
  async drain(): Promise<void> {
    while ((await this.#receive(0)) > 0);
  }

  /** Every distinct event so far, oldest first. */
  all(): CapturedEvent[] {
    return [...this.#events];
  }

  /** The names of the events of one reference, in the order they happened. */
  namesFor(reference: string): string[] {
    return this.#events.filter((e) => e.reference === reference).map((e) => e.name);
  }

  async #receive(waitSeconds: number): Promise<number> {
    const out = await this.#o.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.#o.queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: waitSeconds,
      }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) return 0;
    for (const message of messages) {
      const event = parseEnvelope(message.Body);
      if (event === undefined || this.#ids.has(event.eventId)) continue;
      this.#ids.add(event.eventId);
      this.#insert(event);
      this.#listener?.(event);
    }
    await this.#o.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: this.#o.queueUrl,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
      }),
    );
    return messages.length;
  }

  /** By `occurredAt`; events of the same instant keep the order they arrived in. */
  #insert(event: CapturedEvent): void {
    let at = this.#events.length;
    while (at > 0 && (this.#events[at - 1]?.occurredAt ?? '') > event.occurredAt) at--;
    this.#events.splice(at, 0, event);
  }
}

/** An EventBridge envelope from the capture queue; undefined when it is not a lifecycle event. */
export function parseEnvelope(body: string | undefined): CapturedEvent | undefined {
  let envelope: unknown;
  try {
    envelope = JSON.parse(body ?? '');
  } catch {
    return undefined;
  }
  const { 'detail-type': name, detail } = (envelope ?? {}) as { 'detail-type'?: unknown; detail?: unknown };
  const d = (detail ?? {}) as Record<string, unknown>;
  if (typeof name !== 'string' || typeof d.reference !== 'string' || typeof d.eventId !== 'string') {
    return undefined;
  }
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const status = text(d.status);
  const uuid = text(d.uuid);
  const reasonCode = text(d.reasonCode);
  return {
    name,
    eventId: d.eventId,
    reference: d.reference,
    occurredAt: text(d.occurredAt) ?? '',
    ...(status === undefined ? {} : { status }),
    ...(uuid === undefined ? {} : { uuid }),
    ...(reasonCode === undefined ? {} : { reasonCode }),
  };
}
