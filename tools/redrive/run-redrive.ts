// `npm run redrive -- --env NAME`: list the DLQ by reason and move messages back to the payout queue.
import { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { AWS_FLAGS_USAGE, parseOperatorFlags } from '../lib/aws-flags.ts';
import { type CliIo, type Command, runCommand, validateFlags } from '../lib/cli.ts';
import {
  type DeadLetterMessage,
  groupByReason,
  type MoveReport,
  moveMessages,
  RECEIVE_LIMIT_CODE,
  type ReasonGroup,
  receiveAll,
  releaseMessages,
} from '../lib/dlq.ts';
import { CliError, UsageError } from '../lib/errors.ts';
import { progressLine } from '../lib/progress.ts';
import { confirm } from '../lib/prompt.ts';
import { resolveFromStack } from '../lib/resolve-stack.ts';
import { type AwsOptions, STACK_OUTPUT } from '../lib/stack.ts';
import { count, formatTable } from '../lib/table.ts';

export const REDRIVE_USAGE = `usage: npm run redrive -- (--env NAME | --dlq-url URL --queue-url URL) [options]

Lists the dead-letter queue grouped by the reason the worker gave (message attributes reasonCode and
outcome; messages SQS moved itself after maxReceiveCount transient failures form the group
${RECEIVE_LIMIT_CODE}), then moves messages back to the payout queue: receive, send (body unchanged),
delete. Redrive once the cause is fixed (a raised cap, funds topped up, a new key): an unfixed message
only fails again. A redriven payout is never paid twice: the worker's ledger sees to that.

options:
  --env NAME            a deployed environment: both queues from stack CoindirectPayouts-NAME-Worker
  --stack NAME          with --env: the stack to read instead
  --dlq-url URL         the dead-letter queue (instead of the stack output DeadLetterQueueUrl)
  --queue-url URL       where to move them (instead of the stack output PayoutQueueUrl)
  --reason CODE         move only messages with this reasonCode (repeatable); default: all
  --list                only list; move nothing
  --yes                 do not ask for confirmation (needed when stdin is not a terminal)
  --json                print the listing and the outcome as one JSON document
  --output json|text    --output json is --json; text is the default (alias: table)
  -h, --help            show this help

${AWS_FLAGS_USAGE}

exit codes: 0 listed, or every selected message moved; 1 some could not be moved, nothing matched
--reason, the move was declined, or an AWS error (the message says what to do); 2 wrong usage.

examples:
  npm run redrive -- --env staging --list
  npm run redrive -- --env staging --reason INVALID_MESSAGE
  npm run redrive -- --dlq-url "$DLQ_URL" --queue-url "$QUEUE_URL" --yes`;

const flagsSchema = z.object({
  env: z.string().optional(),
  stack: z.string().min(1).optional(),
  'dlq-url': z.url('must be a queue URL').optional(),
  'queue-url': z.url('must be a queue URL').optional(),
  reason: z.array(z.string().min(1)).default([]),
  list: z.boolean().default(false),
  yes: z.boolean().default(false),
  json: z.boolean().default(false),
});

export interface RedriveDeps {
  readonly aws?: AwsOptions;
  /**
   * Long-poll wait of each receive, seconds. Default 1: on SQS an empty short poll does not prove the
   * queue empty. An emulator that answers exactly (moto) can use 0.
   */
  readonly waitSeconds?: number;
}

export function redriveCommand(deps: RedriveDeps = {}): Command {
  return {
    usage: REDRIVE_USAGE,
    run: (argv, io) =>
      runCommand(io, REDRIVE_USAGE, async () => {
        const { values, positionals, aws } = parseOperatorFlags(argv, io, deps.aws, {
          env: { type: 'string' },
          stack: { type: 'string' },
          'dlq-url': { type: 'string' },
          'queue-url': { type: 'string' },
          reason: { type: 'string', multiple: true },
          list: { type: 'boolean' },
          yes: { type: 'boolean' },
          json: { type: 'boolean' },
        });
        if (values.help) {
          io.stdout.write(`${REDRIVE_USAGE}\n`);
          return 0;
        }
        if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
        const flags = validateFlags(flagsSchema, values);
        const { 'dlq-url': dlqUrl, 'queue-url': queueUrl } = await resolveFromStack(aws, flags, {
          'dlq-url': STACK_OUTPUT.dlqUrl,
          'queue-url': STACK_OUTPUT.queueUrl,
        });
        if (dlqUrl === undefined || (queueUrl === undefined && !flags.list)) {
          throw new UsageError('say which queues: --env NAME, or --dlq-url URL and --queue-url URL');
        }
        const sqs = new SQSClient(aws);
        try {
          return await redrive(
            sqs,
            { dlqUrl, queueUrl: queueUrl ?? '', waitSeconds: deps.waitSeconds ?? 1, ...flags },
            io,
          );
        } finally {
          sqs.destroy();
        }
      }),
  };
}

interface RedriveRequest {
  readonly dlqUrl: string;
  readonly queueUrl: string;
  readonly reason: readonly string[];
  readonly list: boolean;
  readonly yes: boolean;
  readonly json: boolean;
  readonly waitSeconds: number;
}

async function redrive(sqs: SQSClient, request: RedriveRequest, io: CliIo): Promise<number> {
  // Look first, hiding the messages only briefly, then put them back.
  const listed = await receiveAll(sqs, request.dlqUrl, { holdSeconds: 60, waitSeconds: request.waitSeconds });
  await releaseMessages(sqs, request.dlqUrl, listed);
  const groups = groupByReason(listed);
  const matches = (m: { reasonCode: string }): boolean =>
    request.reason.length === 0 || request.reason.includes(m.reasonCode);
  const selectedCount = listed.filter(matches).length;
  const print = (move?: MoveReport): void => printReport(io, request, groups, selectedCount, move);

  if (request.list || listed.length === 0) {
    print();
    return 0;
  }
  if (selectedCount === 0) {
    print();
    const present = groups.map((g) => g.reasonCode).join(', ');
    throw new CliError(
      `no message in the DLQ has reasonCode ${request.reason.join(' or ')}; present: ${present}`,
    );
  }
  if (!request.json) print();
  if (!request.yes) {
    const which = request.reason.length === 0 ? 'all' : request.reason.join(', ');
    const ok = await confirm(
      io,
      `Move ${count(selectedCount)} messages (${which}) back to ${request.queueUrl}?`,
    );
    if (!ok) throw new CliError('nothing was moved (not confirmed)');
  }

  const progress = progressLine(io.stderr);
  const held = await receiveAll(sqs, request.dlqUrl, { holdSeconds: 300, waitSeconds: request.waitSeconds });
  const selected: DeadLetterMessage[] = [];
  const others: DeadLetterMessage[] = [];
  for (const m of held) (matches(m) ? selected : others).push(m);
  await releaseMessages(sqs, request.dlqUrl, others);
  const move = await moveMessages(sqs, request.dlqUrl, request.queueUrl, selected, (done) =>
    progress.update(`moving ${count(done)}/${count(selected.length)}`),
  );
  progress.done();
  if (request.json) print(move);
  else printMove(io, move, request.queueUrl);
  return move.notSent.length === 0 && move.notDeleted.length === 0 ? 0 : 1;
}

function printReport(
  io: CliIo,
  request: RedriveRequest,
  groups: readonly ReasonGroup[],
  selected: number,
  move?: MoveReport,
): void {
  if (request.json) {
    io.stdout.write(
      `${JSON.stringify({ dlqUrl: request.dlqUrl, queueUrl: request.queueUrl || null, groups, selected, ...(move === undefined ? {} : { move }) })}\n`,
    );
    return;
  }
  const total = groups.reduce((sum, g) => sum + g.count, 0);
  if (total === 0) {
    io.stdout.write(`the DLQ ${request.dlqUrl} is empty\n`);
    return;
  }
  io.stdout.write(
    `${count(total)} messages in the DLQ ${request.dlqUrl}:\n${formatTable(
      ['reasonCode', 'outcome', 'count', 'example reference', 'example reason'],
      groups.map((g) => [g.reasonCode, g.outcome, count(g.count), g.sampleReference ?? '-', g.sampleReason]),
      { maxCellWidth: 90 },
    )}\n`,
  );
}

function printMove(io: CliIo, move: MoveReport, queueUrl: string): void {
  const lines = [
    `moved ${count(move.moved)} messages to ${queueUrl}; the worker picks them up within seconds.`,
  ];
  if (move.notSent.length > 0) {
    lines.push(`${count(move.notSent.length)} could not be sent and stay in the DLQ:`);
    for (const m of move.notSent) lines.push(`  ${m.messageId}: ${m.reason}`);
  }
  if (move.notDeleted.length > 0) {
    lines.push(
      `${count(move.notDeleted.length)} were sent but could not be deleted from the DLQ (a copy stays there; redriving it again is harmless):`,
    );
    for (const m of move.notDeleted) lines.push(`  ${m.messageId}: ${m.reason}`);
  }
  io.stdout.write(`${lines.join('\n')}\n`);
}
