// What must hold at the end of a chaos run, and what the run must have exercised for its zeros to mean
// anything.
import type { RequestLogEntry } from '#simulator/types.ts';
import type { Audit } from './audit.ts';

export interface Invariant {
  readonly name: string;
  readonly value: number;
  readonly expected: string;
  readonly ok: boolean;
}

export interface RotationFigures {
  readonly at: number;
  /** Requests answered 401 with the old key after it was revoked (each followed by a refetch). */
  readonly refusedOldKey: number;
  readonly acceptedNewKey: number;
}

export interface InvariantInput {
  readonly audit: Audit;
  readonly killsHoldingLeases: number;
  readonly killsAsked: number;
  readonly rotation: RotationFigures | null;
  readonly faultsHit: Readonly<Record<string, number>>;
  /** What the DynamoDB forwarder injected; null when the run had no DynamoDB faults. */
  readonly dynamodbFaults: { readonly throttled: number; readonly droppedAfterCommit: number } | null;
  /** Secrets Manager requests refused during the outage; null when the run had no outage. */
  readonly secretsRefusedInOutage: number | null;
}

const zero = (name: string, value: number): Invariant => ({ name, value, expected: '0', ok: value === 0 });
const atLeastOne = (name: string, value: number): Invariant => ({
  name,
  value,
  expected: '≥ 1',
  ok: value >= 1,
});

export function invariantsOf(input: InvariantInput): Invariant[] {
  const { audit: a, faultsHit } = input;
  return [
    {
      name: 'max payouts created per reference',
      value: a.maxPayoutsPerReference,
      expected: '1',
      ok: a.maxPayoutsPerReference === 1,
    },
    zero('references never created that should have been', a.neverCreated.length),
    zero('messages neither final in the ledger nor in the DLQ', a.unaccounted.length),
    zero('payouts for invalid messages', a.paidButInvalid.length),
    zero('payouts with content no message had', a.paidWithUnsentContent.length),
    zero('ledger disagrees with Coindirect', a.ledgerDisagrees.length),
    zero('messages left in the queue', a.leftInQueue),
    {
      name: 'workers SIGKILLed mid-batch, holding leases',
      value: input.killsHoldingLeases,
      expected: String(input.killsAsked),
      ok: input.killsHoldingLeases === input.killsAsked,
    },
    atLeastOne('requests refused with the revoked key', input.rotation?.refusedOldKey ?? 0),
    atLeastOne('requests accepted with the new key', input.rotation?.acceptedNewKey ?? 0),
    atLeastOne('creates committed then dropped', faultsHit.commitThenDrop ?? 0),
    atLeastOne('5xx answers', faultsHit.status ?? 0),
    atLeastOne('429 answers', faultsHit.throttle ?? 0),
    ...(input.dynamodbFaults === null
      ? []
      : [
          atLeastOne('DynamoDB requests throttled', input.dynamodbFaults.throttled),
          atLeastOne(
            'DynamoDB conditional writes committed, answer dropped',
            input.dynamodbFaults.droppedAfterCommit,
          ),
        ]),
    ...(input.secretsRefusedInOutage === null
      ? []
      : [atLeastOne('Secrets Manager requests refused during the outage', input.secretsRefusedInOutage)]),
  ];
}

/** Requests the simulator answered with an injected fault, by fault kind. */
export function countFaults(requests: readonly RequestLogEntry[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of requests) if (r.fault !== null) counts[r.fault] = (counts[r.fault] ?? 0) + 1;
  return counts;
}

/** How the key rotation went, from the simulator's request log. */
export function rotationFigures(
  requests: readonly RequestLogEntry[],
  rotatedAt: number,
  oldId: string,
  newId: string,
): RotationFigures {
  return {
    at: rotatedAt,
    refusedOldKey: requests.filter((r) => r.at >= rotatedAt && r.status === 401 && r.authId === oldId).length,
    acceptedNewKey: requests.filter((r) => r.authId === newId && r.status !== 401).length,
  };
}
