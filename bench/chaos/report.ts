// Renders a chaos report as the text `npm run chaos` prints.
import { fmt, formatTable } from '../lib/table.ts';
import type { ChaosReport } from './run-chaos.ts';

const LIST_LIMIT = 10;

function listed(title: string, items: readonly string[]): string[] {
  if (items.length === 0) return [];
  const more = items.length > LIST_LIMIT ? [`  … and ${items.length - LIST_LIMIT} more`] : [];
  return [`${title}:`, ...items.slice(0, LIST_LIMIT).map((i) => `  ${i}`), ...more];
}

export function renderChaosReport(r: ChaosReport): string {
  const o = r.options;
  const a = r.audit;
  const kinds = Object.entries(r.sent)
    .map(([kind, n]) => `${kind} ${fmt.int(n)}`)
    .join(', ');
  const faults = Object.entries(r.faultsHit)
    .map(([kind, n]) => `${kind} ${fmt.int(n)}`)
    .join(', ');
  const lines = [
    `npm run chaos -- --payouts ${o.payouts} --seed ${o.seed} --workers ${o.workers} --kills ${o.kills} — ${r.startedAt}`,
    '',
    `sent        ${fmt.int(r.messagesSent)} messages: ${kinds}`,
    `faults      ${faults || 'none'} (of ${fmt.int(r.requests)} API requests)`,
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
    ...listed('ledger and simulator disagree', a.ledgerDisagrees),
    ...listed('workers that exited on their own', r.unexpectedExits),
    ...listed('invocations that threw', r.invocationErrors),
    '',
    r.ok ? 'every invariant holds' : 'INVARIANTS BROKEN',
    ...(r.logDir === null ? [] : [`worker logs: ${r.logDir}`]),
  ];
  return lines.join('\n');
}
