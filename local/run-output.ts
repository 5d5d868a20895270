// What a local run prints: the results, the endpoints of --keep-running, and the worker's log.
import type { Ledger } from '#shared/ledger/ledger.ts';
import type { LoggerPort, MetricsPort } from '#shared/processing/ports.ts';
import type { Simulator } from '#simulator/types.ts';
import type { CliIo } from '#tools/lib/cli.ts';
import type { PollResult } from './poller.ts';
import type { LocalResources } from './provision.ts';
import { FINAL_OUTCOMES, type LocalResult, resultsJson, resultsText } from './results.ts';

/** The results table and totals, or with `json` the `--json` document. */
export function printResults(
  io: CliIo,
  json: boolean,
  results: readonly LocalResult[],
  timedOut: boolean,
): void {
  if (json) {
    io.stdout.write(`${resultsJson(results)}\n`);
    return;
  }
  io.stdout.write(`\n${resultsText(results)}\n`);
  if (timedOut || results.some((r) => !FINAL_OUTCOMES.includes(r.outcome))) {
    io.stdout.write(
      'some payouts are not final: rerun with --verbose to see the worker log, or a larger --timeout\n',
    );
  }
}

/** What a producer needs to talk to the local pipeline (`--keep-running`). */
export function printEndpoints(
  io: CliIo,
  endpoint: string,
  resources: LocalResources,
  sim: Simulator | undefined,
): void {
  const awsEnv = `AWS_ENDPOINT_URL=${endpoint} AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing`;
  io.stderr.write(
    [
      '',
      'Still running (Ctrl-C stops everything). Point a producer at:',
      `  ${awsEnv}`,
      `  payout queue  ${resources.queueUrl}`,
      `  DLQ           ${resources.dlqUrl}`,
      `  ledger table  ${resources.tableName}`,
      `  HAWK secret   ${resources.secretId}`,
      ...(sim === undefined ? [] : [`  simulator     ${sim.url}  (admin API: ${sim.url}/__sim/payouts)`]),
      'for example:',
      `  ${awsEnv} npm run enqueue -- examples/payouts.json --queue-url ${resources.queueUrl}`,
      `  ${awsEnv} npm run payout-status -- sample-btc-0001 --table ${resources.tableName}`,
      `  ${awsEnv} npm run redrive -- --dlq-url ${resources.dlqUrl} --queue-url ${resources.queueUrl}`,
      '',
    ].join('\n'),
  );
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
