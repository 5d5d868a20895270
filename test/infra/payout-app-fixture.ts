import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { definePayoutApp, type PayoutApp } from '#infra/payout-app.ts';

// The cdk.json reading lives apart so tests that need no aws-cdk-lib (tools/deploy) can load it cheaply.
export {
  ADOPTED_ALLOCATION_IDS,
  adoptingEnvironment,
  cdkContext,
  environmentNames,
  rawEnvironment,
} from './cdk-json.ts';

import { cdkContext } from './cdk-json.ts';

export interface SynthOptions {
  /** Run esbuild for the worker; off by default, as aws-cdk-lib's own tests do. */
  readonly bundling?: boolean;
  /**
   * Run CDK's built-in CloudFormation template validation at synth, as `cdk synth` does. Off by default:
   * it adds about a second per synth, so one dedicated test covers it.
   */
  readonly cloudFormationValidation?: boolean;
  /** Replace the environment's cdk.json block with this one. */
  readonly environment?: Record<string, unknown>;
}

export interface SynthesizedPayoutApp extends PayoutApp {
  readonly app: App;
  readonly worker: Template;
  /** Undefined when the environment adopts existing Elastic IPs (no EgressIps stack then). */
  readonly egressIps: Template | undefined;
}

/**
 * Defines the payout app for one environment on a fresh App, from cdk.json, and synthesizes it. The cdk-nag
 * checks the app registers run in that synth, so a violation fails it.
 */
export function synthPayoutApp(name: string, options: SynthOptions = {}): SynthesizedPayoutApp {
  const environments = cdkContext.environments as Record<string, unknown>;
  const app = new App({
    builtinCloudFormationValidation: options.cloudFormationValidation ?? false,
    context: {
      ...cdkContext,
      env: name,
      environments: options.environment ? { ...environments, [name]: options.environment } : environments,
      ...(options.bundling ? {} : { 'aws:cdk:bundling-stacks': [] }),
    },
  });
  const payoutApp = definePayoutApp(app);
  return {
    ...payoutApp,
    app,
    worker: Template.fromStack(payoutApp.workerStack),
    egressIps: payoutApp.egressIpStack ? Template.fromStack(payoutApp.egressIpStack) : undefined,
  };
}

/** Logical IDs a template value points at through `Ref` or `Fn::GetAtt`, however deeply nested. */
export function referencedIds(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(referencedIds);
  if (typeof value !== 'object' || value === null) return [];
  const record = value as Record<string, unknown>;
  if (typeof record.Ref === 'string') return [record.Ref];
  const getAtt = record['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return [getAtt[0]];
  return Object.values(record).flatMap(referencedIds);
}

/**
 * The one logical ID of a resource of `type` whose properties match `props` (and whose logical ID starts
 * with `idPrefix`, the construct path, when given); fails on none or several.
 */
export function logicalIdOf(
  template: Template,
  type: string,
  props: Record<string, unknown> = {},
  idPrefix = '',
): string {
  const ids = Object.keys(template.findResources(type, { Properties: props })).filter((id) =>
    id.startsWith(idPrefix),
  );
  if (ids.length !== 1)
    throw new Error(`expected one ${type} matching, found ${ids.length}: ${ids.join(', ')}`);
  return ids[0] as string;
}

/** One IAM policy statement as synthesized. */
export interface PolicyStatement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

/** The statements of IAM policy resources, as returned by `Template.findResources`. */
export function statementsOf(policies: Record<string, unknown>): PolicyStatement[] {
  return Object.values(policies).flatMap((policy) => {
    const properties = (policy as { Properties?: { PolicyDocument?: { Statement?: PolicyStatement[] } } })
      .Properties;
    return properties?.PolicyDocument?.Statement ?? [];
  });
}

/** X-Ray's write actions, which active tracing grants on '*' (they have no resource-level permissions). */
export const TRACING_ACTIONS = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'] as const;

/** The statements other than the tracing grant; a statement on '*' must be exactly that grant. */
export function withoutTracingGrant(statements: readonly PolicyStatement[]): PolicyStatement[] {
  return statements.filter((statement) => {
    if (statement.Resource !== '*') return true;
    const actions = [statement.Action].flat().sort();
    if (JSON.stringify(actions) !== JSON.stringify(TRACING_ACTIONS)) {
      throw new Error(`a grant on '*' other than X-Ray's: ${JSON.stringify(statement)}`);
    }
    return false;
  });
}

/** A resource of a synthesized template, with the parts the tests read. */
export interface TemplateResource {
  readonly Type?: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

/**
 * Logical-ID prefixes (construct paths) of the payout worker's own resources, telling them apart from the
 * lifecycle's queue, DLQ, secret and functions of the same types.
 */
export const WORKER_IDS = {
  function: 'WorkerFunction',
  queue: 'QueuesPayoutQueue',
  deadLetterQueue: 'QueuesDeadLetterQueue',
  hawkSecret: 'HawkSecret',
} as const;
