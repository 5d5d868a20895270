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

export interface AwsTestEnv {
  readonly region: 'us-east-1';
  readonly endpoint: string;
  readonly credentials: { readonly accessKeyId: 'testing'; readonly secretAccessKey: 'testing' };
}

/** Client config for an AWS SDK v3 client pointed at moto: `new SQSClient(awsTestEnv(endpoint))`. */
export function awsTestEnv(endpoint: string): AwsTestEnv {
  return {
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
}
