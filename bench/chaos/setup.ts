// The chaos run's settings: the faults armed at the simulator and the environment of each worker.
//
// Where they differ from production, and why:
// - HTTP_TIMEOUT_MS 1 s (the simulator is on loopback), so the function timeout can be short: 35 s, just
//   above the least the worker accepts for that timeout (minFunctionTimeoutMs, shared/processing/
//   time-budget.ts: a cold container must still be able to finish one record).
// - LEASE_SECONDS 40: the worker refuses a claim when its lease could lapse inside the invocation, so the
//   lease must exceed the function timeout. (The in-suite test runs with 31 s and 31 s to stay short.)
// - The queue's visibility timeout equals the lease (Lambda wants at least the function timeout); the
//   poller-side retry delay is short (worker-process.ts), so failed records come back within seconds.
// - MAX_RECEIVE_COUNT 100, not 10: with retries a second apart, a record waiting for Coindirect's search
//   to settle (RESEND_SETTLE_SECONDS) or for a Secrets Manager outage to end is received once a second
//   meanwhile. SQS's own redrive must not end a payout's retries in the middle of a run: a message it
//   moves is left CLAIMED in the ledger, whatever Coindirect holds.

import { minFunctionTimeoutMs } from '#shared/processing/time-budget.ts';
import type { SimulatorAdminClient } from '#simulator/admin-client.ts';
import { DEFAULT_MERCHANT } from '#simulator/defaults.ts';
import type { LocalResources } from '../../local/provision.ts';
import { CHAOS_MAX_AMOUNTS } from './workload.ts';

/** The workers' `HTTP_TIMEOUT_MS`: the longest one Coindirect call may take. */
export const HTTP_TIMEOUT_MS = 1_000;
export const MAX_RECEIVE_COUNT = 100;
/** The workers' `RESEND_SETTLE_SECONDS` unless a run says otherwise; it must exceed the search lag. */
export const DEFAULT_RESEND_SETTLE_SECONDS = 5;

/** How long an invocation may run and how long a claim holds; the queue's visibility follows the lease. */
export interface ChaosTiming {
  /** The invocation timeout the poller gives each batch (a Lambda function timeout). */
  readonly functionTimeoutMs: number;
  /** The workers' `LEASE_SECONDS`: at least the function timeout, or the worker refuses every claim. */
  readonly leaseSeconds: number;
}

/**
 * `npm run chaos`'s timing: 35 s leaves room above the worker's minimum for HTTP_TIMEOUT_MS 1 s
 * (minFunctionTimeoutMs, about 31 s). A killed worker's references wait out the lease (40 s) before
 * another delivery may claim them, so the lease sets how long a run with kills takes at the least.
 */
export const DEFAULT_CHAOS_TIMING: ChaosTiming = { functionTimeoutMs: 35_000, leaseSeconds: 40 };

/** Throws when the worker could not run with `timing` (it would start no record, or refuse every claim). */
export function checkTiming(timing: ChaosTiming): void {
  const least = minFunctionTimeoutMs({ httpTimeoutMs: HTTP_TIMEOUT_MS });
  if (timing.functionTimeoutMs < least) {
    throw new RangeError(
      `chaos function timeout ${timing.functionTimeoutMs} ms is below the worker's minimum ${least} ms ` +
        `for HTTP_TIMEOUT_MS ${HTTP_TIMEOUT_MS} (minFunctionTimeoutMs): no record would ever start`,
    );
  }
  if (timing.leaseSeconds * 1000 < timing.functionTimeoutMs) {
    throw new RangeError(
      `chaos LEASE_SECONDS ${timing.leaseSeconds} is below the function timeout ` +
        `${timing.functionTimeoutMs} ms: the worker would refuse every claim (cause configuration)`,
    );
  }
}

/** The payout queue's visibility timeout: at least the function timeout (Lambda's rule), here the lease. */
export function queueVisibilitySeconds(timing: ChaosTiming): number {
  return timing.leaseSeconds;
}

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
  /** Where the workers send Secrets Manager requests (the forwarder that can play an outage). */
  readonly secretsManagerEndpoint: string;
  readonly simulatorUrl: string;
  readonly resources: LocalResources;
  readonly retrySeconds: number;
  /** `RESEND_SETTLE_SECONDS`. */
  readonly resendSettleSeconds: number;
  readonly timing: ChaosTiming;
}

/** The worker's own configuration (as on Lambda) plus what worker-process.ts needs to poll. */
export function workerEnvironment(input: WorkerEnvironmentInput): Record<string, string> {
  const { resources, timing } = input;
  checkTiming(timing);
  return {
    AWS_ENDPOINT_URL: input.motoEndpoint,
    // Service-specific endpoints win over AWS_ENDPOINT_URL in the SDK (@smithy/core getEndpointUrlConfig:
    // AWS_ENDPOINT_URL_ + the service id upper-cased, spaces as underscores).
    AWS_ENDPOINT_URL_DYNAMODB: input.dynamodbEndpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: input.secretsManagerEndpoint,
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
    HTTP_TIMEOUT_MS: String(HTTP_TIMEOUT_MS),
    HTTP_CONNECT_TIMEOUT_MS: '500',
    LEASE_SECONDS: String(timing.leaseSeconds),
    RESEND_SETTLE_SECONDS: String(input.resendSettleSeconds),
    MAX_BACKOFF_SECONDS: '60',
    POWERTOOLS_SERVICE_NAME: 'payout-worker-chaos',
    CHAOS_QUEUE_URL: resources.queueUrl,
    CHAOS_QUEUE_ARN: resources.queueArn,
    CHAOS_FUNCTION_TIMEOUT_MS: String(timing.functionTimeoutMs),
    CHAOS_RETRY_SECONDS: String(input.retrySeconds),
  };
}
