import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import type { LifecycleLedger } from '#shared/ledger/lifecycle-ledger.ts';
import type { PendingEvent } from '#shared/ledger/pending-events.ts';
import type { LoggerPort } from '#shared/processing/ports.ts';
import { EVENT_SOURCE } from './events.ts';
import { LIFECYCLE_METRIC } from './metrics.ts';

/** PutEvents takes at most ten entries per call. */
const MAX_ENTRIES = 10;

/**
 * Client settings for the bus: a payout's outcome never waits long on EventBridge (whatever does not get
 * through in time is left to the sweep), so short timeouts and a single retry.
 */
export const EVENT_BRIDGE_CLIENT_CONFIG = {
  maxAttempts: 2,
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000, throwOnRequestTimeout: true },
} as const;

export interface EventPublisherOptions {
  readonly client: EventBridgeClient;
  /** Name or ARN of the bus the stack creates. */
  readonly eventBusName: string;
  /** Where the markers of published events are cleared. */
  readonly ledger: Pick<LifecycleLedger, 'clearPendingEvents'>;
  readonly metrics: {
    count(
      name: typeof LIFECYCLE_METRIC.eventsPublished | typeof LIFECYCLE_METRIC.eventPublishFailed,
      value?: number,
    ): void;
  };
  readonly logger: LoggerPort;
}

export interface PublishReport {
  readonly published: readonly string[];
  readonly failed: readonly string[];
}

/** What the payout processor and the status functions need: publish, never throw. */
export interface LifecycleEventsPort {
  /** `logger`: where this call logs instead of the publisher's own (the record's logger, with its keys). */
  publish(reference: string, events: readonly PendingEvent[], logger?: LoggerPort): Promise<PublishReport>;
}

/**
 * Puts lifecycle events on the bus, then clears their markers in the ledger item. Never throws: an event
 * that could not be published keeps its marker and the sweep publishes it later, and a marker that could
 * not be cleared is only published once more (consumers drop repeats by `eventId`).
 */
export class EventPublisher implements LifecycleEventsPort {
  readonly #o: EventPublisherOptions;

  constructor(options: EventPublisherOptions) {
    this.#o = options;
  }

  async publish(
    reference: string,
    events: readonly PendingEvent[],
    logger: LoggerPort = this.#o.logger,
  ): Promise<PublishReport> {
    const published: string[] = [];
    const failed: string[] = [];
    for (let i = 0; i < events.length; i += MAX_ENTRIES) {
      const chunk = events.slice(i, i + MAX_ENTRIES);
      try {
        const out = await this.#o.client.send(
          new PutEventsCommand({ Entries: chunk.map((e) => this.#entry(e)) }),
        );
        chunk.forEach((event, index) => {
          (out.Entries?.[index]?.ErrorCode ? failed : published).push(event.eventId);
        });
      } catch (error) {
        failed.push(...chunk.map((event) => event.eventId));
        logger.warn('could not publish lifecycle events; the sweep will publish them', {
          reference,
          eventIds: chunk.map((event) => event.eventId),
          error: error instanceof Error ? error.name : 'non-error thrown',
        });
      }
    }
    if (published.length > 0) this.#o.metrics.count(LIFECYCLE_METRIC.eventsPublished, published.length);
    if (failed.length > 0) this.#o.metrics.count(LIFECYCLE_METRIC.eventPublishFailed, failed.length);
    if (published.length > 0) {
      await this.#o.ledger.clearPendingEvents(reference, published).catch((error: unknown) => {
        logger.warn('published lifecycle events but could not clear their markers', {
          reference,
          eventIds: published,
          error: error instanceof Error ? error.name : 'non-error thrown',
        });
      });
    }
    return { published, failed };
  }

  #entry(event: PendingEvent): PutEventsRequestEntry {
    const occurredAt =
      typeof event.detail.occurredAt === 'string' ? new Date(event.detail.occurredAt) : undefined;
    return {
      EventBusName: this.#o.eventBusName,
      Source: EVENT_SOURCE,
      DetailType: event.detailType,
      Detail: JSON.stringify(event.detail),
      ...(occurredAt && !Number.isNaN(occurredAt.getTime()) ? { Time: occurredAt } : {}),
    };
  }
}
