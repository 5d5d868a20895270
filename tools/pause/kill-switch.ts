// What `npm run pause` and `npm run resume` share: the targets (ledger table, worker function, alarm
// topic) from flags or the stack, the worker's event source mappings, the alarm-topic notice and who
// the operator is.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type EventSourceMappingConfiguration,
  LambdaClient,
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { z } from 'zod';
import { ControlFlag, type PauseState } from '#shared/ledger/control.ts';
import { UsageError } from '../lib/errors.ts';
import { resolveFromStack } from '../lib/resolve-stack.ts';
import { type AwsOptions, STACK_OUTPUT } from '../lib/stack.ts';

/** The flags both commands take. */
export const switchFlagsSchema = z.object({
  env: z.string().optional(),
  stack: z.string().min(1).optional(),
  table: z.string().min(3).optional(),
  'function-name': z.string().min(1).optional(),
  'topic-arn': z.string().startsWith('arn:', 'must be an SNS topic ARN').optional(),
  json: z.boolean().default(false),
});
export type SwitchFlags = z.infer<typeof switchFlagsSchema>;

export const SWITCH_PARSE_OPTIONS = {
  env: { type: 'string' },
  stack: { type: 'string' },
  table: { type: 'string' },
  'function-name': { type: 'string' },
  'topic-arn': { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const SWITCH_TARGET_HELP = `  --env NAME              a deployed environment: table, worker and topic from stack CoindirectPayouts-NAME-Worker
  --stack NAME            with --env: the stack to read instead
  --table NAME            the ledger table (instead of the stack output LedgerTableName)
  --function-name NAME    the worker function (instead of the stack output WorkerFunctionName); without it
                          and without --env, no event source mapping is changed (local runs)
  --topic-arn ARN         the alarm topic to tell (instead of the stack output AlarmTopicArn); without it
                          and without --env, nobody is told
  --json                  print the outcome as one JSON document
  --output json|text      --output json is --json; text is the default (alias: table)
  -h, --help              show this help`;

/** Where the switch acts. The table is required; the function and topic only when known. */
export interface SwitchTargets {
  readonly table: string;
  readonly functionName?: string;
  readonly topicArn?: string;
}

export async function resolveTargets(aws: AwsOptions, flags: SwitchFlags): Promise<SwitchTargets> {
  const found = await resolveFromStack(aws, flags, {
    table: STACK_OUTPUT.tableName,
    'function-name': STACK_OUTPUT.functionName,
    'topic-arn': STACK_OUTPUT.alarmTopicArn,
  });
  if (found.table === undefined) throw new UsageError('say which ledger: --env NAME or --table NAME');
  return {
    table: found.table,
    ...(found['function-name'] === undefined ? {} : { functionName: found['function-name'] }),
    ...(found['topic-arn'] === undefined ? {} : { topicArn: found['topic-arn'] }),
  };
}

/** Reads and writes the `#control` flag of `table`. */
export async function withControlFlag<T>(
  aws: AwsOptions,
  table: string,
  act: (flag: ControlFlag) => Promise<T>,
): Promise<T> {
  const client = new DynamoDBClient(aws);
  try {
    return await act(new ControlFlag({ client, tableName: table }));
  } finally {
    client.destroy();
  }
}

/** One event source mapping after the change: its id, queue and the state Lambda reported. */
export interface MappingChange {
  readonly uuid: string;
  readonly queueArn: string;
  readonly state: string;
}

/**
 * Enables or disables every event source mapping of `functionName` (the worker has one, its payout
 * queue). Lambda answers `Disabling`/`Enabling` at first; the change completes within seconds, and
 * batches already handed to the worker run to their end (the pause flag holds their POSTs).
 */
export async function setEventSources(
  aws: AwsOptions,
  functionName: string,
  enabled: boolean,
): Promise<MappingChange[]> {
  const lambda = new LambdaClient(aws);
  try {
    const mappings: EventSourceMappingConfiguration[] = [];
    let marker: string | undefined;
    do {
      const page = await lambda.send(
        new ListEventSourceMappingsCommand({
          FunctionName: functionName,
          ...(marker ? { Marker: marker } : {}),
        }),
      );
      mappings.push(...(page.EventSourceMappings ?? []));
      marker = page.NextMarker;
    } while (marker);
    if (mappings.length === 0) {
      throw new Error(`function ${functionName} has no event source mapping: is it the payout worker?`);
    }
    const changes: MappingChange[] = [];
    for (const mapping of mappings) {
      const out = await lambda.send(
        new UpdateEventSourceMappingCommand({ UUID: mapping.UUID, Enabled: enabled }),
      );
      changes.push({
        uuid: out.UUID ?? mapping.UUID ?? '',
        queueArn: out.EventSourceArn ?? mapping.EventSourceArn ?? '',
        state: out.State ?? 'unknown',
      });
    }
    return changes;
  } finally {
    lambda.destroy();
  }
}

/** Tells the alarm topic (and so its email subscribers) about the change. */
export async function notifyTopic(
  aws: AwsOptions,
  topicArn: string,
  subject: string,
  message: string,
): Promise<void> {
  const sns = new SNSClient(aws);
  try {
    // SNS subjects are at most 100 characters.
    await sns.send(
      new PublishCommand({ TopicArn: topicArn, Subject: subject.slice(0, 100), Message: message }),
    );
  } finally {
    sns.destroy();
  }
}

/**
 * Who runs the command, for the flag and the notice: the operating-system user, and the AWS profile
 * when one is set. (The caller's IAM identity would be better; the project does not ship the STS client.)
 */
export function operatorName(env: Readonly<Record<string, string | undefined>>): string {
  const user = env.USER ?? env.USERNAME ?? env.LOGNAME ?? 'unknown user';
  return env.AWS_PROFILE ? `${user} (AWS profile ${env.AWS_PROFILE})` : user;
}

/** The flag as lines for the terminal. */
export function describeState(state: PauseState): string {
  if (!state.paused) {
    return `payouts are running${state.by === undefined ? '' : ` (resumed by ${state.by} at ${state.at ?? '?'})`}`;
  }
  return `PAUSED by ${state.by ?? '?'} at ${state.at ?? '?'}: ${state.reason ?? 'no reason given'}`;
}
