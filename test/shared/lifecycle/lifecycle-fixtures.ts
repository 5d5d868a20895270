// Shared set-up for the lifecycle unit tests: a status-sync context on the in-memory lifecycle ledger, a
// scripted Coindirect read, and the real EventPublisher on a mocked EventBridge client.
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import type { LookupOutcome } from '#shared/coindirect/classify.ts';
import type { PayoutSummary } from '#shared/coindirect/responses.ts';
import type { LifecycleMetricName } from '#shared/lifecycle/metrics.ts';
import { EventPublisher } from '#shared/lifecycle/publisher.ts';
import type { StatusSyncDeps } from '#shared/lifecycle/status-sync.ts';
import { InMemoryLifecycleLedger } from '#test/support/in-memory-lifecycle-ledger.ts';
import { CapturingLogger } from '#test/support/pipeline-harness.ts';

export const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);
export const BUS = 'coindirect-payouts-test';

export function summary(reference: string, status: string, uuid = `uuid-${reference}`): PayoutSummary {
  return { uuid, reference, type: 'OUT', status, merchantId: 'merchant-0001' };
}

export interface LifecycleContext {
  readonly ledger: InMemoryLifecycleLedger;
  /** What Coindirect answers to GET /api/v1/pay/{uuid}/summary, by uuid (default: not found). */
  readonly reads: Map<string, LookupOutcome>;
  readonly readCalls: string[];
  readonly metrics: Map<LifecycleMetricName, number>;
  readonly logger: CapturingLogger;
  readonly deps: StatusSyncDeps;
  /** The clock the deps read; move it with `clock.now = ...`. */
  readonly clock: { now: number };
}

/** `eventBridge`: an `aws-sdk-client-mock` stub of EventBridgeClient, reset by the caller; it accepts every entry. */
export function lifecycleContext(eventBridge: AwsClientStub<EventBridgeClient>): LifecycleContext {
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries?: unknown[] }) => ({
    FailedEntryCount: 0,
    Entries: (input.Entries ?? []).map((_, i) => ({ EventId: `eb-${i}` })),
  }));
  const ledger = new InMemoryLifecycleLedger();
  const reads = new Map<string, LookupOutcome>();
  const readCalls: string[] = [];
  const metrics = new Map<LifecycleMetricName, number>();
  const logger = new CapturingLogger();
  const countMetric = (name: LifecycleMetricName, value = 1) =>
    void metrics.set(name, (metrics.get(name) ?? 0) + value);
  const clock = { now: NOW };
  const deps: StatusSyncDeps = {
    ledger,
    coindirect: {
      async getPayout(uuid) {
        readCalls.push(uuid);
        return reads.get(uuid) ?? { kind: 'notFound' };
      },
    },
    events: new EventPublisher({
      client: new EventBridgeClient({ region: 'eu-west-1' }),
      eventBusName: BUS,
      ledger,
      metrics: { count: countMetric },
      logger,
    }),
    metrics: { count: countMetric },
    logger,
    clock: () => clock.now,
  };
  return { ledger, reads, readCalls, metrics, logger, deps, clock };
}

/** The entries of every PutEvents call, parsed. */
export function publishedEvents(
  eventBridge: AwsClientStub<EventBridgeClient>,
): Array<{ detailType: string; bus: string; detail: Record<string, unknown> }> {
  return eventBridge.commandCalls(PutEventsCommand).flatMap((call) =>
    (call.args[0].input.Entries ?? []).map((entry) => ({
      detailType: entry.DetailType ?? '',
      bus: entry.EventBusName ?? '',
      detail: JSON.parse(entry.Detail ?? '{}') as Record<string, unknown>,
    })),
  );
}
