// The simulator's memory of created payouts.
import type { PayoutRecord, SummaryPayment } from './types.ts';

export interface SearchQuery {
  readonly merchantId: string;
  readonly q: string | null;
  readonly status: string | null;
  readonly offset: number;
  readonly max: number;
  /** Payouts created after this epoch ms are not in the search index yet (the `searchLagMs` mode). */
  readonly createdAtMost: number;
}

export class PayoutStore {
  // Insertion order doubles as creation order, which breaks ties between equal `dateCreated`.
  readonly #byUuid = new Map<string, PayoutRecord>();
  readonly #onStatus: (record: PayoutRecord, created: boolean) => void;

  /** @param onStatus told of every status a payout takes: its first (`created`), and each change. */
  constructor(onStatus: (record: PayoutRecord, created: boolean) => void = () => undefined) {
    this.#onStatus = onStatus;
  }

  add(record: PayoutRecord): void {
    this.#byUuid.set(record.uuid, record);
    this.#onStatus(record, true);
  }

  get(uuid: string): PayoutRecord | undefined {
    return this.#byUuid.get(uuid);
  }

  hasReference(merchantId: string, reference: string): boolean {
    return this.all().some((p) => p.merchantId === merchantId && p.reference === reference);
  }

  /** Every payout created for `reference`, across merchants. */
  createdCount(reference: string): number {
    return this.all().filter((p) => p.reference === reference).length;
  }

  all(): PayoutRecord[] {
    return [...this.#byUuid.values()];
  }

  /**
   * Newest first. `q` matches a uuid, reference or address by case-insensitive substring, so a caller
   * looking up `ref-1` must still pick the exact reference out of what comes back. A payout's
   * `dateCreated`, the clock at its creation which no status change moves, decides if it is indexed yet.
   */
  search(query: SearchQuery): SummaryPayment[] {
    const needle = query.q?.toLowerCase() ?? null;
    return this.all()
      .reverse()
      .filter((p) => p.merchantId === query.merchantId)
      .filter((p) => p.summary.dateCreated <= query.createdAtMost)
      .filter((p) => query.status === null || p.summary.status === query.status)
      .filter((p) => needle === null || haystack(p).some((field) => field.includes(needle)))
      .sort((a, b) => b.summary.dateCreated - a.summary.dateCreated)
      .slice(query.offset, query.offset + query.max)
      .map((p) => p.summary);
  }

  /** Replaces a payout's summary; false when the uuid is unknown. */
  update(uuid: string, change: (summary: SummaryPayment) => SummaryPayment): boolean {
    const record = this.#byUuid.get(uuid);
    if (record === undefined) return false;
    const updated = { ...record, summary: change(record.summary) };
    this.#byUuid.set(uuid, updated);
    if (updated.summary.status !== record.summary.status) this.#onStatus(updated, false);
    return true;
  }

  clear(): void {
    this.#byUuid.clear();
  }
}

function haystack(record: PayoutRecord): string[] {
  return [record.uuid, record.reference, record.summary.address.address].map((s) => s.toLowerCase());
}
