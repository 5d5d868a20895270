// Fault rules: which /api/ requests get a simulated failure, and how many times.
import type { ActiveFault, Fault, FaultRule } from './types.ts';

export interface FaultTarget {
  readonly method: string;
  readonly path: string;
  /** The create body's reference or the search's `q`; null when the request carries neither. */
  readonly reference: string | null;
}

/** `delay` runs before authentication (latency is not judged); every other fault only after it passed. */
export type FaultPhase = 'beforeAuth' | 'afterAuth';

interface ArmedFault {
  readonly id: string;
  readonly rule: FaultRule;
  remaining: number;
}

export class FaultBook {
  readonly #random: () => number;
  #armed: ArmedFault[] = [];
  #sequence = 0;

  constructor(random: () => number) {
    this.#random = random;
  }

  add(rule: FaultRule): string {
    const times = rule.times ?? 1;
    const probability = rule.probability ?? 1;
    if (!(times > 0) || (Number.isFinite(times) && !Number.isInteger(times))) {
      throw new RangeError(`fault times must be a positive integer or Infinity, got ${times}`);
    }
    if (!(probability >= 0 && probability <= 1)) {
      throw new RangeError(`fault probability must be within 0..1, got ${probability}`);
    }
    this.#sequence += 1;
    const id = `fault-${this.#sequence}`;
    this.#armed.push({ id, rule, remaining: times });
    return id;
  }

  clear(): void {
    this.#armed = [];
  }

  list(): ActiveFault[] {
    return this.#armed.map(({ id, rule, remaining }) => ({ id, rule, remaining }));
  }

  /** The first armed fault of `phase` that matches and wins its dice roll; it is used up by one hit. */
  take(target: FaultTarget, phase: FaultPhase): Fault | undefined {
    for (const armed of this.#armed) {
      if (phaseOf(armed.rule.fault) !== phase || !matches(armed.rule, target)) continue;
      if (this.#random() >= (armed.rule.probability ?? 1)) continue;
      armed.remaining -= 1;
      if (armed.remaining <= 0) this.#armed = this.#armed.filter((a) => a !== armed);
      return armed.rule.fault;
    }
    return undefined;
  }
}

function phaseOf(fault: Fault): FaultPhase {
  return fault.kind === 'delay' ? 'beforeAuth' : 'afterAuth';
}

function matches(rule: FaultRule, target: FaultTarget): boolean {
  const { method, path, reference } = rule.match ?? {};
  return (
    (method === undefined || method.toUpperCase() === target.method.toUpperCase()) &&
    (path === undefined || target.path.startsWith(path)) &&
    (reference === undefined || reference === target.reference)
  );
}
