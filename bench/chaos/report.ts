// Renders a chaos report as the text `npm run chaos` prints.
import { fmt, formatTable } from '../lib/table.ts';
import type { ChaosReport } from './run-chaos.ts';
import { DEFAULT_CHAOS_TIMING, MAX_RECEIVE_COUNT } from './setup.ts';

const LIST_LIMIT = 10;

function listed(title: string, items: readonly string[]): string[] {
  if (items.length === 0) return [];
  const more = items.length > LIST_LIMIT ? [`  … and ${items.length - LIST_LIMIT} more`] : [];
  return [`${title}:`, ...items.slice(0, LIST_LIMIT).map((i) => `  ${i}`), ...more];
}

/** The command line that repeats the run (defaults left out, except the four always shown). */
export function chaosCommand(o: ChaosReport['options']): string {
  const flags = [
    `--payouts ${o.payouts}`,
    `--seed ${o.seed}`,
    `--workers ${o.workers}`,
    `--kills ${o.kills}`,
  ];
  if (o.searchLagMs > 0) flags.push(`--search-lag-ms ${o.searchLagMs}`);
  if (o.uniqueReferences && o.duplicateReferenceCode === undefined) flags.push('--uniqueness');
  if (o.duplicateReferenceCode !== undefined) flags.push(`--duplicate-code ${o.duplicateReferenceCode}`);
  if (o.normalize) flags.push('--normalize');
  flags.push(`--settle-seconds ${o.resendSettleSeconds}`);
  if (o.dynamodbFaultShare > 0) flags.push(`--dynamodb-faults ${o.dynamodbFaultShare}`);
  if (o.secretsOutageSeconds > 0) flags.push(`--secrets-outage-seconds ${o.secretsOutageSeconds}`);
  return `npm run chaos -- ${flags.join(' ')}`;
}

export function renderChaosReport(r: ChaosReport): string {
  const o = r.options;
  const a = r.audit;
  const ddb = r.awsFaults.dynamodb;
  const sm = r.awsFaults.secretsManager;
  const outage = r.awsFaults.secretsOutage;
  const vendor = [
    o.uniqueReferences
      ? `reference uniqueness ON (${fmt.int(r.duplicatesRefused)} duplicates refused with ${o.duplicateReferenceCode ?? 'its documented code'})`
      : 'reference uniqueness OFF',
    `search lag ${fmt.int(o.searchLagMs)} ms`,
    o.normalize ? 'normalising (bech32 lower-cased, fiat amounts rounded)' : 'not normalising',
  ].join(', ');
  const timing = o.timing ?? DEFAULT_CHAOS_TIMING;
  const workers =
    `${o.workers} at once, ${r.workers.length} started in all; RESEND_SETTLE_SECONDS ${o.resendSettleSeconds}, ` +
    `function timeout ${timing.functionTimeoutMs / 1000} s, LEASE_SECONDS ${timing.leaseSeconds}, ` +
    `failed records back after ${o.retrySeconds} s, maxReceiveCount ${MAX_RECEIVE_COUNT}`;
  const kinds = Object.entries(r.sent)
    .map(([kind, n]) => `${kind} ${fmt.int(n)}`)
    .join(', ');
  const faults = Object.entries(r.faultsHit)
    .map(([kind, n]) => `${kind} ${fmt.int(n)}`)
    .join(', ');
  const lines = [
    `${chaosCommand(o)} — ${r.startedAt}`,
    '',
    `sent        ${fmt.int(r.messagesSent)} messages: ${kinds}`,
    `vendor      ${vendor}`,
    `workers     ${workers}`,
    `faults      ${faults || 'none'} (of ${fmt.int(r.requests)} API requests)`,
    `dynamodb    ${
      o.dynamodbFaultShare > 0
        ? `${fmt.int(ddb.throttled)} requests throttled (ProvisionedThroughputExceededException), ` +
          `${fmt.int(ddb.droppedAfterCommit)} conditional writes committed with their answer dropped ` +
          `(+${fmt.int(ddb.droppedOther)} refused and dropped)`
        : 'no faults'
    } (of ${fmt.int(ddb.forwarded + ddb.throttled)} requests)`,
    `secrets     ${
      outage === null
        ? 'no outage'
        : `outage of ${((outage.to - outage.from) / 1000).toFixed(1)} s from just before the rotation: ` +
          `${fmt.int(sm.refusedInOutage)} requests refused (503 ServiceUnavailable)`
    } (${fmt.int(sm.forwarded)} forwarded)`,
    r.rotation === null
      ? 'rotation    not done'
      : `rotation    old key revoked mid-run: ${r.rotation.refusedOldKey} requests refused with it (401, then refetch), ` +
        `${fmt.int(r.rotation.acceptedNewKey)} accepted with the new one`,
    ...r.kills.map(
      (k) =>
        `kill        worker ${k.workerId} (pid ${k.pid}) SIGKILLed ${k.msIntoBatch} ms into a batch of ${k.messageIds.length}, ` +
        `holding ${k.leasesHeld} leases (${k.createsMaybeSent} after sending a create); replaced by worker ${k.replacementId}`,
    ),
    `drain       ${r.drained ? `${r.drainSeconds.toFixed(1)} s from the first enqueue to an empty queue` : `NOT drained after ${r.drainSeconds.toFixed(0)} s`}`,
    `ledger      ${Object.entries(a.ledgerStates)
      .map(([state, n]) => `${state} ${fmt.int(n)}`)
      .join(', ')}`,
    `DLQ         ${fmt.int(a.deadLettered)} (${Object.entries(a.deadLetterReasons)
      .map(([code, n]) => `${code} ${n}`)
      .join(', ')})`,
    `payouts     ${fmt.int(a.payoutsCreated)} created at the simulator`,
    '',
    formatTable(
      ['invariant (from the simulator, ledger and DLQ)', 'measured', 'must be', ''],
      r.invariants.map((i) => [i.name, fmt.int(i.value), i.expected, i.ok ? 'ok' : 'BROKEN']),
    ),
    ...listed('references paid more than once', a.referencesPaidTwice),
    ...listed('references never paid', a.neverCreated),
    ...listed('messages unaccounted for', a.unaccounted),
    ...listed('payouts for invalid messages', a.paidButInvalid),
    ...listed('payouts with content no message had', a.paidWithUnsentContent),
    ...listed('ledger disagrees with Coindirect', a.ledgerDisagrees),
    ...listed('workers that exited on their own', r.unexpectedExits),
    ...listed('invocations that threw', r.invocationErrors),
    '',
    r.ok ? 'every invariant holds' : 'INVARIANTS BROKEN',
    ...(r.logDir === null ? [] : [`worker logs: ${r.logDir}`]),
  ];
  return lines.join('\n');
}
