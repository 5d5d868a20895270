import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import * as z from 'zod/mini';

/**
 * A lifecycle event recorded in the ledger item by the same conditional write as the transition it
 * announces, and removed once it is on the event bus (a transactional outbox inside the item). Whatever a
 * crash leaves behind, the sweep publishes.
 */
export interface PendingEvent {
  /** Deterministic (`<reference>:<transition>`), so a consumer can drop the rare duplicate. */
  readonly eventId: string;
  readonly detailType: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

const pendingEventSchema = z.object({
  eventId: z.string().check(z.minLength(1)),
  detailType: z.string().check(z.minLength(1)),
  detail: z.record(z.string(), z.unknown()),
});

/** One marker as stored: a JSON string, so the list holds exactly what will be published. */
export function serializeEvent(event: PendingEvent): AttributeValue {
  return {
    S: JSON.stringify({ eventId: event.eventId, detailType: event.detailType, detail: event.detail }),
  };
}

/** Reads the `pendingEvents` list back; an entry that is not a marker (edited by hand) is skipped. */
export function parsePendingEvents(value: AttributeValue | undefined): PendingEvent[] {
  if (value === undefined || !('L' in value) || value.L === undefined) return [];
  return value.L.flatMap((entry) => {
    if (!('S' in entry) || entry.S === undefined) return [];
    try {
      const parsed = pendingEventSchema.safeParse(JSON.parse(entry.S));
      return parsed.success ? [parsed.data] : [];
    } catch {
      return [];
    }
  });
}

/**
 * SET clauses appending `events` to the item's marker list and bumping `eventsVersion`, which every
 * change to the list bumps, so a clear made from a stale read fails its condition instead of dropping a
 * marker added meanwhile. Works whether or not the item has a list yet.
 */
export function appendEventsClauses(events: readonly PendingEvent[]): {
  readonly sets: readonly string[];
  readonly values: Readonly<Record<string, AttributeValue>>;
} {
  if (events.length === 0) return { sets: [], values: {} };
  return {
    sets: [
      'pendingEvents = list_append(if_not_exists(pendingEvents, :evNone), :evNew)',
      'eventsVersion = if_not_exists(eventsVersion, :evZero) + :evOne',
    ],
    values: {
      ':evNone': { L: [] },
      ':evNew': { L: events.map(serializeEvent) },
      ':evZero': { N: '0' },
      ':evOne': { N: '1' },
    },
  };
}
