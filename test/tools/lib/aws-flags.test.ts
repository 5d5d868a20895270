import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { awsOptionsFrom, parseOperatorFlags, wantsJson } from '#tools/lib/aws-flags.ts';
import type { AwsOptions } from '#tools/lib/stack.ts';

describe('awsOptionsFrom: a flag wins over the environment, as in the AWS CLI', () => {
  it.each([
    [
      '--region over AWS_REGION and AWS_DEFAULT_REGION',
      { region: 'eu-west-1' },
      { AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-west-2' },
      'eu-west-1',
    ],
    [
      'AWS_REGION over AWS_DEFAULT_REGION',
      {},
      { AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-west-2' },
      'us-east-1',
    ],
    [
      'AWS_DEFAULT_REGION alone (the SDK itself ignores it)',
      {},
      { AWS_DEFAULT_REGION: 'us-west-2' },
      'us-west-2',
    ],
    [
      'an empty AWS_REGION counts as unset',
      {},
      { AWS_REGION: '', AWS_DEFAULT_REGION: 'us-west-2' },
      'us-west-2',
    ],
    ["nothing: left to the SDK (the profile's region)", {}, {}, undefined],
  ])('region: %s', (_, flags, env, region) => {
    // Act
    const aws = awsOptionsFrom(flags, env);

    // Assert
    expect(aws.region).toBe(region);
  });

  it('takes --profile over AWS_PROFILE, and AWS_PROFILE without the flag', () => {
    // Act
    const fromFlag = awsOptionsFrom({ profile: 'ops' }, { AWS_PROFILE: 'dev' });
    const fromEnv = awsOptionsFrom({}, { AWS_PROFILE: 'dev' });
    const neither = awsOptionsFrom({}, {});

    // Assert
    expect(fromFlag.profile).toBe('ops');
    expect(fromEnv.profile).toBe('dev');
    expect(neither).toEqual({});
  });

  it('sets the endpoint from --endpoint-url only, leaving AWS_ENDPOINT_URL(_<SERVICE>) to the SDK', () => {
    // Act
    const withFlag = awsOptionsFrom(
      { 'endpoint-url': 'http://127.0.0.1:5000' },
      { AWS_ENDPOINT_URL: 'http://env:1' },
    );
    const withoutFlag = awsOptionsFrom({}, { AWS_ENDPOINT_URL: 'http://env:1' });

    // Assert
    expect(withFlag.endpoint).toBe('http://127.0.0.1:5000');
    expect(withoutFlag.endpoint).toBeUndefined();
  });

  it("lays flags and the environment over a test's client settings", () => {
    // Arrange
    const base: AwsOptions = {
      region: 'us-east-1',
      endpoint: 'http://base:1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    };

    // Act
    const aws = awsOptionsFrom({ region: 'eu-west-1' }, {}, base);
    const untouched = awsOptionsFrom({}, {}, base);

    // Assert
    expect(aws).toEqual({ ...base, region: 'eu-west-1' });
    expect(untouched).toEqual(base);
  });

  it.each([
    [{ region: '' }, {}, '--region must not be empty'],
    [{ profile: ' ' }, {}, '--profile must not be empty'],
    [{ region: 'eu west 1' }, {}, '--region must be a region such as eu-west-1, got "eu west 1"'],
    [{}, { AWS_REGION: 'eu_west/1' }, 'AWS_REGION must be a region such as eu-west-1'],
    [{ 'endpoint-url': 'localhost:5000' }, {}, '--endpoint-url must be an http(s) URL'],
    [{ 'endpoint-url': 'not a url' }, {}, '--endpoint-url must be a URL such as http://localhost:5000'],
  ])('refuses %j with env %j, naming the source', (flags, env, message) => {
    // Act / Assert
    expect(() => awsOptionsFrom(flags, env)).toThrow(message);
  });
});

describe('wantsJson: --output json as well as --json', () => {
  it.each([
    [{}, false],
    [{ json: true }, true],
    [{ output: 'json' }, true],
    [{ output: 'text' }, false],
    [{ output: 'table' }, false],
    [{ json: true, output: 'json' }, true],
  ])('%j → %s', (values, json) => {
    // Act / Assert
    expect(wantsJson(values)).toBe(json);
  });

  it('refuses an unknown format, and --json with --output text', () => {
    // Act / Assert
    expect(() => wantsJson({ output: 'yaml' })).toThrow('--output must be json or text, got "yaml"');
    expect(() => wantsJson({ json: true, output: 'text' })).toThrow('--json and --output text disagree');
  });
});

describe('parseOperatorFlags', () => {
  it("returns the command's own flags, --output folded into json, and the SDK settings", () => {
    // Act
    const parsed = parseOperatorFlags(
      ['--env', 'staging', '--output', 'json', '--region', 'eu-west-1', '--profile', 'ops', 'x'],
      { env: {} },
      undefined,
      { env: { type: 'string' }, json: { type: 'boolean' } },
    );

    // Assert
    expect(parsed.values).toEqual({ env: 'staging', json: true });
    expect(parsed.positionals).toEqual(['x']);
    expect(parsed.aws).toEqual({ region: 'eu-west-1', profile: 'ops' });
  });

  it('accepts --output only where the command has --json', () => {
    // Act / Assert
    expect(() =>
      parseOperatorFlags(['--output', 'json'], { env: {} }, undefined, { env: { type: 'string' } }),
    ).toThrow(/--output/);
  });
});

// The settings reach a real SDK client: its request is captured before it leaves the process.
describe('the settings as the SDK applies them', () => {
  let dir: string;
  const captured: Array<{ hostname: string; port?: number; authorization: string }> = [];
  const send = async (
    aws: AwsOptions,
  ): Promise<{ hostname: string; port?: number; authorization: string }> => {
    const client = new SQSClient({
      ...aws,
      maxAttempts: 1,
      requestHandler: {
        handle: async (request: { hostname: string; port?: number; headers: Record<string, string> }) => {
          captured.push({
            hostname: request.hostname,
            ...(request.port === undefined ? {} : { port: request.port }),
            authorization: request.headers.authorization ?? '',
          });
          throw new Error('captured');
        },
      },
    });
    try {
      await expect(client.send(new ListQueuesCommand({}))).rejects.toThrow('captured');
    } finally {
      client.destroy();
    }
    const last = captured.at(-1);
    if (last === undefined) throw new Error('no request was made');
    return last;
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'aws-flags-'));
    await writeFile(path.join(dir, 'config'), '[profile ops]\nregion = ap-southeast-2\n');
    await writeFile(
      path.join(dir, 'credentials'),
      '[ops]\naws_access_key_id = AKIDFROMPROFILE\naws_secret_access_key = secret\n',
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('sends to --endpoint-url although AWS_ENDPOINT_URL names another, and to AWS_ENDPOINT_URL without it', async () => {
    // Arrange
    vi.stubEnv('AWS_ENDPOINT_URL', 'http://from-env.test:4000');
    const env = { AWS_ENDPOINT_URL: 'http://from-env.test:4000' };
    const credentials = { accessKeyId: 'a', secretAccessKey: 'b' };

    // Act
    const flagged = await send({
      ...awsOptionsFrom({ 'endpoint-url': 'http://from-flag.test:5000', region: 'eu-west-1' }, env),
      credentials,
    });
    const unflagged = await send({ ...awsOptionsFrom({ region: 'eu-west-1' }, env), credentials });

    // Assert
    expect(flagged).toMatchObject({ hostname: 'from-flag.test', port: 5000 });
    expect(unflagged).toMatchObject({ hostname: 'from-env.test', port: 4000 });
  });

  it("signs with the profile's credentials and region, not AWS_ACCESS_KEY_ID, and --region over the profile's", async () => {
    // Arrange
    vi.stubEnv('AWS_CONFIG_FILE', path.join(dir, 'config'));
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', path.join(dir, 'credentials'));
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDFROMENV');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    vi.stubEnv('AWS_REGION', undefined);
    vi.stubEnv('AWS_PROFILE', undefined);
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const endpoint = { 'endpoint-url': 'http://127.0.0.1:9' };

    // Act
    const profileRegion = await send(awsOptionsFrom({ ...endpoint, profile: 'ops' }, {}));
    const flagRegion = await send(awsOptionsFrom({ ...endpoint, profile: 'ops', region: 'eu-west-1' }, {}));

    // Assert
    expect(profileRegion.authorization).toContain('Credential=AKIDFROMPROFILE/');
    expect(profileRegion.authorization).toContain('/ap-southeast-2/sqs/aws4_request');
    expect(flagRegion.authorization).toContain('/eu-west-1/sqs/aws4_request');
  });
});
