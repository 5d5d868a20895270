// The chaos run's settings: the faults armed at the simulator and the environment of each worker.
// Why each differs from production is in bench/README.md.
import type { SimulatorAdminClient } from '#test/support/simulator/admin-client.ts';
import { DEFAULT_MERCHANT } from '#test/support/simulator/defaults.ts';
import type { LocalResources } from '../../local/provision.ts';
import { CHAOS_MAX_AMOUNTS } from './workload.ts';

export const QUEUE_VISIBILITY_SECONDS = 10;
export const MAX_RECEIVE_COUNT = 20;
const FUNCTION_TIMEOUT_MS = 8_000;

/**
 * Arms the three faults, each hitting `share` of the requests it can match: creates committed then
 * dropped, 500s and 429s (the last two on every API request). The simulator takes the first armed fault
 * that matches and wins its roll, so the later rules' chances are raised to keep the shares equal.
 */
export async function armFaults(admin: SimulatorAdminClient, share: number): Promise<void> {
  await admin.injectFault({
    fault: { kind: 'commitThenDrop' },
    match: { method: 'POST', path: '/api/v1/pay/summary' },
    times: Infinity,
    probability: share,
  });
  await admin.injectFault({
    fault: { kind: 'status', status: 500 },
    times: Infinity,
    probability: share / (1 - share),
  });
  await admin.injectFault({
    fault: { kind: 'throttle', retryAfterSec: 1 },
    times: Infinity,
    probability: share / (1 - 2 * share),
  });
}

export interface WorkerEnvironmentInput {
  readonly motoEndpoint: string;
  /** Where the workers send DynamoDB requests (the serialising forwarder). */
  readonly dynamodbEndpoint: string;
  readonly simulatorUrl: string;
  readonly resources: LocalResources;
  readonly retrySeconds: number;
}

/** The worker's own configuration (as on Lambda) plus what worker-process.ts needs to poll. */
export function workerEnvironment(input: WorkerEnvironmentInput): Record<string, string> {
  const { resources } = input;
  return {
    AWS_ENDPOINT_URL: input.motoEndpoint,
    AWS_ENDPOINT_URL_DYNAMODB: input.dynamodbEndpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    COINDIRECT_BASE_URL: input.simulatorUrl,
    COINDIRECT_MERCHANT_ID: DEFAULT_MERCHANT.merchantId,
    HAWK_SECRET_ID: resources.secretId,
    LEDGER_TABLE_NAME: resources.tableName,
    DLQ_URL: resources.dlqUrl,
    PAYOUT_MAX_AMOUNTS: JSON.stringify(CHAOS_MAX_AMOUNTS),
    HTTP_TIMEOUT_MS: '1000',
    HTTP_CONNECT_TIMEOUT_MS: '500',
    LEASE_SECONDS: '10',
    MAX_BACKOFF_SECONDS: '60',
    POWERTOOLS_SERVICE_NAME: 'payout-worker-chaos',
    CHAOS_QUEUE_URL: resources.queueUrl,
    CHAOS_QUEUE_ARN: resources.queueArn,
    CHAOS_FUNCTION_TIMEOUT_MS: String(FUNCTION_TIMEOUT_MS),
    CHAOS_RETRY_SECONDS: String(input.retrySeconds),
  };
}
