// The kill switch's flag: one item of the ledger table under the key `#control`. Payout references never
// contain `#` (shared/payout/schema.ts), so no payout can take the key; the item has no `state` and no
// `openSince`, so the ledger's reads (`recordFromItem`) and the sweep's open index never see it as a payout.
import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';

/** The ledger-table key of the pause flag. */
export const CONTROL_KEY = '#control';

/** Whether payouts are paused, and the last change: who made it, when (ISO 8601) and, for a pause, why. */
export interface PauseState {
  readonly paused: boolean;
  readonly reason?: string;
  readonly by?: string;
  readonly at?: string;
}

/** No flag item (never paused) reads as running. */
export const RUNNING: PauseState = { paused: false };

export interface PauseChange {
  readonly by: string;
  /** Epoch ms of the change. */
  readonly at: number;
}

/** Reads and writes the `#control` item of a ledger table. */
export class ControlFlag {
  readonly #client: DynamoDBClient;
  readonly #tableName: string;

  constructor(options: { readonly client: DynamoDBClient; readonly tableName: string }) {
    this.#client = options.client;
    this.#tableName = options.tableName;
  }

  /** The flag as written last (a consistent read: a pause must be seen by the next check, not later). */
  async read(): Promise<PauseState> {
    const out = await this.#client.send(
      new GetItemCommand({
        TableName: this.#tableName,
        Key: { reference: { S: CONTROL_KEY } },
        ConsistentRead: true,
      }),
    );
    return pauseStateFromItem(out.Item);
  }

  /** Sets the flag: payouts stop before their next POST. */
  async pause(change: PauseChange & { readonly reason: string }): Promise<PauseState> {
    return this.#write({ paused: true, reason: change.reason, by: change.by, at: iso(change.at) });
  }

  /** Clears the flag. The item is kept (paused false), so its fields say who resumed and when. */
  async resume(change: PauseChange): Promise<PauseState> {
    return this.#write({ paused: false, by: change.by, at: iso(change.at) });
  }

  async #write(state: PauseState): Promise<PauseState> {
    const item: Record<string, AttributeValue> = {
      reference: { S: CONTROL_KEY },
      paused: { BOOL: state.paused },
    };
    if (state.reason !== undefined) item.reason = { S: state.reason };
    if (state.by !== undefined) item.by = { S: state.by };
    if (state.at !== undefined) item.at = { S: state.at };
    await this.#client.send(new PutItemCommand({ TableName: this.#tableName, Item: item }));
    return state;
  }
}

/**
 * The flag from its item. Anything but `paused: true` as a boolean reads as running, except an item whose
 * `paused` is not a boolean at all: that is a hand edit gone wrong, and an unreadable flag stops payouts
 * (see shared/processing/pause-switch.ts for why unreadable means stop).
 */
export function pauseStateFromItem(item: Record<string, AttributeValue> | undefined): PauseState {
  if (item === undefined) return RUNNING;
  const paused = item.paused;
  if (paused === undefined || !('BOOL' in paused) || typeof paused.BOOL !== 'boolean') {
    throw new Error(`the ${CONTROL_KEY} item has no boolean "paused" attribute`);
  }
  const text = (name: string): string | undefined => {
    const value = item[name];
    return value !== undefined && 'S' in value ? value.S : undefined;
  };
  const reason = text('reason');
  const by = text('by');
  const at = text('at');
  return {
    paused: paused.BOOL,
    ...(reason === undefined ? {} : { reason }),
    ...(by === undefined ? {} : { by }),
    ...(at === undefined ? {} : { at }),
  };
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
