// `npm run pause -- --env NAME --reason TEXT`: the kill switch. Stops every payout before its next POST.
import { z } from 'zod';
import type { PauseState } from '#shared/ledger/control.ts';
import { AWS_FLAGS_USAGE, parseOperatorFlags } from '../lib/aws-flags.ts';
import { type CliIo, type Command, runCommand, validateFlags } from '../lib/cli.ts';
import { CliError, UsageError } from '../lib/errors.ts';
import type { AwsOptions } from '../lib/stack.ts';
import {
  describeState,
  type MappingChange,
  notifyTopic,
  operatorName,
  resolveTargets,
  SWITCH_PARSE_OPTIONS,
  SWITCH_TARGET_HELP,
  type SwitchFlags,
  setEventSources,
  switchFlagsSchema,
  withControlFlag,
} from './kill-switch.ts';

export const PAUSE_USAGE = `usage: npm run pause -- (--env NAME | --table NAME) --reason TEXT [options]

Stops payouts now. Sets the pause flag (item #control of the ledger table): every worker container sees
it within 5 s and sends each record it then holds back to the queue unsent, with no attempt counted.
Then disables the worker's SQS event source mapping, so no more records are taken from the queue, and
tells the alarm topic who paused, when and why. Payouts wait in the queue until npm run resume.

options:
  --reason TEXT           why (required): shown by payout-status and in the notice
${SWITCH_TARGET_HELP}

${AWS_FLAGS_USAGE}

exit codes: 0 paused (flag set, mapping disabled, topic told); 1 something failed: the message says what
is and is not done (the flag, set first, stops payouts on its own); 2 wrong usage.

examples:
  npm run pause -- --env production --reason "wrong amounts from the payroll export, INC-2231"
  npm run pause -- --table payouts-ledger --reason "local test"    # a local run (docs/local.md)`;

const flagsSchema = switchFlagsSchema.extend({
  reason: z
    .string({ error: 'is required: say why payouts are paused (it is shown to whoever resumes them)' })
    .trim()
    .min(3, 'must say why, in at least 3 characters')
    .max(500, 'must be at most 500 characters'),
});
type Flags = z.infer<typeof flagsSchema>;

export interface SwitchDeps {
  readonly aws?: AwsOptions;
  /** Who runs the command; default the OS user and AWS profile of `io.env`. */
  readonly operator?: string;
  readonly clock?: () => number;
}

export function pauseCommand(deps: SwitchDeps = {}): Command {
  return {
    usage: PAUSE_USAGE,
    run: (argv, io) =>
      runCommand(io, PAUSE_USAGE, async () => {
        const { values, positionals, aws } = parseOperatorFlags(argv, io, deps.aws, {
          ...SWITCH_PARSE_OPTIONS,
          reason: { type: 'string' },
        });
        if (values.help) {
          io.stdout.write(`${PAUSE_USAGE}\n`);
          return 0;
        }
        if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
        return pause(validateFlags(flagsSchema, values), aws, io, deps);
      }),
  };
}

async function pause(flags: Flags, aws: AwsOptions, io: CliIo, deps: SwitchDeps): Promise<number> {
  const targets = await resolveTargets(aws, flags);
  const by = deps.operator ?? operatorName(io.env);
  const at = (deps.clock ?? Date.now)();
  // The flag first: it is what holds every POST, including those of batches the mapping already handed
  // to the worker. Should disabling the mapping then fail, payouts are stopped all the same (records
  // just keep coming back); the other way round, a failed flag write would leave payouts flowing.
  const state = await withControlFlag(aws, targets.table, (flag) =>
    flag.pause({ reason: flags.reason, by, at }),
  );
  return finish(
    { action: 'pause', state, targets, flags, io, aws },
    () =>
      targets.functionName === undefined ? undefined : setEventSources(aws, targets.functionName, false),
    `Payouts PAUSED by ${by}`,
    [
      `Payouts were paused by ${by} at ${state.at}.`,
      `Reason: ${flags.reason}`,
      `Ledger table: ${targets.table}`,
      '',
      'Nothing is sent until someone runs npm run resume; payouts wait in the queue.',
      'How to check and undo: docs/operations.md, "pause and resume".',
    ].join('\n'),
  );
}

interface SwitchRun {
  readonly action: 'pause' | 'resume';
  readonly state: PauseState;
  readonly targets: { readonly table: string; readonly functionName?: string; readonly topicArn?: string };
  readonly flags: SwitchFlags;
  readonly io: CliIo;
  readonly aws: AwsOptions;
}

/**
 * The steps after the flag: the event source mapping, then the notice. Each is tried even when an
 * earlier one failed, and the report says which were done, so the operator knows what is left.
 */
export async function finish(
  run: SwitchRun,
  changeMappings: () => Promise<MappingChange[]> | undefined,
  subject: string,
  message: string,
): Promise<number> {
  const { state, targets, io } = run;
  const problems: string[] = [];
  let mappings: MappingChange[] | undefined;
  try {
    mappings = await changeMappings();
  } catch (error) {
    problems.push(`the event source mapping of ${targets.functionName} was not changed: ${text(error)}`);
  }
  let notified = false;
  if (targets.topicArn !== undefined) {
    try {
      await notifyTopic(run.aws, targets.topicArn, subject, message);
      notified = true;
    } catch (error) {
      problems.push(`the alarm topic was not told: ${text(error)}`);
    }
  }
  if (run.flags.json) {
    io.stdout.write(
      `${JSON.stringify({
        ...state,
        table: targets.table,
        mappings: mappings ?? null,
        topicArn: targets.topicArn ?? null,
        notified,
        problems,
      })}\n`,
    );
  } else {
    io.stdout.write(`${describeState(state)}\n`);
    io.stdout.write(`  flag       #control in ${targets.table}\n`);
    if (mappings !== undefined) {
      for (const m of mappings) io.stdout.write(`  mapping    ${m.uuid} (${m.queueArn}): ${m.state}\n`);
    } else if (targets.functionName === undefined) {
      io.stdout.write('  mapping    none named (no --env or --function-name): left as it is\n');
    }
    io.stdout.write(
      `  notice     ${notified ? `sent to ${targets.topicArn}` : targets.topicArn === undefined ? 'no topic named (no --env or --topic-arn)' : 'NOT sent'}\n`,
    );
  }
  if (problems.length > 0) {
    const again = run.action === 'pause' ? 'payouts ARE paused (the flag is set); ' : 'the flag is cleared; ';
    throw new CliError(`${again}but ${problems.join('; and ')}. Fix that and run the command again.`);
  }
  return 0;
}

function text(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : 'unknown failure';
}
