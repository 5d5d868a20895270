import { describe, expect, it } from 'vitest';
import { selectEnvironment } from '#infra/config.ts';
import { InfraConfigError } from '#infra/errors.ts';
import { cdkContext, environmentNames, rawEnvironment } from './payout-app-fixture.ts';

/** Validates `block` as environment "staging" and returns the error it raises. */
function problemsWith(block: Record<string, unknown>): InfraConfigError {
  try {
    selectEnvironment({ env: 'staging', environments: { staging: block } });
  } catch (error) {
    if (error instanceof InfraConfigError) return error;
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

/** The staging block of cdk.json with `patch` applied at a dotted path. */
function stagingWith(path: string, value: unknown): Record<string, unknown> {
  return stagingWithAll({ [path]: value });
}

/** The staging block of cdk.json with each value set at its dotted path (`undefined` deletes the field). */
function stagingWithAll(patches: Record<string, unknown>): Record<string, unknown> {
  const block = rawEnvironment('staging');
  for (const [path, value] of Object.entries(patches)) {
    const keys = path.split('.');
    const last = keys.pop() as string;
    let target: Record<string, unknown> = block;
    for (const key of keys) target = target[key] as Record<string, unknown>;
    if (value === undefined) delete target[last];
    else target[last] = value;
  }
  return block;
}

describe('selectEnvironment', () => {
  describe('choosing an environment', () => {
    it.each(environmentNames)('accepts the %s block of cdk.json', (name) => {
      const selected = selectEnvironment({ env: name, environments: cdkContext.environments });

      expect(selected.name).toBe(name);
      // The sample adopts no Elastic IPs: the EgressIps stack allocates them.
      expect(selected.config.egress.eipAllocationIds).toBeUndefined();
    });

    it('accepts existing Elastic IPs to adopt, one per NAT gateway', () => {
      const selected = selectEnvironment({
        env: 'staging',
        environments: { staging: stagingWith('egress.eipAllocationIds', ['eipalloc-0a1b2c3d4e5f60718']) },
      });

      expect(selected.config.egress.eipAllocationIds).toEqual(['eipalloc-0a1b2c3d4e5f60718']);
    });

    it('explains how to choose, listing the environments, when no -c env is given', () => {
      const act = () => selectEnvironment({ env: undefined, environments: cdkContext.environments });

      expect(act).toThrow(InfraConfigError);
      expect(act).toThrow(
        'No environment chosen. Choose one with -c env=<name>, where <name> is one of: staging, production',
      );
      expect(act).toThrow('Example: npx cdk synth -c env=staging');
    });

    it('names the unknown environment and lists the known ones', () => {
      const act = () => selectEnvironment({ env: 'prod', environments: cdkContext.environments });

      expect(act).toThrow('Unknown environment "prod". Choose one with -c env=<name>');
      expect(act).toThrow('one of: staging, production');
    });

    it('does not treat inherited object keys as environments', () => {
      const act = () => selectEnvironment({ env: 'toString', environments: cdkContext.environments });

      expect(act).toThrow('Unknown environment "toString"');
    });

    it('says what is missing when cdk.json has no environments block', () => {
      const act = () => selectEnvironment({ env: 'staging', environments: undefined });

      expect(act).toThrow('cdk.json has no "context.environments" object (received nothing)');
    });

    it('validates only the chosen environment, so a broken neighbour does not block it', () => {
      const environments = { staging: rawEnvironment('staging'), production: { broken: true } };

      const selected = selectEnvironment({ env: 'staging', environments });

      expect(selected.name).toBe('staging');
    });
  });

  describe('error messages', () => {
    it('names the environment and lists every problem at once', () => {
      const block = stagingWith('worker.maxConcurrency', 1);
      (block.coindirect as Record<string, unknown>).addressNetwork = 'main';

      const error = problemsWith(block);

      expect(error.environment).toBe('staging');
      expect(error.problems).toHaveLength(2);
      expect(error.message).toContain(
        'Invalid config for environment "staging" in cdk.json "context.environments.staging":',
      );
    });

    it('says a missing field is required and what type it takes', () => {
      const error = problemsWith(stagingWith('coindirect.merchantId', undefined));

      expect(error.problems).toEqual(['coindirect.merchantId: is required (expected string)']);
    });

    it('lists the allowed values of an enum with what was received', () => {
      const error = problemsWith(stagingWith('coindirect.addressNetwork', 'main'));

      expect(error.problems).toEqual([
        'coindirect.addressNetwork: Invalid option: expected one of "mainnet"|"testnet"; received "main"',
      ]);
    });

    it('lists the two Coindirect hosts for an unknown base URL', () => {
      const error = problemsWith(stagingWith('coindirect.baseUrl', 'https://api.bvnk.com'));

      expect(error.problems[0]).toBe(
        'coindirect.baseUrl: Invalid option: expected one of "https://api.sandbox.coindirect.com"|"https://api.coindirect.com"; received "https://api.bvnk.com"',
      );
    });

    it('rejects the testnet on the production host, where addresses are mainnet', () => {
      const error = problemsWith(stagingWith('coindirect.baseUrl', 'https://api.coindirect.com'));

      expect(error.problems).toEqual([
        'coindirect.addressNetwork: expected "mainnet" for https://api.coindirect.com; received "testnet"',
      ]);
    });

    it('names the allowed fields next to an unknown one', () => {
      const error = problemsWith(stagingWith('egress.natGateway', 1));

      expect(error.problems).toEqual([
        'egress: unknown field(s) "natGateway"; allowed fields: natGateways, eipAllocationIds',
      ]);
    });

    it('rejects a malformed Elastic IP allocation ID, showing the expected form', () => {
      const error = problemsWith(stagingWith('egress.eipAllocationIds', ['eip-123']));

      expect(error.problems).toEqual([
        'egress.eipAllocationIds[0]: expected an Elastic IP allocation ID such as "eipalloc-0123456789abcdef0"; received "eip-123"',
      ]);
    });

    it('allows 1 NAT gateway or one per zone, naming both choices', () => {
      const block = stagingWith('egress.natGateways', 3);
      (block.egress as Record<string, unknown>).eipAllocationIds = [
        'eipalloc-0123456789abcdef0',
        'eipalloc-0123456789abcdef1',
        'eipalloc-0123456789abcdef2',
      ];

      const error = problemsWith(block);

      expect(error.problems).toEqual([
        'egress.natGateways: expected 1 (one shared NAT gateway) or 2 (one per availability zone); received 3',
      ]);
    });

    it('requires one allocation ID per NAT gateway when any is given', () => {
      const error = problemsWith(
        stagingWithAll({
          'egress.natGateways': 2,
          'egress.eipAllocationIds': ['eipalloc-0a1b2c3d4e5f60718'],
        }),
      );

      expect(error.problems).toEqual([
        'egress.eipAllocationIds: expected exactly 2 allocation ID(s), one per NAT gateway (egress.natGateways), or none: leave it out to have the EgressIps stack allocate them; received ["eipalloc-0a1b2c3d4e5f60718"]',
      ]);
    });

    it('requires zone names when a region is set, explaining the credential-free synth', () => {
      const error = problemsWith(stagingWith('availabilityZones', undefined));

      expect(error.problems[0]).toMatch(
        /^availabilityZones: is required when "region" is set: list 2 or 3 zones of eu-west-1, .*needs AWS credentials\)/,
      );
    });

    it('rejects a zone of another region', () => {
      const error = problemsWith(stagingWith('availabilityZones', ['eu-west-1a', 'us-east-1b']));

      expect(error.problems).toEqual([
        'availabilityZones[1]: expected a zone of region eu-west-1; received "us-east-1b"',
      ]);
    });

    it('requires the default merchant among the allowed ones', () => {
      const error = problemsWith(stagingWith('coindirect.allowedMerchantIds', ['another-merchant']));

      expect(error.problems[0]).toMatch(
        /^coindirect\.allowedMerchantIds: expected to include the default merchantId "[^"]+"; received \["another-merchant"\]$/,
      );
    });

    it('explains a payout cap that is not a positive decimal string', () => {
      const error = problemsWith(stagingWith('payoutMaxAmounts', { EUR: 5000, USD: '0', eur: '1' }));

      expect(error.problems).toEqual([
        'payoutMaxAmounts.EUR: expected a decimal string such as "5000" or "250.50"; received 5000',
        'payoutMaxAmounts.USD: expected an amount greater than 0; received "0"',
        'payoutMaxAmounts: key "eur": expected an upper-case price currency code such as "EUR" (2 to 10 of A-Z 0-9)',
      ]);
    });

    it('lists the retention periods CloudWatch Logs accepts', () => {
      const error = problemsWith(stagingWith('logRetentionDays', 10));

      expect(error.problems[0]).toBe(
        'logRetentionDays: Invalid option: expected one of 1|3|5|7|14|30|60|90|120|150|180|365|400|545|731|1096|1827|2192|2557|2922|3288|3653; received 10',
      );
    });

    it('gives the range of a number that is out of bounds', () => {
      const error = problemsWith(stagingWith('worker.timeoutSeconds', 901));

      expect(error.problems).toEqual([
        'worker.timeoutSeconds: Too big: expected number to be <=900; received 901',
      ]);
    });

    it('requires a batching window for batches above 10, as SQS does', () => {
      // recordConcurrency 50 so that a batch of 50 still fits in the 60 s timeout (one round of records).
      const error = problemsWith(stagingWithAll({ 'worker.batchSize': 50, 'worker.recordConcurrency': 50 }));

      expect(error.problems).toEqual([
        'worker.maxBatchingWindowSeconds: expected at least 1 when worker.batchSize is above 10 (an SQS event source rule); received 0',
      ]);
    });

    it('refuses a receive count whose backoff could outlast the retention and lose the message', () => {
      // A 42,000 s backoff cap: 28 waits fit in 14 days, 29 do not.
      const error = problemsWith(
        stagingWithAll({
          'queue.maxReceiveCount': 29,
          'worker.maxBackoffSeconds': 42_000,
          dailyLimits: undefined,
        }),
      );

      expect(error.problems[0]).toMatch(
        /^queue\.maxReceiveCount: expected at most 28 with queue\.retentionDays 14: .*delete the message before moving it to the DLQ; received 29$/,
      );
    });

    it('rejects an alarm address that is not an email', () => {
      const error = problemsWith(stagingWith('alarms.email', 'ops-team'));

      expect(error.problems).toEqual(['alarms.email: expected an email address; received "ops-team"']);
    });
  });

  describe('the daily limits', () => {
    it('passes them to the worker as PAYOUT_DAILY_LIMITS, and none when left out', () => {
      const limited = selectEnvironment({
        env: 'staging',
        environments: { staging: stagingWith('dailyLimits', { EUR: '2500.50' }) },
      });
      const unlimited = selectEnvironment({
        env: 'staging',
        environments: { staging: stagingWith('dailyLimits', undefined) },
      });

      expect(limited.config.dailyLimits).toEqual({ EUR: '2500.50' });
      expect(unlimited.config.dailyLimits).toBeUndefined();
    });

    it.each([
      [{ EUR: '0' }, 'dailyLimits.EUR: expected an amount greater than 0; received "0"'],
      [
        { EUR: '1e6' },
        'dailyLimits.EUR: expected a decimal string such as "5000" or "250.50"; received "1e6"',
      ],
      [
        { EUR: '5000.005' },
        `dailyLimits.EUR: expected at most 2 decimals (EUR's minor unit); received "5000.005"`,
      ],
      [
        { EUR: '499.99' },
        'dailyLimits.EUR: expected at least payoutMaxAmounts.EUR (500): a payout between the two would never fit a day; received "499.99"',
      ],
    ])('refuses %j', (limits, problem) => {
      const error = problemsWith(stagingWith('dailyLimits', limits));

      expect(error.problems).toEqual([problem]);
    });

    it('refuses a currency without a known minor unit', () => {
      const error = problemsWith(stagingWith('dailyLimits', { XYZ: '100' }));

      expect(error.problems[0]).toMatch(
        /^dailyLimits\.XYZ: expected a price currency with a known minor unit/,
      );
    });

    it('refuses fewer receives than the wait for the next day plus the 3 any payout may need', () => {
      const error = problemsWith(stagingWith('queue.maxReceiveCount', 4));

      expect(error.problems).toEqual([
        "queue.maxReceiveCount: expected at least 5 with dailyLimits: a payout over today's limit may wait 2 receives (waits of up to 43200 s) for the next UTC day, then need the 3 receives any payout may need; fewer would let SQS dead-letter it for the limit alone; received 4",
      ]);
    });
  });

  describe('the worker settings', () => {
    it("gives a left-out setting the worker's default, and the lease the timeout plus 30 s", () => {
      const { config } = selectEnvironment({
        env: 'staging',
        environments: { staging: stagingWith('worker.resendSettleSeconds', undefined) },
      });

      expect(config.worker).toMatchObject({
        httpTimeoutMs: 15_000,
        httpConnectTimeoutMs: 3_000,
        leaseSeconds: config.worker.timeoutSeconds + 30,
        maxBackoffSeconds: 21_600,
        resendSettleSeconds: 30,
      });
    });

    it('keeps the settings given', () => {
      const { config } = selectEnvironment({
        env: 'staging',
        environments: {
          staging: stagingWithAll({
            'worker.httpTimeoutMs': 20_000,
            'worker.httpConnectTimeoutMs': 2_000,
            'worker.leaseSeconds': 300,
            'worker.maxBackoffSeconds': 3_600,
            'worker.resendSettleSeconds': 120,
          }),
        },
      });

      expect(config.worker).toMatchObject({
        httpTimeoutMs: 20_000,
        httpConnectTimeoutMs: 2_000,
        leaseSeconds: 300,
        maxBackoffSeconds: 3_600,
        resendSettleSeconds: 120,
      });
    });

    it('infra refuses a function timeout too short for the Coindirect budget', () => {
      const error = problemsWith(stagingWith('worker.timeoutSeconds', 30));

      expect(error.problems).toEqual([
        "worker.timeoutSeconds: expected at least 45: a cold start (6.5 s) plus one record's claim → POST → record cycle (29.5 s with worker.httpTimeoutMs 15000) plus the batch wrap-up (9 s) need 45 s; a shorter timeout fails every cold start or leaves every record unstarted, and messages reach the DLQ with no reason; received 30",
      ]);
    });

    it('sizes the minimum function timeout by the HTTP timeout', () => {
      const error = problemsWith(
        stagingWithAll({
          'worker.httpTimeoutMs': 30_000,
          'worker.timeoutSeconds': 59,
          'worker.leaseSeconds': 90,
        }),
      );

      expect(error.problems).toEqual([
        "worker.timeoutSeconds: expected at least 60: a cold start (6.5 s) plus one record's claim → POST → record cycle (44.5 s with worker.httpTimeoutMs 30000) plus the batch wrap-up (9 s) need 60 s; a shorter timeout fails every cold start or leaves every record unstarted, and messages reach the DLQ with no reason; received 59",
      ]);
    });

    it('refuses a batch whose records cannot all start within the timeout', () => {
      const error = problemsWith(stagingWith('worker.recordConcurrency', 5));

      expect(error.problems).toEqual([
        "worker.batchSize: expected at most 5 with worker.recordConcurrency 5 and worker.timeoutSeconds 60: a full batch takes 2 round(s) of one record's claim → POST → record cycle (29.5 s with worker.httpTimeoutMs 15000) plus a cold start (6.5 s) and the batch wrap-up (9 s), 74.5 s in all, so records of every full batch are left unstarted and burn receives; received 10",
      ]);
    });

    it('refuses a record concurrency above the batch size', () => {
      const error = problemsWith(stagingWith('worker.batchSize', 5));

      expect(error.problems).toEqual([
        'worker.recordConcurrency: expected at most worker.batchSize (5): a batch never holds more records than that, so more concurrency is pointless; received 10',
      ]);
    });

    it('refuses a lease shorter than the function timeout', () => {
      const error = problemsWith(stagingWith('worker.leaseSeconds', 50));

      expect(error.problems).toEqual([
        'worker.leaseSeconds: expected at least worker.timeoutSeconds (60): a lease must outlive the invocation that holds it, or another delivery of the same payout can claim it mid-send; received 50',
      ]);
    });

    it('refuses a lease too short for the HTTP timeout', () => {
      const error = problemsWith(
        stagingWithAll({ 'worker.httpTimeoutMs': 30_000, 'worker.leaseSeconds': 80 }),
      );

      expect(error.problems).toEqual([
        "worker.leaseSeconds: expected at least 90: a lease must cover one record's claim → POST → record cycle (44.5 s with worker.httpTimeoutMs 30000), and the worker refuses to start with less than 3 × worker.httpTimeoutMs (90 s); received 80",
      ]);
    });

    it('checks a left-out lease at its default, the timeout plus 30 s', () => {
      const error = problemsWith(
        stagingWithAll({ 'worker.httpTimeoutMs': 40_000, 'worker.timeoutSeconds': 80 }),
      );

      expect(error.problems).toEqual([
        "worker.leaseSeconds: expected at least 120: a lease must cover one record's claim → POST → record cycle (54.5 s with worker.httpTimeoutMs 40000), and the worker refuses to start with less than 3 × worker.httpTimeoutMs (120 s); received nothing, so the default 110",
      ]);
    });

    it('refuses a connect timeout not shorter than the whole HTTP timeout', () => {
      const error = problemsWith(stagingWith('worker.httpConnectTimeoutMs', 15_000));

      expect(error.problems).toEqual([
        'worker.httpConnectTimeoutMs: expected less than worker.httpTimeoutMs (15000): connecting is part of the call that timeout bounds, so a connect timeout that long never takes effect; received 15000',
      ]);
    });

    it('gives the HTTP timeouts the ranges the worker accepts', () => {
      const error = problemsWith(
        stagingWithAll({ 'worker.httpTimeoutMs': 499, 'worker.httpConnectTimeoutMs': 30_001 }),
      );

      expect(error.problems).toEqual(
        expect.arrayContaining([
          'worker.httpTimeoutMs: Too small: expected number to be >=500; received 499',
          'worker.httpConnectTimeoutMs: Too big: expected number to be <=30000; received 30001',
        ]),
      );
    });

    it('refuses a backoff cap below the resend settle time', () => {
      const error = problemsWith(
        stagingWithAll({ 'worker.maxBackoffSeconds': 300, 'worker.resendSettleSeconds': 600 }),
      );

      expect(error.problems).toEqual([
        'worker.maxBackoffSeconds: expected at least worker.resendSettleSeconds (600): a settle wait must fit in one backoff, or the message burns receives waiting for it; received 300',
      ]);
    });

    it('refuses a backoff cap beyond the longest SQS visibility timeout', () => {
      const error = problemsWith(stagingWith('worker.maxBackoffSeconds', 43_201));

      expect(error.problems).toEqual([
        'worker.maxBackoffSeconds: expected at most 43200 (12 h): a backoff wait is an SQS visibility timeout, and SQS allows no longer one; received 43201',
      ]);
    });

    it('refuses a request rate to Coindirect that is not a positive number, and takes decimals', () => {
      const zero = problemsWith(stagingWith('worker.coindirectMaxRps', 0));
      const text = problemsWith(stagingWith('worker.coindirectMaxRps', '20'));
      const { config } = selectEnvironment({
        env: 'staging',
        environments: { staging: stagingWith('worker.coindirectMaxRps', 2.5) },
      });
      const unpaced = selectEnvironment({
        env: 'staging',
        environments: { staging: stagingWith('worker.coindirectMaxRps', undefined) },
      });

      expect(zero.problems).toEqual([
        'worker.coindirectMaxRps: expected more than 0 requests per second (omit the field for no pacing); received 0',
      ]);
      expect(text.problems).toEqual([
        'worker.coindirectMaxRps: expected a number of requests per second such as 20 or 2.5; received "20"',
      ]);
      expect(config.worker.coindirectMaxRps).toBe(2.5);
      expect(unpaced.config.worker.coindirectMaxRps).toBeUndefined();
    });

    it('refuses fewer than 3 receives: first attempt, settle wait, resend', () => {
      const error = problemsWith(stagingWithAll({ 'queue.maxReceiveCount': 2, dailyLimits: undefined }));

      expect(error.problems).toEqual([
        'queue.maxReceiveCount: expected at least 3: the first attempt, the receive after a resend-settle wait that looks the reference up, and the resend; fewer sends a payout that may have reached Coindirect to the DLQ before it is resolved; received 2',
      ]);
    });

    it('refuses receives times the backoff cap beyond the retention', () => {
      const error = problemsWith(stagingWithAll({ 'queue.retentionDays': 2, dailyLimits: undefined }));

      expect(error.problems).toEqual([
        'queue.maxReceiveCount: expected at most 7 with queue.retentionDays 2: each backoff wait can last worker.maxBackoffSeconds (21600 s), so 10 receives could take 10 × 21600 s = 216000 s, not less than the retention (172800 s), and SQS would delete the message before moving it to the DLQ; received 10',
      ]);
    });

    it('holds retention to 12 h waits with daily limits: a payout may wait for the next day on every receive', () => {
      const error = problemsWith(stagingWith('queue.retentionDays', 5));

      expect(error.problems).toEqual([
        "queue.maxReceiveCount: expected at most 9 with queue.retentionDays 5: a wait for the next day's limit (dailyLimits) can last 43200 s, so 10 receives could take 10 × 43200 s = 432000 s, not less than the retention (432000 s), and SQS would delete the message before moving it to the DLQ; received 10",
      ]);
    });

    it.each([
      [901, 'Too big: expected number to be <=900'],
      [-1, 'Too small: expected number to be >=0'],
    ])('refuses a resend settle time of %i, outside 0 to 900', (value, message) => {
      const error = problemsWith(stagingWith('worker.resendSettleSeconds', value));

      expect(error.problems).toEqual([`worker.resendSettleSeconds: ${message}; received ${value}`]);
    });
  });
});
