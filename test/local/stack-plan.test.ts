// What `npm start` builds against what the stack defines: the plan is read from the synthesized template,
// and these tests hold the two lists together (every resource type classified, every resource of a created
// type planned, every function of the stack run locally, each wired as the template wires it).
import { beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_SERVICES } from '#local/pipeline.ts';
import {
  type CfnTemplate,
  CREATED_TYPES,
  functionOf,
  localTreatment,
  planFromTemplate,
  resourceOf,
  type StackPlan,
  triggerOf,
} from '#local/stack-plan.ts';
import { synthWorkerTemplate } from '#local/stack-template.ts';
import { OPEN_INDEX } from '#shared/ledger/open-index.ts';

let template: CfnTemplate;
let plan: StackPlan;

beforeAll(async () => {
  template = await synthWorkerTemplate('staging');
  plan = planFromTemplate(template);
}, 60_000);

const idsOfType = (type: string): string[] =>
  Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([id]) => id)
    .sort();

describe('the local plan against the synthesized worker stack', () => {
  it('knows what to do with every resource type of the stack', () => {
    // Act
    const types = [...new Set(Object.values(template.Resources).map((r) => r.Type))];

    // Assert
    expect(plan.unclassifiedTypes).toEqual([]);
    expect(types.filter((type) => localTreatment(type) === undefined)).toEqual([]);
  });

  it('creates every queue, table, secret and event bus of the stack, and nothing else', () => {
    // Act
    const planned = {
      'AWS::SQS::Queue': plan.queues.map((q) => q.logicalId).sort(),
      'AWS::DynamoDB::Table': plan.tables.map((t) => t.logicalId).sort(),
      'AWS::SecretsManager::Secret': plan.secrets.map((s) => s.logicalId).sort(),
      'AWS::Events::EventBus': plan.eventBuses.map((b) => b.logicalId).sort(),
    };

    // Assert
    expect(Object.keys(planned).sort()).toEqual([...CREATED_TYPES].sort());
    for (const type of CREATED_TYPES) expect(planned[type], type).toEqual(idsOfType(type));
    expect(plan.queues).toHaveLength(4);
    expect(plan.secrets).toHaveLength(2);
  });

  it('keeps the redrive policies, the visibility timeouts and the open index', () => {
    // Act
    const redrives = plan.queues.filter((q) => q.deadLetter !== undefined);
    const ledger = plan.tables[0];

    // Assert
    expect(redrives).toHaveLength(2);
    for (const queue of redrives) {
      const properties = template.Resources[queue.logicalId]?.Properties ?? {};
      expect(queue.visibilityTimeoutSeconds).toBe(properties.VisibilityTimeout);
      expect(queue.deadLetter?.maxReceiveCount).toBe(
        (properties.RedrivePolicy as { maxReceiveCount: number }).maxReceiveCount,
      );
      // A dead-letter queue is created before the queue that names it.
      const order = plan.queues.map((q) => q.logicalId);
      expect(order.indexOf(queue.deadLetter?.logicalId ?? '')).toBeLessThan(order.indexOf(queue.logicalId));
    }
    expect(ledger?.keySchema).toEqual([{ AttributeName: 'reference', KeyType: 'HASH' }]);
    expect(ledger?.globalSecondaryIndexes.map((i) => [i.IndexName, i.KeySchema[0]?.AttributeName])).toEqual([
      [OPEN_INDEX.indexName, OPEN_INDEX.partitionKey],
    ]);
  });

  it('runs every function of the stack, and only those', () => {
    // Act
    const services = plan.functions.map((f) => f.service).sort();

    // Assert
    expect(services).toEqual([...LOCAL_SERVICES].sort());
    // The deploy-time custom-resource handlers are functions of the template too, but not of the plan.
    expect(idsOfType('AWS::Lambda::Function').length).toBeGreaterThan(plan.functions.length);
  });

  it('wires each function to its trigger and resources as the template does', () => {
    // Arrange
    const worker = functionOf(plan, 'payout-worker');
    const receiver = functionOf(plan, 'payout-webhook');
    const status = functionOf(plan, 'payout-status');
    const sweep = functionOf(plan, 'payout-sweep');
    const payoutQueue = triggerOf(worker, 'sqs').queue;
    const statusQueue = triggerOf(status, 'sqs').queue;

    // Assert
    expect(payoutQueue).toMatch(/^QueuesPayoutQueue/);
    expect(triggerOf(worker, 'sqs')).toMatchObject({ batchSize: 10, maxConcurrency: 2 });
    expect(resourceOf(worker, 'DLQ_URL').logicalId).toBe(
      plan.queues.find((q) => q.logicalId === payoutQueue)?.deadLetter?.logicalId,
    );
    expect(Object.keys(worker.resourceEnv).sort()).toEqual([
      'DLQ_URL',
      'EVENT_BUS_NAME',
      'HAWK_SECRET_ID',
      'LEDGER_TABLE_NAME',
    ]);
    expect(triggerOf(receiver, 'url')).toEqual({ kind: 'url' });
    expect(resourceOf(receiver, 'STATUS_QUEUE_URL')).toEqual({ logicalId: statusQueue, attribute: 'Ref' });
    expect(resourceOf(receiver, 'WEBHOOK_SECRET_ID').logicalId).not.toBe(
      resourceOf(worker, 'HAWK_SECRET_ID').logicalId,
    );
    expect(triggerOf(sweep, 'schedule').expression).toMatch(/^rate\(/);
    for (const fn of [status, sweep]) {
      expect(resourceOf(fn, 'LEDGER_TABLE_NAME')).toEqual(resourceOf(worker, 'LEDGER_TABLE_NAME'));
      expect(resourceOf(fn, 'EVENT_BUS_NAME')).toEqual(resourceOf(worker, 'EVENT_BUS_NAME'));
    }
    expect(worker.timeoutSeconds).toBe(template.Resources[worker.logicalId]?.Properties?.Timeout);
  });

  it('reports a resource type it does not know, and refuses wiring it cannot reproduce', () => {
    // Arrange
    const extended: CfnTemplate = {
      Resources: {
        ...template.Resources,
        Bucket: { Type: 'AWS::S3::Bucket', Properties: {} },
      },
    };
    const worker = functionOf(plan, 'payout-worker');
    const original = template.Resources[worker.logicalId];
    const environment = original?.Properties?.Environment as
      | { Variables?: Record<string, unknown> }
      | undefined;
    const variables = environment?.Variables ?? {};
    const joined: CfnTemplate = {
      Resources: {
        ...template.Resources,
        [worker.logicalId]: {
          Type: 'AWS::Lambda::Function',
          Properties: {
            ...original?.Properties,
            Environment: {
              Variables: {
                ...variables,
                DLQ_URL: { 'Fn::Join': ['', [{ Ref: resourceOf(worker, 'DLQ_URL').logicalId }, '?x']] },
              },
            },
          },
        },
      },
    };

    // Act & Assert
    expect(planFromTemplate(extended).unclassifiedTypes).toEqual(['AWS::S3::Bucket']);
    expect(() => planFromTemplate(joined)).toThrow(/cannot read DLQ_URL/);
  });
});
