import { performance } from 'node:perf_hooks';
import type { FailureOutcome } from './classify.ts';
import { CoindirectClient } from './client.ts';

/**
 * The EMF metric of every Coindirect call (unit Milliseconds) in three dimension sets, each beside the
 * function's `service`: `operation` (latency percentiles per operation), `outcome` (calls per outcome
 * class, the sample count) and both (the latency of one outcome of one operation), from {@link CoindirectCall} (functions/lambda-runtime.ts emits it).
 */
export const COINDIRECT_LATENCY_METRIC = 'CoindirectLatency';

/** The client's operations, as the `operation` dimension names them. */
export const COINDIRECT_OPERATION = {
  /** `createPayout`: POST /api/v1/pay/summary. */
  create: 'create',
  /** `findPayoutByReference`: the reference search, every page it reads. */
  lookup: 'lookup',
  /** `getPayout`: GET /api/v1/pay/{uuid}/summary. */
  read: 'read',
  /** `listMerchantIds`: GET /api/v1/merchant, the credential check's signed read. */
  listMerchants: 'listMerchants',
} as const;
export type CoindirectOperation = (typeof COINDIRECT_OPERATION)[keyof typeof COINDIRECT_OPERATION];

/**
 * One finished call: the outcome is the class shared/coindirect/classify.ts gave the answer (`created`,
 * `found`, `notFound`, `ok`, `throttled`, `unauthorized`, `configuration`, `ambiguous`, `unreachable`,
 * `outOfTime`, …), or `error` when the call threw (the HAWK key could not be read); errors by class are
 * counts of this metric by `outcome`.
 */
export interface CoindirectCall {
  readonly operation: CoindirectOperation;
  readonly outcome: string;
  /** Wall time of the whole operation: the key read (usually cached), a retry after a 401, every page. */
  readonly durationMs: number;
}

/**
 * The outcome classes that say a call failed, whatever the operation (shared/coindirect/classify.ts), plus
 * `error` for a call that threw; what the dashboard counts as errors by class.
 */
export const COINDIRECT_FAILURE_OUTCOMES = Object.keys({
  unauthorized: true,
  configuration: true,
  throttled: true,
  ambiguous: true,
  unreachable: true,
  outOfTime: true,
  error: true,
} satisfies Record<FailureOutcome['kind'] | 'error', true>);

export type CoindirectCallObserver = (call: CoindirectCall) => void;

/**
 * A {@link CoindirectClient} that tells `observe` how long each operation took and how it was classified.
 * An observer that throws never changes the call's outcome (a metric is not worth a payout retry).
 */
export class ObservedCoindirectClient extends CoindirectClient {
  readonly #observe: CoindirectCallObserver;

  constructor(options: ConstructorParameters<typeof CoindirectClient>[0], observe: CoindirectCallObserver) {
    super(options);
    this.#observe = observe;
  }

  override createPayout(...args: Parameters<CoindirectClient['createPayout']>) {
    return this.#timed(COINDIRECT_OPERATION.create, () => super.createPayout(...args));
  }

  override getPayout(...args: Parameters<CoindirectClient['getPayout']>) {
    return this.#timed(COINDIRECT_OPERATION.read, () => super.getPayout(...args));
  }

  override findPayoutByReference(...args: Parameters<CoindirectClient['findPayoutByReference']>) {
    return this.#timed(COINDIRECT_OPERATION.lookup, () => super.findPayoutByReference(...args));
  }

  override listMerchantIds(...args: Parameters<CoindirectClient['listMerchantIds']>) {
    return this.#timed(COINDIRECT_OPERATION.listMerchants, () => super.listMerchantIds(...args));
  }

  async #timed<T extends { readonly kind: string }>(
    operation: CoindirectOperation,
    call: () => Promise<T>,
  ): Promise<T> {
    const started = performance.now();
    let outcome = 'error';
    try {
      const result = await call();
      outcome = result.kind;
      return result;
    } finally {
      try {
        this.#observe({ operation, outcome, durationMs: performance.now() - started });
      } catch {
        // Nothing to do: the call's outcome stands.
      }
    }
  }
}
