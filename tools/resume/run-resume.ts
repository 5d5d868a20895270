// `npm run resume -- --env NAME`: undoes `npm run pause`. Payouts waiting in the queue are sent again.
import { AWS_FLAGS_USAGE, parseOperatorFlags } from '../lib/aws-flags.ts';
import { type CliIo, type Command, runCommand, validateFlags } from '../lib/cli.ts';
import { UsageError } from '../lib/errors.ts';
import type { AwsOptions } from '../lib/stack.ts';
import {
  operatorName,
  resolveTargets,
  SWITCH_PARSE_OPTIONS,
  SWITCH_TARGET_HELP,
  type SwitchFlags,
  setEventSources,
  switchFlagsSchema,
  withControlFlag,
} from '../pause/kill-switch.ts';
import { finish, type SwitchDeps } from '../pause/run-pause.ts';

export const RESUME_USAGE = `usage: npm run resume -- (--env NAME | --table NAME) [options]

Undoes npm run pause: clears the pause flag (item #control of the ledger table; every worker container
sees it within 5 s), then enables the worker's SQS event source mapping again, and tells the alarm topic
who resumed and when. Payouts that waited in the queue are then sent, each exactly once.

options:
${SWITCH_TARGET_HELP}

${AWS_FLAGS_USAGE}

exit codes: 0 resumed (flag cleared, mapping enabled, topic told); 1 something failed: the message says
what is and is not done; 2 wrong usage.

examples:
  npm run resume -- --env production`;

export function resumeCommand(deps: SwitchDeps = {}): Command {
  return {
    usage: RESUME_USAGE,
    run: (argv, io) =>
      runCommand(io, RESUME_USAGE, async () => {
        const { values, positionals, aws } = parseOperatorFlags(argv, io, deps.aws, SWITCH_PARSE_OPTIONS);
        if (values.help) {
          io.stdout.write(`${RESUME_USAGE}\n`);
          return 0;
        }
        if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
        return resume(validateFlags(switchFlagsSchema, values), aws, io, deps);
      }),
  };
}

async function resume(flags: SwitchFlags, aws: AwsOptions, io: CliIo, deps: SwitchDeps): Promise<number> {
  const targets = await resolveTargets(aws, flags);
  const by = deps.operator ?? operatorName(io.env);
  // The flag first, then the mapping: a mapping enabled while the flag is still set would hand records
  // to a worker that can only send them back, each receive counting towards the queue's maxReceiveCount.
  const { before, state } = await withControlFlag(aws, targets.table, async (flag) => ({
    before: await flag.read(),
    state: await flag.resume({ by, at: (deps.clock ?? Date.now)() }),
  }));
  const was = before.paused
    ? `They had been paused by ${before.by ?? '?'} at ${before.at ?? '?'}: ${before.reason ?? 'no reason given'}`
    : 'They were not paused.';
  return finish(
    { action: 'resume', state, targets, flags, io, aws },
    () => (targets.functionName === undefined ? undefined : setEventSources(aws, targets.functionName, true)),
    `Payouts resumed by ${by}`,
    [`Payouts were resumed by ${by} at ${state.at}.`, was, `Ledger table: ${targets.table}`].join('\n'),
  );
}
