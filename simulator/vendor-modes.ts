// The vendor modes in force and the checks every change to them passes, whether it comes from the
// options, the in-process controls or the admin API.
import type { RateLimit, SimulatorOptions, VendorModes, VendorModesPatch } from './types.ts';

/** Node turns a longer timer delay into 1 ms, which would make a huge latency no latency at all. */
export const MAX_LATENCY_MS = 2_147_483_647;

export function initialVendorModes(options: SimulatorOptions): VendorModes {
  return patchVendorModes(
    {
      searchLagMs: 0,
      duplicateReferenceCode: null,
      enforceUniqueReference: true,
      normalize: false,
      latencyMs: 0,
      rateLimit: null,
      clockSkewMs: 0,
    },
    {
      searchLagMs: options.searchLagMs,
      duplicateReferenceCode: options.duplicateReferenceCode,
      enforceUniqueReference: options.enforceUniqueReference,
      normalize: options.normalize,
      latencyMs: options.latencyMs,
      rateLimit:
        options.rateLimit === undefined
          ? undefined
          : { rps: options.rateLimit.rps, burst: options.rateLimit.burst ?? options.rateLimit.rps },
      clockSkewMs: options.clockSkewMs,
    },
  );
}

/** Node's timers and Date stay exact within this; hawk compares times in ms. */
const MAX_CLOCK_SKEW_MS = 365 * 24 * 3_600_000;

function checkRateLimit(limit: RateLimit | null | undefined): void {
  if (limit === undefined || limit === null) return;
  if (!(limit.rps > 0 && Number.isFinite(limit.rps))) {
    throw new RangeError(`rate limit must be > 0 requests per second, got ${limit.rps}`);
  }
  if (!(limit.burst >= 1 && Number.isFinite(limit.burst))) {
    throw new RangeError(`rate limit burst must be >= 1, got ${limit.burst}`);
  }
}

/** `current` with `patch` applied; throws a RangeError, changing nothing, when any field is out of range. */
export function patchVendorModes(current: VendorModes, patch: VendorModesPatch): VendorModes {
  const { searchLagMs, duplicateReferenceCode, latencyMs } = patch;
  if (searchLagMs !== undefined && !(searchLagMs >= 0 && Number.isFinite(searchLagMs))) {
    throw new RangeError(`search lag must be >= 0 ms, got ${searchLagMs}`);
  }
  if (latencyMs !== undefined && !(latencyMs >= 0 && latencyMs <= MAX_LATENCY_MS)) {
    throw new RangeError(`latency must be >= 0 ms and <= ${MAX_LATENCY_MS} ms, got ${latencyMs}`);
  }
  checkRateLimit(patch.rateLimit);
  const { clockSkewMs } = patch;
  if (clockSkewMs !== undefined && !(Math.abs(clockSkewMs) <= MAX_CLOCK_SKEW_MS)) {
    throw new RangeError(`clock skew must be within ±${MAX_CLOCK_SKEW_MS} ms, got ${clockSkewMs}`);
  }
  if (duplicateReferenceCode === '') {
    throw new RangeError('duplicate reference code must not be empty (null clears it)');
  }
  return {
    searchLagMs: searchLagMs ?? current.searchLagMs,
    duplicateReferenceCode:
      duplicateReferenceCode === undefined ? current.duplicateReferenceCode : duplicateReferenceCode,
    enforceUniqueReference: patch.enforceUniqueReference ?? current.enforceUniqueReference,
    normalize: patch.normalize ?? current.normalize,
    latencyMs: latencyMs ?? current.latencyMs,
    rateLimit: patch.rateLimit === undefined ? current.rateLimit : patch.rateLimit,
    clockSkewMs: clockSkewMs ?? current.clockSkewMs,
  };
}
