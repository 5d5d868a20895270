// What a local run prints: the results, the endpoints and events of --keep-running, and the functions' log.
import type { Ledger } from '#shared/ledger/ledger.ts';
import { EVENT_SOURCE } from '#shared/lifecycle/events.ts';
import type { LoggerPort, MetricsPort } from '#shared/processing/ports.ts';
import type { CliIo } from '#tools/lib/cli.ts';
import type { CapturedEvent } from './event-capture.ts';
import type { LocalPipeline } from './pipeline.ts';
import type { PollResult } from './poller.ts';
import {
  FINAL_OUTCOMES,
  type LocalResult,
  notFinalAtCoindirect,
  resultsJson,
  resultsText,
} from './results.ts';

/** The results table and totals, or with `json` the `--json` document; then what is not final, if any. */
export function printResults(
  io: CliIo,
  json: boolean,
  results: readonly LocalResult[],
  timedOut: boolean,
): void {
  if (json) io.stdout.write(`${resultsJson(results)}\n`);
  else io.stdout.write(`\n${resultsText(results)}\n`);
  // With --json stdout holds the document only: the explanation goes to stderr.
  const out = json ? io.stderr : io.stdout;
  const unfinished = results.filter((r) => !FINAL_OUTCOMES.includes(r.outcome));
  const open = notFinalAtCoindirect(results);
  if (unfinished.length > 0 || (timedOut && open.length === 0)) {
    out.write(
      `some payouts are not final${unfinished.length > 0 ? `: ${unfinished.map((r) => r.reference).join(', ')}` : ''}; rerun with --verbose to see the functions' log, or a larger --timeout\n`,
    );
  }
  if (open.length > 0) {
    out.write(
      `not final at Coindirect: ${open.map((o) => `${o.reference} (${o.coindirectStatus})`).join(', ')}; rerun with --verbose, or a larger --timeout\n`,
    );
  }
}

/** What a producer needs to talk to the local pipeline (`--keep-running`). */
export function printEndpoints(io: CliIo, endpoint: string, pipeline: LocalPipeline): void {
  const { resources, lifecycle, sim } = pipeline;
  const awsEnv = `AWS_ENDPOINT_URL=${endpoint} AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing`;
  io.stderr.write(
    [
      '',
      'Still running (Ctrl-C stops everything). Point a producer at:',
      `  ${awsEnv}`,
      `  payout queue         ${resources.queueUrl}`,
      `  DLQ                  ${resources.dlqUrl}`,
      `  ledger table         ${resources.tableName}`,
      `  HAWK secret          ${resources.secretId}`,
      `  webhook URL          ${lifecycle.webhookUrl}  (the receiver's Function URL; secret ${lifecycle.webhookSecretId})`,
      `  status queue         ${lifecycle.statusQueueUrl}`,
      `  event bus            ${lifecycle.eventBusName}  (source ${EVENT_SOURCE}; add your own rules)`,
      `  event capture queue  ${lifecycle.captureQueueUrl}  (every lifecycle event; read here, one line each below)`,
      ...(sim === undefined
        ? []
        : [`  simulator            ${sim.url}  (admin API: ${sim.url}/__sim/payouts)`]),
      'for example:',
      `  ${awsEnv} npm run enqueue -- examples/payouts.json --queue-url ${resources.queueUrl}`,
      `  ${awsEnv} npm run payout-status -- sample-btc-0001 --table ${resources.tableName}`,
      `  ${awsEnv} npm run redrive -- --dlq-url ${resources.dlqUrl} --queue-url ${resources.queueUrl}`,
      `  ${awsEnv} npm run pause -- --table ${resources.tableName} --reason "trying the kill switch"`,
      `  ${awsEnv} npm run resume -- --table ${resources.tableName}`,
      '',
    ].join('\n'),
  );
}

/** One line per lifecycle event as it arrives (`--keep-running`). */
export function eventLine(event: CapturedEvent): string {
  const status = event.status ?? '';
  const detail = event.uuid ?? event.reasonCode ?? '';
  return `event     ${event.name.padEnd(16)} ${event.reference} ${status}${detail === '' ? '' : ` ${detail}`}`;
}

/** One line per message the worker finished with, in `--keep-running` mode. */
export async function reportPoll(poll: PollResult, ledger: Ledger, io: CliIo): Promise<void> {
  for (const record of poll.records) {
    const reference = (() => {
      try {
        const value = JSON.parse(record.body) as { reference?: unknown };
        return typeof value.reference === 'string' ? value.reference : undefined;
      } catch {
        return undefined;
      }
    })();
    const entry = reference === undefined ? undefined : await ledger.get(reference).catch(() => undefined);
    const name = reference ?? `message ${record.messageId}`;
    if (record.failed)
      io.stderr.write(
        `retry     ${name} (receive ${record.receiveCount}): ${entry?.lastError ?? 'see --verbose'}\n`,
      );
    else if (entry?.state === 'SUBMITTED') io.stderr.write(`SUBMITTED ${name} ${entry.uuid ?? ''}\n`);
    else
      io.stderr.write(
        `${entry?.state ?? 'REJECTED'}  ${name}: ${entry?.reason ?? 'rejected; see the DLQ'}\n`,
      );
  }
}

export const NO_METRICS: MetricsPort = { count: () => undefined };

/** The worker's log: JSON lines on stderr with --verbose, otherwise nowhere. */
export function workerLogger(io: CliIo, verbose: boolean): LoggerPort {
  const write =
    (level: string) =>
    (message: string, ...extra: Record<string, unknown>[]) => {
      if (verbose) io.stderr.write(`${JSON.stringify({ level, message, ...Object.assign({}, ...extra) })}\n`);
    };
  return { debug: () => undefined, info: write('INFO'), warn: write('WARN'), error: write('ERROR') };
}
