// Helpers for integration tests that talk to the moto server started by moto-global-setup.ts.
import { inject } from 'vitest';

/**
 * moto's endpoint, or null when moto was not available (only possible outside CI).
 *
 * @example
 * const endpoint = motoEndpoint();
 * describe.skipIf(endpoint === null)('ledger against moto', () => { ... });
 */
export function motoEndpoint(): string | null {
  return inject('motoEndpoint') ?? null;
}

export { type AwsTestEnv, awsTestEnv } from '#local/moto.ts';
