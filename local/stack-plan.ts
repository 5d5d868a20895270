// What `npm start` builds, read from the worker stack's synthesized template (stack-template.ts): the
// resources it creates on moto, and for each function of the stack, its timeout, its trigger and which of
// its environment variables name which resource. Settings the template writes as plain values (the
// sandbox URL, staging's caps, testnet addresses) are not taken: the local run keeps the worker's defaults.

/** A resource of a CloudFormation template, as synthesized. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
}

/** The part of a synthesized template the plan reads. */
export interface CfnTemplate {
  readonly Resources: Readonly<Record<string, CfnResource>>;
}

/** Resource types `npm start` creates on moto: the ones the functions read and write. */
export const CREATED_TYPES = [
  'AWS::SQS::Queue',
  'AWS::DynamoDB::Table',
  'AWS::SecretsManager::Secret',
  'AWS::Events::EventBus',
] as const;
export type CreatedType = (typeof CREATED_TYPES)[number];

/**
 * What `npm start` does instead for every other resource type of the stack, by type or `Prefix::*`. A
 * type the stack gains must be added here or to {@link CREATED_TYPES} (test/local/stack-plan.test.ts).
 */
export const NOT_CREATED: Readonly<Record<string, string>> = {
  'AWS::Lambda::Function':
    'each function of the stack runs in-process from its real handler; custom-resource handlers only act at deploy time',
  'AWS::Lambda::EventSourceMapping':
    "a local poller (local/poller.ts) with the mapping's batch size and maximum concurrency",
  'AWS::Lambda::Url': 'a local HTTP server shaped like a Function URL (local/function-url-server.ts)',
  'AWS::Lambda::Permission': 'nothing to permit: the functions are called in-process',
  'AWS::Events::Rule': "the sweep's schedule: a local timer, seconds instead of the deployed rate",
  'AWS::SQS::QueuePolicy': 'TLS-only queue policies; moto does not enforce them',
  'AWS::IAM::*': 'no IAM locally; moto does not enforce it',
  'AWS::EC2::*': 'no VPC, NAT or Elastic IP: the functions reach the simulator over loopback',
  'AWS::Logs::LogGroup': 'logs go to stderr (--verbose)',
  'AWS::CloudWatch::Alarm': 'no metrics or alarms locally',
  'AWS::CloudWatch::Dashboard': 'no metrics locally, so no dashboard',
  'AWS::SNS::*': 'no alarm topic locally',
  'Custom::*': 'deploy-time custom resources (default security group, Elastic IP lookup)',
};

/** How `npm start` treats a resource type: `create`, or why not (undefined: the type is not classified). */
export function localTreatment(type: string): 'create' | string | undefined {
  if ((CREATED_TYPES as readonly string[]).includes(type)) return 'create';
  const exact = NOT_CREATED[type];
  if (exact !== undefined) return exact;
  const prefix = Object.keys(NOT_CREATED).find(
    (key) => key.endsWith('::*') && type.startsWith(key.slice(0, -1)),
  );
  return prefix === undefined ? undefined : NOT_CREATED[prefix];
}

export interface PlannedQueue {
  readonly logicalId: string;
  readonly visibilityTimeoutSeconds?: number;
  readonly retentionSeconds?: number;
  readonly sqsManagedSse?: boolean;
  readonly deadLetter?: { readonly logicalId: string; readonly maxReceiveCount: number };
}

export interface PlannedKey {
  readonly AttributeName: string;
  readonly KeyType: 'HASH' | 'RANGE';
}

export interface PlannedTable {
  readonly logicalId: string;
  readonly keySchema: readonly PlannedKey[];
  readonly attributeDefinitions: readonly {
    readonly AttributeName: string;
    readonly AttributeType: 'S' | 'N' | 'B';
  }[];
  readonly globalSecondaryIndexes: readonly {
    readonly IndexName: string;
    readonly KeySchema: readonly PlannedKey[];
    readonly Projection: { readonly ProjectionType?: 'ALL' | 'KEYS_ONLY' | 'INCLUDE' };
  }[];
}

export interface PlannedSecret {
  readonly logicalId: string;
}

export interface PlannedEventBus {
  readonly logicalId: string;
  readonly name: string;
}

/** A function's variable that names a created resource: CloudFormation's `Ref` or `Fn::GetAtt … Arn`. */
export interface ResourceRef {
  readonly logicalId: string;
  readonly attribute: 'Ref' | 'Arn';
}

export type FunctionTrigger =
  | {
      readonly kind: 'sqs';
      readonly queue: string;
      readonly batchSize: number;
      readonly maxConcurrency?: number;
    }
  | { readonly kind: 'url' }
  | { readonly kind: 'schedule'; readonly expression: string };

export interface PlannedFunction {
  readonly logicalId: string;
  /** `POWERTOOLS_SERVICE_NAME`, e.g. `payout-worker`: how `npm start` knows which handler to run. */
  readonly service: string;
  readonly timeoutSeconds: number;
  /** Variables whose value is a created resource, e.g. `LEDGER_TABLE_NAME` → the ledger's `Ref`. */
  readonly resourceEnv: Readonly<Record<string, ResourceRef>>;
  readonly triggers: readonly FunctionTrigger[];
}

export interface StackPlan {
  readonly queues: readonly PlannedQueue[];
  readonly tables: readonly PlannedTable[];
  readonly secrets: readonly PlannedSecret[];
  readonly eventBuses: readonly PlannedEventBus[];
  /** The stack's own functions (not the handlers of its deploy-time custom resources). */
  readonly functions: readonly PlannedFunction[];
  /** Resource types of the template `npm start` does not know how to treat (see {@link localTreatment}). */
  readonly unclassifiedTypes: readonly string[];
}

/** The template is not shaped the way the plan expects; the message names the resource. */
export class StackPlanError extends Error {
  override readonly name = 'StackPlanError';
}

/** Reads the plan from a synthesized template. Throws {@link StackPlanError} on a shape it cannot read. */
export function planFromTemplate(template: CfnTemplate): StackPlan {
  const entries = Object.entries(template.Resources);
  const ofType = (type: string) => entries.filter(([, resource]) => resource.Type === type);
  const created = new Set(
    entries
      .filter(([, r]) => (CREATED_TYPES as readonly string[]).includes(r.Type))
      .map(([logicalId]) => logicalId),
  );
  const deployTime = new Set(
    entries
      .filter(([, r]) => r.Type.startsWith('Custom::'))
      .flatMap(([, r]) => attTarget(r.Properties?.ServiceToken) ?? []),
  );

  const queues = ofType('AWS::SQS::Queue').map(([logicalId, r]) => planQueue(logicalId, r));
  const tables = ofType('AWS::DynamoDB::Table').map(([logicalId, r]) => planTable(logicalId, r));
  const secrets = ofType('AWS::SecretsManager::Secret').map(([logicalId]) => ({ logicalId }));
  const eventBuses = ofType('AWS::Events::EventBus').map(([logicalId, r]) => {
    const name = r.Properties?.Name;
    if (typeof name !== 'string') throw new StackPlanError(`event bus ${logicalId} has no literal Name`);
    return { logicalId, name };
  });
  const functions = ofType('AWS::Lambda::Function')
    .filter(([logicalId]) => !deployTime.has(logicalId))
    .map(([logicalId, r]) => planFunction(logicalId, r, entries, created));
  const unclassifiedTypes = [...new Set(entries.map(([, r]) => r.Type))].filter(
    (type) => localTreatment(type) === undefined,
  );
  return {
    // Dead-letter queues first: a queue's redrive policy names its DLQ's ARN.
    queues: [...queues].sort(
      (a, b) => Number(a.deadLetter !== undefined) - Number(b.deadLetter !== undefined),
    ),
    tables,
    secrets,
    eventBuses,
    functions,
    unclassifiedTypes,
  };
}

/** The plan's function for a service, e.g. `payout-worker`; throws when the stack has none or several. */
export function functionOf(plan: StackPlan, service: string): PlannedFunction {
  const found = plan.functions.filter((f) => f.service === service);
  if (found.length !== 1) {
    throw new StackPlanError(
      `expected one function with service ${service} in the stack, found ${found.length}`,
    );
  }
  return found[0] as PlannedFunction;
}

/** The function's trigger of one kind; throws when it has none. */
export function triggerOf<Kind extends FunctionTrigger['kind']>(
  fn: PlannedFunction,
  kind: Kind,
): Extract<FunctionTrigger, { kind: Kind }> {
  const trigger = fn.triggers.find((t): t is Extract<FunctionTrigger, { kind: Kind }> => t.kind === kind);
  if (trigger === undefined) throw new StackPlanError(`function ${fn.logicalId} has no ${kind} trigger`);
  return trigger;
}

/** The created resource a function's variable names; throws when the variable names none. */
export function resourceOf(fn: PlannedFunction, variable: string): ResourceRef {
  const ref = fn.resourceEnv[variable];
  if (ref === undefined) throw new StackPlanError(`function ${fn.logicalId} has no resource in ${variable}`);
  return ref;
}

function planQueue(logicalId: string, resource: CfnResource): PlannedQueue {
  const p = resource.Properties ?? {};
  const redrive = p.RedrivePolicy as { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown } | undefined;
  let deadLetter: PlannedQueue['deadLetter'];
  if (redrive !== undefined) {
    const target = attTarget(redrive.deadLetterTargetArn);
    if (target === undefined || typeof redrive.maxReceiveCount !== 'number') {
      throw new StackPlanError(`queue ${logicalId}: cannot read its RedrivePolicy`);
    }
    deadLetter = { logicalId: target, maxReceiveCount: redrive.maxReceiveCount };
  }
  return {
    logicalId,
    ...optionalNumber('visibilityTimeoutSeconds', p.VisibilityTimeout),
    ...optionalNumber('retentionSeconds', p.MessageRetentionPeriod),
    ...(typeof p.SqsManagedSseEnabled === 'boolean' ? { sqsManagedSse: p.SqsManagedSseEnabled } : {}),
    ...(deadLetter === undefined ? {} : { deadLetter }),
  };
}

function planTable(logicalId: string, resource: CfnResource): PlannedTable {
  const p = resource.Properties ?? {};
  if (!Array.isArray(p.KeySchema) || !Array.isArray(p.AttributeDefinitions)) {
    throw new StackPlanError(`table ${logicalId}: no KeySchema or AttributeDefinitions`);
  }
  if (p.TableName !== undefined)
    throw new StackPlanError(`table ${logicalId}: a fixed TableName is not expected`);
  return {
    logicalId,
    keySchema: p.KeySchema as PlannedTable['keySchema'],
    attributeDefinitions: p.AttributeDefinitions as PlannedTable['attributeDefinitions'],
    globalSecondaryIndexes: (Array.isArray(p.GlobalSecondaryIndexes)
      ? p.GlobalSecondaryIndexes
      : []) as PlannedTable['globalSecondaryIndexes'],
  };
}

function planFunction(
  logicalId: string,
  resource: CfnResource,
  entries: readonly (readonly [string, CfnResource])[],
  created: ReadonlySet<string>,
): PlannedFunction {
  const p = resource.Properties ?? {};
  const variables = ((p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ??
    {}) as Record<string, unknown>;
  const resourceEnv: Record<string, ResourceRef> = {};
  for (const [name, value] of Object.entries(variables)) {
    if (typeof value === 'string') continue;
    const ref = resourceRef(value);
    if (ref !== undefined && created.has(ref.logicalId)) {
      resourceEnv[name] = ref;
    } else if (JSON.stringify(value).match(/"(Ref|Fn::GetAtt)"/)) {
      // A reference npm start cannot reproduce; better to stop than to run a function wired differently.
      const names = [...created].filter((id) => JSON.stringify(value).includes(`"${id}"`));
      if (names.length > 0) {
        throw new StackPlanError(`function ${logicalId}: cannot read ${name} (${JSON.stringify(value)})`);
      }
    }
  }
  const triggers: FunctionTrigger[] = [];
  for (const [id, r] of entries) {
    const q = r.Properties ?? {};
    if (r.Type === 'AWS::Lambda::EventSourceMapping' && refTarget(q.FunctionName) === logicalId) {
      const queue = attTarget(q.EventSourceArn);
      if (queue === undefined) throw new StackPlanError(`event source ${id}: cannot read its EventSourceArn`);
      const scaling = q.ScalingConfig as { MaximumConcurrency?: unknown } | undefined;
      triggers.push({
        kind: 'sqs',
        queue,
        batchSize: typeof q.BatchSize === 'number' ? q.BatchSize : 10,
        ...(typeof scaling?.MaximumConcurrency === 'number'
          ? { maxConcurrency: scaling.MaximumConcurrency }
          : {}),
      });
    }
    if (r.Type === 'AWS::Lambda::Url' && attTarget(q.TargetFunctionArn) === logicalId) {
      triggers.push({ kind: 'url' });
    }
    if (r.Type === 'AWS::Events::Rule' && typeof q.ScheduleExpression === 'string') {
      const targets = Array.isArray(q.Targets) ? (q.Targets as { Arn?: unknown }[]) : [];
      if (targets.some((t) => attTarget(t.Arn) === logicalId)) {
        triggers.push({ kind: 'schedule', expression: q.ScheduleExpression });
      }
    }
  }
  const service = variables.POWERTOOLS_SERVICE_NAME;
  return {
    logicalId,
    service: typeof service === 'string' ? service : logicalId,
    // Lambda's default timeout is 3 s.
    timeoutSeconds: typeof p.Timeout === 'number' ? p.Timeout : 3,
    resourceEnv,
    triggers,
  };
}

function resourceRef(value: unknown): ResourceRef | undefined {
  const ref = refTarget(value);
  if (ref !== undefined) return { logicalId: ref, attribute: 'Ref' };
  const att = attTarget(value);
  return att === undefined ? undefined : { logicalId: att, attribute: 'Arn' };
}

/** `{"Ref": id}` → id. */
function refTarget(value: unknown): string | undefined {
  const ref = (value as { Ref?: unknown } | null | undefined)?.Ref;
  return typeof ref === 'string' ? ref : undefined;
}

/** `{"Fn::GetAtt": [id, "Arn"]}` → id. */
function attTarget(value: unknown): string | undefined {
  const att = (value as { 'Fn::GetAtt'?: unknown } | null | undefined)?.['Fn::GetAtt'];
  return Array.isArray(att) && att[1] === 'Arn' && typeof att[0] === 'string' ? att[0] : undefined;
}

function optionalNumber<Key extends string>(key: Key, value: unknown): { [K in Key]?: number } {
  return (typeof value === 'number' ? { [key]: value } : {}) as { [K in Key]?: number };
}
