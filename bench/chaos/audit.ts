// The end of a chaos run: what the simulator really paid, what the ledger says, what is in the DLQ,
// and the invariants they must satisfy together.
import {
  type AttributeValue,
  BatchGetItemCommand,
  type DynamoDBClient,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import type { Message } from '@aws-sdk/client-sqs';
import type { LedgerRecord } from '#shared/ledger/record.ts';
import { recordFromItem } from '#shared/ledger/record.ts';
import { canonicalDecimal } from '#shared/payout/decimal.ts';
import type { PayoutRecord } from '#simulator/types.ts';

/** A message the run sent, with the id SQS gave it. */
export interface SentMessage {
  readonly messageId: string;
  readonly reference: string;
  readonly kind: string;
  readonly body: string;
}

export interface AuditInput {
  readonly sent: readonly SentMessage[];
  readonly payable: ReadonlySet<string>;
  readonly unpayable: ReadonlySet<string>;
  readonly payouts: readonly PayoutRecord[];
  readonly ledger: ReadonlyMap<string, LedgerRecord>;
  readonly deadLetters: readonly Message[];
  /** Messages still in the payout queue at the end (visible or not). */
  readonly leftInQueue: number;
}

export interface Audit {
  readonly payoutsCreated: number;
  /** Largest number of payouts the simulator created for one reference. Must be 1. */
  readonly maxPayoutsPerReference: number;
  readonly referencesPaidTwice: readonly string[];
  /** References a valid message asked to pay that the simulator never paid. Must be 0. */
  readonly neverCreated: readonly string[];
  /** Payouts for references only invalid messages named. Must be 0. */
  readonly paidButInvalid: readonly string[];
  /** Payouts whose amount and address match no message sent for the reference. Must be 0. */
  readonly paidWithUnsentContent: readonly string[];
  /** Sent messages neither settled in the ledger (final state, their content) nor in the DLQ. Must be 0. */
  readonly unaccounted: readonly string[];
  /**
   * Payouts Coindirect (the simulator) holds whose reference is not SUBMITTED in the ledger with that
   * payout's uuid (REJECTED, CONFLICT, CLAIMED, another uuid, no item), and SUBMITTED ledger items whose
   * uuid is no payout Coindirect holds. Must be 0.
   */
  readonly ledgerDisagrees: readonly string[];
  readonly ledgerStates: Readonly<Record<string, number>>;
  readonly deadLettered: number;
  readonly deadLetterReasons: Readonly<Record<string, number>>;
  readonly leftInQueue: number;
}

const FINAL = new Set(['SUBMITTED', 'REJECTED', 'CONFLICT']);

/**
 * Amount digits and address of a create body or a message body, for "was this content ever sent?". A
 * bech32 address (BTC/LTC) compares in lower case: BIP 173 makes both cases the same address, and the
 * worker sends the lower-case form of an upper-case one. (Written here, not imported from the worker, so
 * a bug there cannot hide here.)
 */
function contentKey(amount: string | undefined, address: string | undefined): string {
  const canonical =
    address !== undefined && /^(bc|tb|ltc|tltc)1/i.test(address) ? address.toLowerCase() : address;
  return `${amount === undefined ? '?' : canonicalDecimal(amount)}|${canonical ?? '?'}`;
}

function messageContent(body: string): string {
  const m = JSON.parse(body) as { amount: string; destination: { address: string; tag?: string } };
  const address =
    m.destination.tag === undefined
      ? m.destination.address
      : `${m.destination.address}?dt=${m.destination.tag}`;
  return contentKey(m.amount, address);
}

function createContent(rawBody: string): string {
  // The amount is compared as the digits sent, so "40.10" stays "40.10".
  const amount = /"amount":([0-9.]+)/.exec(rawBody)?.[1];
  const body = JSON.parse(rawBody) as { payOutDetails?: { address?: string } };
  return contentKey(amount, body.payOutDetails?.address);
}

export function audit(input: AuditInput): Audit {
  const byReference = new Map<string, PayoutRecord[]>();
  for (const p of input.payouts) byReference.set(p.reference, [...(byReference.get(p.reference) ?? []), p]);
  const sentContent = new Map<string, Set<string>>();
  for (const m of input.sent) {
    if (m.kind === 'invalid') continue;
    sentContent.set(m.reference, (sentContent.get(m.reference) ?? new Set()).add(messageContent(m.body)));
  }

  const dlqIds = new Set<string>();
  const reasons: Record<string, number> = {};
  for (const letter of input.deadLetters) {
    const original = letter.MessageAttributes?.originalMessageId?.StringValue;
    // The worker's dead letters name the original; SQS's own redrive keeps the message as it was.
    dlqIds.add(original ?? letter.MessageId ?? '');
    const code = letter.MessageAttributes?.reasonCode?.StringValue ?? 'moved by SQS after maxReceiveCount';
    reasons[code] = (reasons[code] ?? 0) + 1;
  }

  const unaccounted: string[] = [];
  for (const m of input.sent) {
    if (dlqIds.has(m.messageId)) continue;
    const record = input.ledger.get(m.reference);
    const settled =
      record !== undefined &&
      FINAL.has(record.state) &&
      (m.kind === 'invalid' ? record.state === 'REJECTED' : paidWith(record, m.body, byReference));
    if (!settled)
      unaccounted.push(`${m.messageId} (${m.kind} ${m.reference}: ledger ${record?.state ?? 'none'})`);
  }

  // Every payout Coindirect holds must be what the ledger says for its reference: SUBMITTED with its uuid.
  // (A second payout under one reference disagrees too, whichever uuid the ledger kept.)
  const ledgerDisagrees: string[] = [];
  for (const p of input.payouts) {
    const record = input.ledger.get(p.reference);
    if (record?.state !== 'SUBMITTED' || record.uuid !== p.uuid) {
      const held = record === undefined ? 'no item' : `${record.state} ${record.uuid ?? '(no uuid)'}`;
      ledgerDisagrees.push(`${p.reference}: Coindirect holds ${p.uuid}, ledger ${held}`);
    }
  }
  const uuids = new Set(input.payouts.map((p) => p.uuid));
  for (const [reference, record] of input.ledger) {
    if (record.state === 'SUBMITTED' && (record.uuid === undefined || !uuids.has(record.uuid))) {
      ledgerDisagrees.push(
        `${reference}: ledger SUBMITTED ${record.uuid ?? ''}, a payout Coindirect does not hold`,
      );
    }
  }

  const states: Record<string, number> = {};
  for (const record of input.ledger.values()) states[record.state] = (states[record.state] ?? 0) + 1;

  return {
    payoutsCreated: input.payouts.length,
    maxPayoutsPerReference: Math.max(0, ...[...byReference.values()].map((p) => p.length)),
    referencesPaidTwice: [...byReference].filter(([, p]) => p.length > 1).map(([r]) => r),
    neverCreated: [...input.payable].filter((r) => !byReference.has(r)),
    paidButInvalid: [...input.unpayable].filter((r) => byReference.has(r)),
    paidWithUnsentContent: input.payouts
      .filter((p) => !sentContent.get(p.reference)?.has(createContent(p.rawBody)))
      .map((p) => `${p.reference} (${p.uuid})`),
    unaccounted,
    ledgerDisagrees,
    ledgerStates: states,
    deadLettered: input.deadLetters.length,
    deadLetterReasons: reasons,
    leftInQueue: input.leftInQueue,
  };
}

/**
 * A valid message not in the DLQ is settled only when its reference is SUBMITTED with its own content:
 * the payout the ledger points to has this message's amount and address. (Stricter than "final in the
 * ledger": a message whose content lost to another must be on the DLQ as a CONFLICT.)
 */
function paidWith(record: LedgerRecord, body: string, payouts: ReadonlyMap<string, PayoutRecord[]>): boolean {
  if (record.state !== 'SUBMITTED') return false;
  const paid = payouts.get(record.reference)?.find((p) => p.uuid === record.uuid);
  return paid !== undefined && createContent(paid.rawBody) === messageContent(body);
}

/** Every ledger item (a scan; fine for a test table of a few thousand items). */
export async function scanLedger(
  dynamodb: DynamoDBClient,
  tableName: string,
): Promise<Map<string, LedgerRecord>> {
  const records = new Map<string, LedgerRecord>();
  let start: Record<string, AttributeValue> | undefined;
  do {
    const out = await dynamodb.send(
      new ScanCommand({
        TableName: tableName,
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of out.Items ?? []) {
      const record = recordFromItem(item);
      if (record) records.set(record.reference, record);
    }
    start = out.LastEvaluatedKey;
  } while (start !== undefined);
  return records;
}

/**
 * How many references of a batch are CLAIMED under a lease of one of the batch's own deliveries, and how
 * many of those already had `sendAttempted` (a create may have reached Coindirect). One BatchGetItem.
 */
export async function leasesHeldBy(
  dynamodb: DynamoDBClient,
  tableName: string,
  sent: readonly SentMessage[],
  messageIds: readonly string[],
): Promise<{ leasesHeld: number; createsMaybeSent: number }> {
  const ids = new Set(messageIds);
  const references = [...new Set(sent.filter((m) => ids.has(m.messageId)).map((m) => m.reference))];
  if (references.length === 0) return { leasesHeld: 0, createsMaybeSent: 0 };
  const out = await dynamodb.send(
    new BatchGetItemCommand({
      RequestItems: {
        [tableName]: {
          Keys: references.map((reference) => ({ reference: { S: reference } })),
          ConsistentRead: true,
        },
      },
    }),
  );
  let leasesHeld = 0;
  let createsMaybeSent = 0;
  for (const item of out.Responses?.[tableName] ?? []) {
    const record = recordFromItem(item);
    const owner = record?.leaseOwner?.split('#')[0];
    if (record?.state === 'CLAIMED' && owner !== undefined && ids.has(owner)) {
      leasesHeld++;
      if (record.sendAttempted) createsMaybeSent++;
    }
  }
  return { leasesHeld, createsMaybeSent };
}
