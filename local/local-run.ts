// `npm start`: moto + the stack's resources (from its synthesized template) + the Coindirect simulator +
// every function of the stack from its real handler (pipeline.ts); sample payouts in, each followed to
// COMPLETE or CANCELLED, a results table out.
import { readFile } from 'node:fs/promises';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { findMotoServer, type MotoServer, startMoto } from '#local/moto.ts';
import { sendMessageBodies } from '#shared/producer/send-payouts.ts';
import type { CliIo } from '#tools/lib/cli.ts';
import { receiveAll, releaseMessages } from '#tools/lib/dlq.ts';
import { CliError } from '#tools/lib/errors.ts';
import { detectFormat, type PayoutFileFormat, parsePayoutFile } from '#tools/lib/payout-file.ts';
import { bar, progressLine } from '#tools/lib/progress.ts';
import { type CoindirectTarget, type LocalPipeline, startLocalPipeline } from './pipeline.ts';
import { collectResults, FINAL_OUTCOMES, notFinalAtCoindirect, type SentPayout } from './results.ts';
import { eventLine, printEndpoints, printResults, reportPoll, workerLogger } from './run-output.ts';
import { planFromTemplate, type StackPlan } from './stack-plan.ts';
import { LOCAL_STACK_ENVIRONMENT, synthWorkerTemplate } from './stack-template.ts';

export type { CoindirectTarget } from './pipeline.ts';

export interface LocalRunOptions {
  readonly payoutsFile: string;
  /** Default: from the file name, else from its first character. */
  readonly format?: PayoutFileFormat;
  readonly coindirect: CoindirectTarget;
  readonly addressNetwork?: 'mainnet' | 'testnet';
  readonly keepRunning: boolean;
  readonly json: boolean;
  readonly verbose: boolean;
  /** Give up waiting for final states (the worker's and Coindirect's) after this long. */
  readonly timeoutMs: number;
  /** Seconds before a failed message is retried locally (Lambda uses the worker's backoff). */
  readonly retryDelaySeconds: number;
  /** Simulator only: a payout is final this long after its creation. */
  readonly settleAfterMs?: number;
  /** Simulator only: payouts whose reference ends in this digit are CANCELLED instead of COMPLETE. */
  readonly cancelDigit?: number;
}

/**
 * Runs the pipeline locally and prints the results. Resolves to the exit code: 0 when every payout
 * reached a final state (SUBMITTED, REJECTED, CONFLICT or dead-lettered) and every payout Coindirect
 * holds reached a final Coindirect status (COMPLETE or CANCELLED).
 */
export async function runLocal(options: LocalRunOptions, io: CliIo, signal: AbortSignal): Promise<number> {
  const payouts = await readPayouts(options);
  const say = (text: string): void => void io.stderr.write(`${text}\n`);
  const stack: Array<() => Promise<void>> = [];
  const started = Date.now();
  try {
    say(
      'looking for moto server (the AWS emulator; installed into .venv/ on first use, which takes a minute)…',
    );
    const found = await findMotoServer();
    if ('error' in found) {
      throw new CliError(
        `npm start needs moto server, the AWS emulator (SQS, DynamoDB, Secrets Manager, EventBridge).\n${found.error}`,
      );
    }
    say(
      `starting ${found.command} on a free port, and synthesizing the ${LOCAL_STACK_ENVIRONMENT} worker stack…`,
    );
    const starting = startMoto({ command: found });
    // Handled here so that a failed start during the synth is not an unhandled rejection; awaited below.
    starting.catch(() => undefined);
    stack.push(() => starting.then((moto) => moto.stop()));
    // The synth takes a few seconds of CPU: moto boots in its own process meanwhile.
    let plan: StackPlan;
    try {
      plan = planFromTemplate(await synthWorkerTemplate());
    } catch (error) {
      throw new CliError(
        `could not synthesize the worker stack (${LOCAL_STACK_ENVIRONMENT}) to derive the local resources: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const moto: MotoServer = await starting;
    const logger = workerLogger(io, options.verbose);
    const pipeline = await startLocalPipeline({
      endpoint: moto.endpoint,
      plan,
      coindirect: options.coindirect,
      env: io.env,
      ...(options.addressNetwork === undefined ? {} : { addressNetwork: options.addressNetwork }),
      ...(options.settleAfterMs === undefined ? {} : { settleAfterMs: options.settleAfterMs }),
      ...(options.cancelDigit === undefined ? {} : { cancelDigit: options.cancelDigit }),
      retryDelaySeconds: options.retryDelaySeconds,
      logger,
      say,
      verbose: options.verbose,
    });
    stack.push(() => pipeline.close());
    say(describePlan(plan));
    if (pipeline.sim !== undefined) {
      say(
        `Coindirect simulator on ${pipeline.sim.url}: payouts final after ${options.settleAfterMs ?? 'the default'} ms, ` +
          `CANCELLED when the reference ends in ${options.cancelDigit ?? '(none)'}, signed webhooks to ${pipeline.lifecycle.webhookUrl}`,
      );
    }

    const sent = await enqueue(pipeline.sqs, pipeline.resources.queueUrl, payouts);
    say(
      `enqueued ${sent.filter((s) => s.messageId !== undefined).length} payouts from ${options.payoutsFile}`,
    );

    const deadlineMs = (): number => Math.max(0, options.timeoutMs - (Date.now() - started));
    const drained = await drain(io, options, pipeline, signal, sent.length, deadlineMs());
    if (drained === 'stopped') {
      say('stopped before every payout was final');
      return 130;
    }
    const settled =
      drained === 'empty' ? await followLifecycle(io, pipeline, sent, signal, deadlineMs()) : 'deadline';
    if (settled === 'stopped') {
      say('stopped before every payout was final at Coindirect');
      return 130;
    }
    const { sqs, resources } = pipeline;
    const deadLetters = await receiveAll(sqs, resources.dlqUrl, { holdSeconds: 60, waitSeconds: 0 });
    await releaseMessages(sqs, resources.dlqUrl, deadLetters);
    const results = await collectResults(sent, deadLetters, pipeline.ledger, (reference) =>
      pipeline.events.namesFor(reference),
    );
    printResults(io, options.json, results, drained === 'deadline' || settled === 'deadline');

    if (options.keepRunning) {
      printEndpoints(io, moto.endpoint, pipeline);
      pipeline.events.onEvent((event) => void io.stderr.write(`${eventLine(event)}\n`));
      await pipeline.drainWorker({
        until: 'signal',
        signal,
        onPoll: (poll) => void reportPoll(poll, pipeline.ledger, io),
      });
      say('stopping…');
      return 0;
    }
    const allFinal =
      results.every((r) => FINAL_OUTCOMES.includes(r.outcome)) && notFinalAtCoindirect(results).length === 0;
    return allFinal ? 0 : 1;
  } finally {
    for (const stop of stack.reverse()) await stop().catch(() => undefined);
  }
}

/** One line saying what was derived from the template. */
function describePlan(plan: StackPlan): string {
  const indexes = plan.tables.reduce((n, t) => n + t.globalSecondaryIndexes.length, 0);
  const functions = plan.functions.map((f) => f.service).join(', ');
  return (
    `provisioned on moto from the ${LOCAL_STACK_ENVIRONMENT} worker stack's template: ${plan.queues.length} queues ` +
    `(${plan.queues.filter((q) => q.deadLetter !== undefined).length} with a DLQ), ${plan.tables.length} table ` +
    `(${indexes} index), ${plan.secrets.length} secrets, ${plan.eventBuses.length} event bus + a capture rule; ` +
    `running ${functions}`
  );
}

async function readPayouts(
  options: LocalRunOptions,
): Promise<{ line: number; reference: string; body: string }[]> {
  let text: string;
  try {
    text = await readFile(options.payoutsFile, 'utf8');
  } catch {
    throw new CliError(
      `cannot read ${options.payoutsFile}: give a CSV, JSON array or NDJSON payout file with --payouts`,
    );
  }
  const file = parsePayoutFile(text, options.format ?? detectFormat(options.payoutsFile, text));
  if (file.issues.length > 0) {
    const lines = file.issues.map((i) => `  line ${i.line} ${i.field}: ${i.reason}`);
    throw new CliError(`${options.payoutsFile} has rows that cannot be read:\n${lines.join('\n')}`);
  }
  if (file.rows.length === 0) throw new CliError(`${options.payoutsFile} holds no payouts`);
  return file.rows.map((row) => {
    const reference = (row.value as { reference?: unknown } | null)?.reference;
    return {
      line: row.line,
      reference: typeof reference === 'string' ? reference : `(line ${row.line})`,
      body: JSON.stringify(row.value),
    };
  });
}

async function enqueue(
  sqs: SQSClient,
  queueUrl: string,
  payouts: readonly { line: number; reference: string; body: string }[],
): Promise<SentPayout[]> {
  // Sent as written, not validated: the point is to watch the worker accept and reject them.
  const results = await sendMessageBodies(
    sqs,
    queueUrl,
    payouts.map((p) => p.body),
  );
  return payouts.map((p, i) => {
    const result = results[i];
    return result?.ok === true
      ? { line: p.line, reference: p.reference, messageId: result.messageId }
      : {
          line: p.line,
          reference: p.reference,
          sendError: result?.ok === false ? result.reason : 'not sent',
        };
  });
}

async function drain(
  io: CliIo,
  options: LocalRunOptions,
  pipeline: LocalPipeline,
  signal: AbortSignal,
  total: number,
  deadlineMs: number,
) {
  const progress = progressLine(io.stderr, { lineEveryMs: 2_000 });
  const started = Date.now();
  const retrying = new Set<string>();
  let invocationErrors = 0;
  const end = await pipeline.drainWorker({
    until: 'empty',
    signal,
    deadlineMs,
    onPoll: (poll) => {
      for (const record of poll.records) {
        if (record.failed) retrying.add(record.messageId);
        else retrying.delete(record.messageId);
      }
      if (poll.invocationError !== undefined && invocationErrors++ === 0) {
        const why = poll.invocationError instanceof Error ? poll.invocationError.message : 'unknown error';
        io.stderr.write(`\nworker invocation failed (messages stay queued, as on Lambda): ${why}\n`);
      }
    },
    onTick: (inQueue) => {
      const final = Math.max(0, total - inQueue);
      const seconds = ((Date.now() - started) / 1000).toFixed(0);
      progress.update(
        `[${seconds}s] ${bar(final, total)} ${final}/${total} through the worker` +
          (retrying.size > 0 ? ` · ${retrying.size} waiting to retry` : ''),
      );
    },
  });
  progress.done(end === 'deadline' ? `gave up waiting after ${options.timeoutMs / 1000} s` : undefined);
  return end;
}

/** Waits for Coindirect to settle every payout it holds and for their events; shows progress. */
async function followLifecycle(
  io: CliIo,
  pipeline: LocalPipeline,
  sent: readonly SentPayout[],
  signal: AbortSignal,
  deadlineMs: number,
) {
  const references = [...new Set(sent.filter((s) => s.messageId !== undefined).map((s) => s.reference))];
  const progress = progressLine(io.stderr, { lineEveryMs: 2_000 });
  const started = Date.now();
  const end = await pipeline.settle(references, {
    deadlineMs,
    signal,
    onTick: (settled) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(0);
      progress.update(
        `[${seconds}s] ${bar(settled, references.length)} ${settled}/${references.length} references final at Coindirect, events published`,
      );
    },
  });
  progress.done(end === 'deadline' ? 'gave up waiting for Coindirect to settle every payout' : undefined);
  return end;
}
