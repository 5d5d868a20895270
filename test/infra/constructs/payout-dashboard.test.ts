import { describe, expect, it } from 'vitest';
import {
  COINDIRECT_FAILURE_OUTCOMES,
  COINDIRECT_LATENCY_METRIC,
  COINDIRECT_OPERATION,
} from '#shared/coindirect/call-metrics.ts';
import { LIFECYCLE_METRIC } from '#shared/lifecycle/metrics.ts';
import { METRIC } from '#shared/processing/ports.ts';
import { WEBHOOK_METRIC } from '#shared/webhooks/metrics.ts';
import {
  environmentNames,
  logicalIdOf,
  synthPayoutApp,
  type TemplateResource,
} from '../payout-app-fixture.ts';

interface Widget {
  readonly type: string;
  readonly properties: { readonly title?: string; readonly metrics?: unknown[][] };
}

/** The dashboard body with every CloudFormation reference replaced by `<logical id>`, parsed. */
function dashboardOf(resource: TemplateResource): { widgets: Widget[] } {
  const body = resource.Properties?.DashboardBody as { 'Fn::Join': [string, unknown[]] } | undefined;
  const [, parts] = body?.['Fn::Join'] ?? ['', []];
  const text = parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const ref = part as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
      return `<${ref.Ref ?? ref['Fn::GetAtt']?.[0]}>`;
    })
    .join('');
  return JSON.parse(text) as { widgets: Widget[] };
}

/** One graphed metric: namespace, name, and its dimensions as a map. */
function metricsOf(widget: Widget) {
  return (widget.properties.metrics ?? []).map((entry) => {
    const [namespace, name, ...rest] = entry.filter((x) => typeof x === 'string') as string[];
    const dimensions: Record<string, string> = {};
    for (let i = 0; i + 1 < rest.length; i += 2) dimensions[rest[i] as string] = rest[i + 1] as string;
    const options = entry.find((x) => typeof x === 'object') as { stat?: string } | undefined;
    return { namespace, name, dimensions, stat: options?.stat };
  });
}

/** Every metric name the functions emit (EMF, namespace CoindirectPayouts). */
const EMITTED = new Set<string>([
  ...Object.values(METRIC),
  ...Object.values(LIFECYCLE_METRIC),
  ...Object.values(WEBHOOK_METRIC),
  COINDIRECT_LATENCY_METRIC,
]);

describe.each(environmentNames)('PayoutDashboard in the worker stack (%s)', (name) => {
  const { worker } = synthPayoutApp(name);
  const dashboards = worker.findResources('AWS::CloudWatch::Dashboard') as Record<string, TemplateResource>;
  const [resource] = Object.values(dashboards);
  const { widgets } = dashboardOf(resource ?? {});
  const graphs = widgets.filter((w) => w.type === 'metric');
  const byTitle = (prefix: string) => {
    const widget = graphs.find((w) => w.properties.title?.startsWith(prefix));
    if (widget === undefined) throw new Error(`no widget titled ${prefix}…`);
    return metricsOf(widget);
  };

  it('is one dashboard named after the environment', () => {
    expect(Object.values(dashboards)).toHaveLength(1);
    expect(resource?.Properties?.DashboardName).toBe(`CoindirectPayouts-${name}`);
  });

  it('graphs only metrics the code emits, or AWS/SQS and AWS/Lambda metrics', () => {
    const all = graphs.flatMap(metricsOf);

    expect(all.length).toBeGreaterThan(30);
    for (const metric of all) {
      if (metric.namespace === 'CoindirectPayouts') expect(EMITTED).toContain(metric.name);
      else expect(['AWS/SQS', 'AWS/Lambda']).toContain(metric.namespace);
    }
  });

  it('shows the payout queue depth and the age of its oldest message, and the DLQ depth', () => {
    const queueId = logicalIdOf(worker, 'AWS::SQS::Queue', {}, 'QueuesPayoutQueue');
    const dlqId = logicalIdOf(worker, 'AWS::SQS::Queue', {}, 'QueuesDeadLetterQueue');

    expect(byTitle('Payout queue').map((m) => [m.name, m.dimensions.QueueName])).toEqual([
      ['ApproximateNumberOfMessagesVisible', `<${queueId}>`],
      ['ApproximateNumberOfMessagesVisible', `<${dlqId}>`],
      ['ApproximateAgeOfOldestMessage', `<${queueId}>`],
    ]);
  });

  it('shows the outcomes per type, throttles and credential and configuration failures', () => {
    expect(byTitle('Worker outcomes').map((m) => m.name)).toEqual([
      METRIC.submitted,
      METRIC.duplicateDelivery,
      METRIC.rejected,
      METRIC.conflict,
      METRIC.ambiguous,
    ]);
    expect(byTitle('Throttles, credential').map((m) => m.name)).toEqual([
      METRIC.throttled,
      METRIC.credentialFailure,
      METRIC.configurationFailure,
      METRIC.insufficientFunds,
      'Throttles',
    ]);
  });

  it('shows Coindirect latency p50 and p99 per operation, and the calls of each failure class', () => {
    const latency = byTitle('Coindirect call latency');
    const errors = byTitle('Coindirect call errors');

    expect(latency.map((m) => `${m.dimensions.service} ${m.dimensions.operation} ${m.stat}`)).toEqual([
      `payout-worker ${COINDIRECT_OPERATION.create} p50`,
      `payout-worker ${COINDIRECT_OPERATION.create} p99`,
      `payout-worker ${COINDIRECT_OPERATION.lookup} p50`,
      `payout-worker ${COINDIRECT_OPERATION.lookup} p99`,
      `payout-status ${COINDIRECT_OPERATION.read} p50`,
      `payout-status ${COINDIRECT_OPERATION.read} p99`,
      `payout-sweep ${COINDIRECT_OPERATION.read} p50`,
      `payout-sweep ${COINDIRECT_OPERATION.read} p99`,
    ]);
    expect(errors.map((m) => [m.name, m.dimensions.outcome, m.stat])).toEqual(
      COINDIRECT_FAILURE_OUTCOMES.map((outcome) => [COINDIRECT_LATENCY_METRIC, outcome, 'SampleCount']),
    );
    expect(COINDIRECT_FAILURE_OUTCOMES).toEqual(
      expect.arrayContaining(['throttled', 'unauthorized', 'configuration', 'ambiguous', 'unreachable']),
    );
  });

  it('shows stuck payouts from the sweep and webhook verification failures', () => {
    expect(byTitle('Stuck payouts').map((m) => [m.name, m.dimensions.service])).toEqual([
      [LIFECYCLE_METRIC.stuckPayouts, 'payout-sweep'],
      [LIFECYCLE_METRIC.unpublishedEvents, 'payout-sweep'],
    ]);
    expect(byTitle('Webhook verification').map((m) => [m.name, m.dimensions.service])).toEqual([
      [WEBHOOK_METRIC.badSignature, 'payout-webhook'],
      [WEBHOOK_METRIC.unsigned, 'payout-webhook'],
      [WEBHOOK_METRIC.malformed, 'payout-webhook'],
      [WEBHOOK_METRIC.accepted, 'payout-webhook'],
    ]);
  });

  it('shows the errors and duration of each of the four functions', () => {
    const functionIds = Object.keys(worker.findResources('AWS::Lambda::Function')).filter((id) =>
      /^(Worker|WebhookReceiver|LifecycleStatus|LifecycleSweep)Function/.test(id),
    );

    expect(functionIds).toHaveLength(4);
    for (const title of ['Lambda errors', 'Lambda duration (ms), p99', 'Lambda duration (ms), average']) {
      const metrics = byTitle(title);
      expect(metrics.map((m) => m.dimensions.FunctionName).sort()).toEqual(
        functionIds.map((id) => `<${id}>`).sort(),
      );
    }
  });
});
