// A chaos run of the local pipeline with real processes: moto server (SQS, DynamoDB, Secrets Manager),
// the Coindirect simulator as its own process (reference uniqueness OFF by default, faults on, and the
// vendor modes asked for: search lag, a custom duplicate code, normalisation), and several worker
// processes running the real handler through the Lambda-like poller. The workers reach DynamoDB and
// Secrets Manager through forwarders that can throttle, drop the answers of committed conditional writes
// and play a Secrets Manager outage. Mid-run the HAWK key is rotated and the old one revoked (inside the
// outage, when there is one), and workers are killed with SIGKILL inside a batch. At the end the
// simulator's own records, the ledger and the DLQ are audited together.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { awsTestEnv, startMoto } from '#local/moto.ts';
import { sendMessageBodies } from '#shared/producer/send-payouts.ts';
import { DEFAULT_CREDENTIAL } from '#simulator/defaults.ts';
import { provisionLocalResources } from '../../local/provision.ts';
import { type ForwardingCounts, startForwardingProxy } from '../lib/forwarding-proxy.ts';
import { startSimulatorProcess } from '../lib/simulator-process.ts';
import { type Audit, audit, leasesHeldBy, type SentMessage, scanLedger } from './audit.ts';
import {
  countFaults,
  type Invariant,
  invariantsOf,
  type RotationFigures,
  rotationFigures,
} from './invariants.ts';
import { drainQueue, queueDepth, waitUntilEmpty } from './queues.ts';
import {
  armFaults,
  type ChaosTiming,
  checkTiming,
  DEFAULT_CHAOS_TIMING,
  DEFAULT_RESEND_SETTLE_SECONDS,
  MAX_RECEIVE_COUNT,
  queueVisibilitySeconds,
  workerEnvironment,
} from './setup.ts';
import { type Kill, WorkerPool } from './workers.ts';
import { type PlannedMessage, planWorkload, seededRandom } from './workload.ts';

export interface ChaosOptions {
  readonly payouts: number;
  readonly seed: number;
  /** Worker processes polling at once. */
  readonly workers: number;
  /** Workers killed with SIGKILL inside a batch (each replaced). */
  readonly kills: number;
  /**
   * Share of the first wave acknowledged at the first kill (default 0.15); the others follow evenly up
   * to 85 %. A killed worker's references wait out its lease, so an early kill makes a short run shorter.
   */
  readonly firstKillAt?: number;
  /** Give up waiting for the queue to drain after this long. */
  readonly drainTimeoutMs: number;
  /** Chance per create that Coindirect commits it and drops the connection; per request of a 5xx; of a 429. */
  readonly faultShare: number;
  /** The poller-side retry delay, seconds (see worker-process.ts). */
  readonly retrySeconds: number;
  /** Messages in the queue at most: the producer sends more as workers acknowledge (see below). */
  readonly window: number;
  /** Coindirect keeps a new payout out of its reference search this long (vendor mode `searchLagMs`). */
  readonly searchLagMs: number;
  /** Coindirect refuses a second payout with a used reference. Default false: only the worker guards. */
  readonly uniqueReferences: boolean;
  /** With `uniqueReferences`, Coindirect refuses a duplicate with this code instead of the documented one. */
  readonly duplicateReferenceCode?: string;
  /** Coindirect stores bech32 addresses lower-cased and fiat amounts rounded (vendor mode `normalize`). */
  readonly normalize: boolean;
  /** The workers' RESEND_SETTLE_SECONDS; must exceed `searchLagMs` or a lagging search allows a resend. */
  readonly resendSettleSeconds: number;
  /**
   * Share of the workers' DynamoDB requests answered ProvisionedThroughputExceededException, and share of
   * their conditional writes whose answer is dropped after they committed. 0: no DynamoDB faults.
   */
  readonly dynamodbFaultShare: number;
  /** A Secrets Manager outage this long, starting just before the key rotation. 0: none. */
  readonly secretsOutageSeconds: number;
  /** The function timeout and the lease (setup.ts); default {@link DEFAULT_CHAOS_TIMING}. */
  readonly timing?: ChaosTiming;
  /** An already running moto (the test suite's); default: start one for this run. */
  readonly motoEndpoint?: string;
  /** Keep the workers' logs even when every invariant holds. */
  readonly keepLogs?: boolean;
  readonly log?: (line: string) => void;
}

export const DEFAULT_CHAOS_OPTIONS: ChaosOptions = {
  payouts: 2_000,
  seed: 1,
  workers: 3,
  kills: 2,
  drainTimeoutMs: 600_000,
  faultShare: 0.1,
  retrySeconds: 1,
  window: 300,
  searchLagMs: 0,
  uniqueReferences: false,
  normalize: false,
  resendSettleSeconds: DEFAULT_RESEND_SETTLE_SECONDS,
  dynamodbFaultShare: 0,
  secretsOutageSeconds: 0,
};

/** What the forwarders in front of moto did to the workers' AWS traffic. */
export interface AwsFaultFigures {
  readonly dynamodb: ForwardingCounts;
  readonly secretsManager: ForwardingCounts;
  /** The Secrets Manager outage window, ms since the epoch; null when there was none. */
  readonly secretsOutage: { readonly from: number; readonly to: number } | null;
}

const ROTATED = { id: 'chaos-rotated-hawk-id', key: `chaos-rotated-${randomUUID()}` };

/** A SIGKILL, with what the ledger shows the dead worker was holding at that moment. */
export interface KillRecord extends Kill {
  /** References of the batch still CLAIMED under the dead worker's lease: it died mid-batch. */
  readonly leasesHeld: number;
  /** Of those, how many had `sendAttempted`: a create may have reached Coindirect. */
  readonly createsMaybeSent: number;
}

export interface ChaosReport {
  readonly options: Omit<ChaosOptions, 'log'>;
  readonly startedAt: string;
  readonly sent: Readonly<Record<string, number>>;
  readonly messagesSent: number;
  readonly drainSeconds: number;
  readonly drained: boolean;
  readonly faultsHit: Readonly<Record<string, number>>;
  readonly requests: number;
  /** Creates Coindirect refused as a duplicate reference (only with `uniqueReferences`). */
  readonly duplicatesRefused: number;
  readonly awsFaults: AwsFaultFigures;
  readonly rotation: RotationFigures | null;
  readonly kills: readonly KillRecord[];
  readonly workers: ReadonlyArray<{ id: number; pid: number; batches: number; log: string }>;
  readonly invocationErrors: readonly string[];
  readonly unexpectedExits: readonly string[];
  readonly audit: Audit;
  readonly invariants: readonly Invariant[];
  readonly ok: boolean;
  /** Workers' logs; deleted after a clean run unless `keepLogs`. */
  readonly logDir: string | null;
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => undefined);
  const timing = options.timing ?? DEFAULT_CHAOS_TIMING;
  checkTiming(timing);
  const startedAt = new Date().toISOString();
  const runTag = randomUUID().slice(0, 8);
  const random = seededRandom(options.seed ^ 0x5eed);
  const workload = planWorkload({ payouts: options.payouts, seed: options.seed, runTag });
  const logDir = await mkdtemp(path.join(os.tmpdir(), `payout-chaos-${runTag}-`));
  const cleanup: Array<() => Promise<unknown>> = [];
  let keepLogs = options.keepLogs ?? false;
  try {
    const moto = options.motoEndpoint === undefined ? await startMoto() : undefined;
    if (moto) cleanup.push(() => moto.stop());
    const endpoint = options.motoEndpoint ?? moto?.endpoint ?? '';
    const aws = awsTestEnv(endpoint);
    const sqs = new SQSClient(aws);
    const dynamodb = new DynamoDBClient(aws);
    const secretsManager = new SecretsManagerClient(aws);
    cleanup.push(async () => {
      sqs.destroy();
      dynamodb.destroy();
      secretsManager.destroy();
    });

    // The workers reach DynamoDB through a forwarder that passes one request at a time: moto applies
    // conditional writes without a lock (see lib/forwarding-proxy.ts), real DynamoDB does not.
    // It also plays DynamoDB's own failures: throttling, and conditional writes whose answer is lost.
    const dynamodbProxy = await startForwardingProxy(endpoint, {
      serial: true,
      dynamodbFaults: {
        throttleShare: options.dynamodbFaultShare,
        dropAfterCommitShare: options.dynamodbFaultShare,
        random: seededRandom(options.seed ^ 0xd1b0),
      },
    });
    cleanup.push(() => dynamodbProxy.close());
    // Secrets Manager through a forwarder too, which refuses every request during the outage.
    const secretsProxy = await startForwardingProxy(endpoint);
    cleanup.push(() => secretsProxy.close());
    if (options.resendSettleSeconds * 1000 <= options.searchLagMs) {
      log(
        `warning: RESEND_SETTLE_SECONDS ${options.resendSettleSeconds} does not exceed the search lag of ` +
          `${options.searchLagMs} ms: a lookup may miss a payout that exists, and the worker may pay twice`,
      );
    }
    const sim = await startSimulatorProcess({
      allowDuplicateReferences: !options.uniqueReferences,
      ...(options.duplicateReferenceCode === undefined
        ? {}
        : { duplicateReferenceCode: options.duplicateReferenceCode }),
      searchLagMs: options.searchLagMs,
      normalize: options.normalize,
    });
    cleanup.push(() => sim.stop());
    log(`Coindirect simulator vendor modes: ${JSON.stringify(await sim.admin.vendorModes())}`);
    const resources = await provisionLocalResources({
      sqs,
      dynamodb,
      secretsManager,
      prefix: `chaos-${runTag}`,
      hawk: { hawkAuthId: DEFAULT_CREDENTIAL.id, hawkAuthKey: DEFAULT_CREDENTIAL.key },
      maxReceiveCount: MAX_RECEIVE_COUNT,
      visibilityTimeoutSeconds: queueVisibilitySeconds(timing),
    });
    await armFaults(sim.admin, options.faultShare);

    const pool = new WorkerPool({
      logDir,
      random,
      env: workerEnvironment({
        motoEndpoint: endpoint,
        dynamodbEndpoint: dynamodbProxy.endpoint,
        secretsManagerEndpoint: secretsProxy.endpoint,
        simulatorUrl: sim.url,
        resources,
        retrySeconds: options.retrySeconds,
        resendSettleSeconds: options.resendSettleSeconds,
        timing,
      }),
    });
    cleanup.push(() => pool.stopAll(2_000));
    log(`starting ${options.workers} workers (logs in ${logDir})…`);
    await Promise.all(Array.from({ length: options.workers }, () => pool.spawn()));

    const sent: SentMessage[] = [];
    const enqueue = async (messages: readonly PlannedMessage[]): Promise<void> => {
      const results = await sendMessageBodies(
        sqs,
        resources.queueUrl,
        messages.map((m) => m.body),
        { concurrency: 8 },
      );
      for (const [i, result] of results.entries()) {
        const m = messages[i];
        if (!result.ok || m === undefined)
          throw new Error(`could not enqueue message ${i}: ${JSON.stringify(result)}`);
        sent.push({ messageId: result.messageId, reference: m.reference, kind: m.kind, body: m.body });
      }
    };
    const early = workload.messages.filter((m) => m.early);
    const late = workload.messages.filter((m) => !m.early);
    log(
      `sending ${early.length} messages, at most ${options.window} outstanding (${late.length} duplicates held back)…`,
    );
    // The first wave streams in: at most `window` messages outstanding. moto's SQS scans every message of
    // a queue on each send and receive, so a queue thousands deep would measure moto, not the worker.
    const t0 = Date.now();
    let fed = 0;
    const feeding = (async () => {
      while (fed < early.length) {
        if (fed - pool.acknowledged < options.window) {
          const next = early.slice(fed, fed + 50);
          fed += next.length;
          await enqueue(next);
        } else {
          await sleep(100);
        }
        if (Date.now() - t0 > options.drainTimeoutMs) throw new Error('the run stalled while enqueueing');
      }
    })();
    // Awaited after the mid-run events; marked handled now so an early failure is not an unhandled rejection.
    feeding.catch(() => undefined);

    // Mid-run events, each at a share of the first wave acknowledged: kills spread over the run (early
    // enough that a killed batch's messages come back while others are still being processed), the key
    // rotation at 30 %, the late duplicates at 50 %.
    const progress = (): number => pool.acknowledged / early.length;
    const firstKillAt = options.firstKillAt ?? 0.15;
    const marks: { rotatedAt?: number; outageFrom?: number; outageTo?: number } = {};
    let outageTimer: NodeJS.Timeout | undefined;
    const endOutage = (): void => {
      if (marks.outageFrom === undefined || marks.outageTo !== undefined) return;
      secretsProxy.setOutage(false);
      marks.outageTo = Date.now();
      log(`Secrets Manager outage over (${secretsProxy.counts().refusedInOutage} requests refused)`);
    };
    cleanup.push(async () => {
      clearTimeout(outageTimer);
      endOutage();
    });
    const kills: KillRecord[] = [];
    // Leases held by a batch's own deliveries (owner tokens are `${messageId}#${receiveCount}#${uuid}`,
    // functions/payout-worker/worker.ts), read through the serialising forwarder so that requests a
    // worker has already sent are applied first. It retries often: the forwarder throttles it too.
    const ledgerReader = new DynamoDBClient({ ...awsTestEnv(dynamodbProxy.endpoint), maxAttempts: 20 });
    cleanup.push(async () => ledgerReader.destroy());
    const heldBy = (messageIds: readonly string[]) =>
      leasesHeldBy(ledgerReader, resources.tableName, sent, messageIds);
    const events: Array<{ at: number; run: () => Promise<void> }> = [
      {
        at: 0.3,
        run: async () => {
          if (options.secretsOutageSeconds > 0) {
            // Just before the rotation, so the workers' refetch after the first 401 meets the outage.
            log(`Secrets Manager outage for ${options.secretsOutageSeconds} s, starting now…`);
            secretsProxy.setOutage(true);
            marks.outageFrom = Date.now();
            outageTimer = setTimeout(endOutage, options.secretsOutageSeconds * 1000);
          }
          log(
            'rotating the HAWK key: new key at Coindirect and in Secrets Manager, then the old one revoked…',
          );
          await sim.admin.addCredential(ROTATED);
          await secretsManager.send(
            new PutSecretValueCommand({
              SecretId: resources.secretId,
              SecretString: JSON.stringify({ hawkAuthId: ROTATED.id, hawkAuthKey: ROTATED.key }),
            }),
          );
          await sim.admin.revokeCredential(DEFAULT_CREDENTIAL.id);
          marks.rotatedAt = Date.now();
        },
      },
      {
        at: 0.5,
        run: async () => {
          log(`sending ${late.length} late duplicates…`);
          await enqueue(late);
        },
      },
      ...Array.from({ length: options.kills }, (_, k) => ({
        at: firstKillAt + ((0.85 - firstKillAt) * k) / options.kills,
        run: async () => {
          // Killed the moment the ledger shows the worker holding a lease of its batch: it dies mid-work.
          // Counted when the leases are still its own after its death (again, should the batch have ended
          // in the instant between the look and the kill).
          for (let attempt = 1; attempt <= 3; attempt++) {
            const kill = await pool.killMidBatch(
              async (ids) => (await heldBy(ids)).leasesHeld > 0,
              3,
              60_000,
            );
            const record = { ...kill, ...(await heldBy(kill.messageIds)) };
            kills.push(record);
            log(
              `SIGKILLed worker ${kill.workerId} (pid ${kill.pid}) ${kill.msIntoBatch} ms into a batch of ` +
                `${kill.messageIds.length}: it held ${record.leasesHeld} leases (${record.createsMaybeSent} ` +
                `after sending a create); worker ${kill.replacementId} replaces it`,
            );
            if (record.leasesHeld > 0) return;
          }
        },
      })),
    ].sort((a, b) => a.at - b.at);
    for (const event of events) {
      while (progress() < event.at) {
        if (Date.now() - t0 > options.drainTimeoutMs)
          throw new Error('the run stalled before its mid-run events');
        await sleep(50);
      }
      log(`${(progress() * 100).toFixed(0)} % acknowledged:`);
      await event.run();
    }

    await feeding;
    log('waiting for the queue to drain…');
    const inQueue = (): Promise<number> => queueDepth(sqs, resources.queueUrl);
    const drainedAt = await waitUntilEmpty(inQueue, t0 + options.drainTimeoutMs, (left) =>
      log(`  ${left} messages still in the queue after ${((Date.now() - t0) / 1000).toFixed(0)} s`),
    );
    const drainSeconds = ((drainedAt ?? Date.now()) - t0) / 1000;
    await pool.stopAll();
    // A run shorter than its outage: the outage ends here, before the audit.
    clearTimeout(outageTimer);
    endOutage();

    log('auditing: simulator payouts, ledger, DLQ…');
    const [payouts, ledger, deadLetters, requests, leftInQueue] = await Promise.all([
      sim.admin.payouts(),
      scanLedger(dynamodb, resources.tableName),
      drainQueue(sqs, resources.dlqUrl),
      sim.admin.requests(),
      inQueue(),
    ]);
    const result = audit({
      sent,
      payable: workload.payable,
      unpayable: workload.unpayable,
      payouts,
      ledger,
      deadLetters,
      leftInQueue,
    });
    const faultsHit = countFaults(requests);
    const rotation =
      marks.rotatedAt === undefined
        ? null
        : rotationFigures(requests, marks.rotatedAt, DEFAULT_CREDENTIAL.id, ROTATED.id);
    const awsFaults: AwsFaultFigures = {
      dynamodb: dynamodbProxy.counts(),
      secretsManager: secretsProxy.counts(),
      secretsOutage:
        marks.outageFrom === undefined ? null : { from: marks.outageFrom, to: marks.outageTo ?? Date.now() },
    };
    const invariants = invariantsOf({
      audit: result,
      killsHoldingLeases: kills.filter((k) => k.leasesHeld > 0).length,
      killsAsked: options.kills,
      rotation,
      faultsHit,
      dynamodbFaults: options.dynamodbFaultShare > 0 ? awsFaults.dynamodb : null,
      secretsRefusedInOutage:
        options.secretsOutageSeconds > 0 ? awsFaults.secretsManager.refusedInOutage : null,
    });
    const ok = invariants.every((i) => i.ok) && pool.unexpectedExits.length === 0;
    if (!ok) keepLogs = true;
    const sentByKind: Record<string, number> = {};
    for (const m of sent) sentByKind[m.kind] = (sentByKind[m.kind] ?? 0) + 1;
    const { log: _log, ...shownOptions } = options;
    return {
      options: shownOptions,
      startedAt,
      sent: sentByKind,
      messagesSent: sent.length,
      drainSeconds,
      drained: drainedAt !== undefined,
      faultsHit,
      requests: requests.length,
      duplicatesRefused: requests.filter((r) => r.outcome === 'duplicate-reference').length,
      awsFaults,
      rotation,
      kills,
      workers: pool.summary(),
      invocationErrors: pool.invocationErrors,
      unexpectedExits: pool.unexpectedExits,
      audit: result,
      invariants,
      ok,
      logDir: keepLogs ? logDir : null,
    };
  } catch (error) {
    keepLogs = true;
    throw error;
  } finally {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
    if (!keepLogs) await rm(logDir, { recursive: true, force: true });
  }
}
