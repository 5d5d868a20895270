// The vendor modes in force and the checks every change to them passes, whether it comes from the
// options, the in-process controls or the admin API.
import type { SimulatorOptions, VendorModes, VendorModesPatch } from './types.ts';

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
    },
    {
      searchLagMs: options.searchLagMs,
      duplicateReferenceCode: options.duplicateReferenceCode,
      enforceUniqueReference: options.enforceUniqueReference,
      normalize: options.normalize,
      latencyMs: options.latencyMs,
    },
  );
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
  };
}
