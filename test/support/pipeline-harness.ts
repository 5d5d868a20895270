// An integration rig: moto (SQS, Secrets Manager, DynamoDB) + the Coindirect simulator + the real worker,
// driven through real queue messages the way Lambda's event source drives it.
import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  ChangeMessageVisibilityCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { loadConfig } from '#functions/payout-worker/config.ts';
import { createBatchHandler } from '#functions/payout-worker/handler.ts';
import { createWorkerDeps, type WorkerOverrides } from '#functions/payout-worker/worker.ts';
import { Ledger } from '#shared/ledger/ledger.ts';
import type { LedgerRecord } from '#shared/ledger/record.ts';
import type { LoggerPort, MetricName, MetricsPort } from '#shared/processing/ports.ts';
import { DEFAULT_CREDENTIAL, DEFAULT_MERCHANT } from '#simulator/defaults.ts';
import { startSimulator } from '#simulator/simulator.ts';
import type { Simulator, SimulatorOptions } from '#simulator/types.ts';
import { localContext } from '../../local/lambda-context.ts';
import { type LocalResources, provisionLocalResources } from '../../local/provision.ts';
import { awsTestEnv } from './integration.ts';

export const MERCHANT_ID = DEFAULT_MERCHANT.merchantId;

/** Everything logged through the worker's logger in this rig, as text, to search for secrets. */
export class CapturingLogger implements LoggerPort {
  readonly lines: string[] = [];
  #push(level: string, message: string, extra: Record<string, unknown>[]): void {
    this.lines.push(`${level} ${message} ${JSON.stringify(extra)}`);
  }
  debug(message: string, ...extra: Record<string, unknown>[]): void {
    this.#push('debug', message, extra);
  }
  info(message: string, ...extra: Record<string, unknown>[]): void {
    this.#push('info', message, extra);
  }
  warn(message: string, ...extra: Record<string, unknown>[]): void {
    this.#push('warn', message, extra);
  }
  error(message: string, ...extra: Record<string, unknown>[]): void {
    this.#push('error', message, extra);
  }
}

export class CountingMetrics implements MetricsPort {
  readonly counts = new Map<MetricName, number>();
  count(name: MetricName, value = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + value);
  }
  get(name: MetricName): number {
    return this.counts.get(name) ?? 0;
  }
}

export interface RigOptions {
  readonly endpoint: string;
  readonly simulator?: SimulatorOptions;
  readonly env?: Readonly<Record<string, string>>;
  readonly overrides?: WorkerOverrides;
}

export interface DeadLetterView {
  readonly body: string;
  readonly attributes: Readonly<Record<string, string>>;
}

export type RigHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;

export interface Rig {
  readonly sim: Simulator;
  readonly resources: LocalResources;
  readonly sqs: SQSClient;
  readonly logger: CapturingLogger;
  readonly metrics: CountingMetrics;
  readonly env: Readonly<Record<string, string>>;
  /** A worker as one Lambda container would run it; call again for a second, independent container. */
  newHandler(overrides?: WorkerOverrides): RigHandler;
  readonly handler: RigHandler;
  /** The rig's worker, invoked with a Lambda context of the caller's (its own deadline). */
  handlerWith(event: SQSEvent, context: Context): Promise<SQSBatchResponse>;
  send(body: string | object): Promise<string>;
  /** Receives up to `max` visible messages (real receipt handles and receive counts). */
  receive(max?: number): Promise<Message[]>;
  toEvent(messages: readonly Message[]): SQSEvent;
  /** Makes a message visible again now, as if its backoff had passed. */
  expire(message: Message): Promise<void>;
  ledger(reference: string): Promise<LedgerRecord | undefined>;
  /** The day's reserved total of a currency against its daily limit ('0' when nothing was reserved). */
  dailyTotal(currency: string, day: string): Promise<string>;
  deadLetters(): Promise<DeadLetterView[]>;
  rotateSecret(hawk: { hawkAuthId: string; hawkAuthKey: string }): Promise<void>;
  close(): Promise<void>;
}

/** Starts a simulator, provisions fresh resources on moto and wires a worker to both. */
export async function startRig(options: RigOptions): Promise<Rig> {
  const aws = awsTestEnv(options.endpoint);
  const sqs = new SQSClient(aws);
  const dynamodb = new DynamoDBClient(aws);
  const secretsManager = new SecretsManagerClient(aws);
  const sim = await startSimulator(options.simulator ?? {});
  const prefix = `t${randomUUID().slice(0, 8)}`;
  const resources = await provisionLocalResources({
    sqs,
    dynamodb,
    secretsManager,
    prefix,
    hawk: { hawkAuthId: DEFAULT_CREDENTIAL.id, hawkAuthKey: DEFAULT_CREDENTIAL.key },
  });
  const env = {
    COINDIRECT_BASE_URL: sim.url,
    COINDIRECT_MERCHANT_ID: MERCHANT_ID,
    HAWK_SECRET_ID: resources.secretId,
    LEDGER_TABLE_NAME: resources.tableName,
    DLQ_URL: resources.dlqUrl,
    PAYOUT_MAX_AMOUNTS: '{"EUR":"5000","USD":"5000"}',
    HTTP_TIMEOUT_MS: '2000',
    HTTP_CONNECT_TIMEOUT_MS: '1000',
    LEASE_SECONDS: '40',
    // Tests written before the settle rule resend right after an empty lookup; vendor-modes tests set it.
    RESEND_SETTLE_SECONDS: '0',
    ...options.env,
  };
  const config = loadConfig(env);
  const logger = new CapturingLogger();
  const metrics = new CountingMetrics();
  const powertools = new Logger({ serviceName: 'payout-worker-test', logLevel: 'SILENT' });
  const batchHandler = (overrides: WorkerOverrides = {}) => {
    const deps = createWorkerDeps(config, logger, metrics, {
      sqs,
      dynamodb,
      secretsManager,
      ...options.overrides,
      ...overrides,
    });
    return createBatchHandler(() => deps, powertools);
  };
  const newHandler = (overrides: WorkerOverrides = {}): RigHandler => {
    const handle = batchHandler(overrides);
    return (event) => handle(event, localContext('payout-worker', 30_000));
  };
  const withContext = batchHandler();
  const ledger = new Ledger({ client: dynamodb, tableName: resources.tableName, leaseMs: config.leaseMs });

  return {
    sim,
    resources,
    sqs,
    logger,
    metrics,
    env,
    newHandler,
    handler: newHandler(),
    handlerWith: (event, context) => withContext(event, context),
    async send(body) {
      const out = await sqs.send(
        new SendMessageCommand({
          QueueUrl: resources.queueUrl,
          MessageBody: typeof body === 'string' ? body : JSON.stringify(body),
        }),
      );
      return out.MessageId ?? '';
    },
    async receive(max = 10) {
      const out = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: resources.queueUrl,
          MaxNumberOfMessages: max,
          WaitTimeSeconds: 1,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
      );
      return out.Messages ?? [];
    },
    toEvent(messages) {
      return {
        Records: messages.map((m) => ({
          messageId: m.MessageId ?? '',
          receiptHandle: m.ReceiptHandle ?? '',
          body: m.Body ?? '',
          attributes: {
            ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
            SentTimestamp: '0',
            SenderId: 'test',
            ApproximateFirstReceiveTimestamp: '0',
          },
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: resources.queueArn,
          awsRegion: 'us-east-1',
        })),
      };
    },
    async expire(message) {
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: resources.queueUrl,
          ReceiptHandle: message.ReceiptHandle ?? '',
          VisibilityTimeout: 0,
        }),
      );
    },
    ledger: (reference) => ledger.get(reference),
    dailyTotal: async (currency, day) => (await ledger.dailyTotal(currency, day)).total,
    async deadLetters() {
      const letters: DeadLetterView[] = [];
      for (;;) {
        const out = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: resources.dlqUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 0,
            MessageAttributeNames: ['All'],
          }),
        );
        const batch = out.Messages ?? [];
        if (batch.length === 0) return letters;
        for (const m of batch) {
          const attributes: Record<string, string> = {};
          for (const [k, v] of Object.entries(m.MessageAttributes ?? {})) attributes[k] = v.StringValue ?? '';
          letters.push({ body: m.Body ?? '', attributes });
        }
      }
    },
    async rotateSecret(hawk) {
      await secretsManager.send(
        new PutSecretValueCommand({ SecretId: resources.secretId, SecretString: JSON.stringify(hawk) }),
      );
    },
    async close() {
      await sim.close();
      sqs.destroy();
      dynamodb.destroy();
      secretsManager.destroy();
    },
  };
}

/** A valid payout v1 message; override any field. */
export function payoutMessage(
  reference: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    reference,
    amount: '40.10',
    currency: 'EUR',
    destination: { currency: 'ETH', address: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed' },
    ...overrides,
  };
}
