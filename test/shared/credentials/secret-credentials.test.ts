import { inspect } from 'node:util';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { CredentialsError } from '#shared/credentials/errors.ts';
import { parseHawkSecret, SecretCredentials } from '#shared/credentials/secret-credentials.ts';

const SECRET_ID = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:coindirect/hawk-AbCdEf';
/** Distinctive, so its absence from errors can be asserted. */
const SECRET_KEY = 'zz-DO-NOT-LEAK-7f3a9c-hawk-key-zz';
const SECRET_ID_VALUE = 'hawk-id-DO-NOT-LEAK-41b2';
const secretJson = (key = SECRET_KEY) => JSON.stringify({ hawkAuthId: 'hawk-id-1', hawkAuthKey: key });

const secrets = mockClient(SecretsManagerClient);

beforeEach(() => {
  secrets.reset();
});

function credentialsAt(time: { now: number }, ttlMs = 1_000) {
  return new SecretCredentials({
    client: new SecretsManagerClient({ region: 'eu-west-1' }),
    secretId: SECRET_ID,
    ttlMs,
    clock: () => time.now,
  });
}

/** Everything an error could show in a log: its message, String(), and the full inspected chain. */
const renderings = (error: unknown) => [
  error instanceof Error ? error.message : '',
  String(error),
  inspect(error, { depth: 10 }),
];

async function credentialsError(promise: Promise<unknown>): Promise<CredentialsError> {
  const error = await promise.then(
    () => new Error('expected a CredentialsError'),
    (e: unknown) => e,
  );
  if (!(error instanceof CredentialsError)) throw error;
  return error;
}

describe('SecretCredentials', () => {
  it('asks for the secret id at VersionStage AWSCURRENT when getting the key', async () => {
    // Arrange
    secrets.on(GetSecretValueCommand).resolves({ SecretString: secretJson() });

    // Act
    const value = await credentialsAt({ now: 0 }).get();

    // Assert
    expect(value).toEqual({ hawkAuthId: 'hawk-id-1', hawkAuthKey: SECRET_KEY });
    expect(secrets.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).toEqual([
      { SecretId: SECRET_ID, VersionStage: 'AWSCURRENT' },
    ]);
  });

  it('fetches once when get is called many times within the TTL', async () => {
    // Arrange
    secrets.on(GetSecretValueCommand).resolves({ SecretString: secretJson() });
    const time = { now: 10_000 };
    const credentials = credentialsAt(time, 1_000);

    // Act
    await credentials.get();
    for (const at of [10_001, 10_500, 10_999]) {
      time.now = at;
      await credentials.get();
    }

    // Assert
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('fetches again when the TTL has passed', async () => {
    // Arrange
    secrets
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: secretJson('first-key') })
      .resolves({ SecretString: secretJson('second-key') });
    const time = { now: 10_000 };
    const credentials = credentialsAt(time, 1_000);
    await credentials.get();

    // Act
    time.now = 11_000;
    const value = await credentials.get();

    // Assert
    expect(value.hawkAuthKey).toBe('second-key');
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('refetches on refresh even within the TTL, and later gets use the refreshed value', async () => {
    // Arrange
    secrets
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: secretJson('old-key') })
      .resolves({ SecretString: secretJson('rotated-key') });
    const credentials = credentialsAt({ now: 0 }, 60_000);
    await credentials.get();

    // Act
    const refreshed = await credentials.refresh();
    const after = await credentials.get();

    // Assert
    expect(refreshed.hawkAuthKey).toBe('rotated-key');
    expect(after.hawkAuthKey).toBe('rotated-key');
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('refetches on every refresh call when called repeatedly', async () => {
    // Arrange
    secrets.on(GetSecretValueCommand).resolves({ SecretString: secretJson() });
    const credentials = credentialsAt({ now: 0 }, 60_000);

    // Act
    await credentials.refresh();
    await credentials.refresh();
    await credentials.refresh();

    // Assert
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(3);
  });

  it('shares one fetch when several gets arrive before the first fetch finishes', async () => {
    // Arrange
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    secrets.on(GetSecretValueCommand).callsFake(async () => {
      await gate;
      return { SecretString: secretJson() };
    });
    const credentials = credentialsAt({ now: 0 });

    // Act
    const pending = [credentials.get(), credentials.get(), credentials.get()];
    release();
    const values = await Promise.all(pending);

    // Assert
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(values.map((v) => v.hawkAuthKey)).toEqual([SECRET_KEY, SECRET_KEY, SECRET_KEY]);
  });

  it('throws a CredentialsError naming the secret id when the SDK call fails', async () => {
    // Arrange
    const failure = Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' });
    secrets.on(GetSecretValueCommand).rejects(failure);

    // Act
    const error = await credentialsError(credentialsAt({ now: 0 }).get());

    // Assert
    expect(error.name).toBe('CredentialsError');
    expect(error.secretId).toBe(SECRET_ID);
    expect(error.message).toContain(SECRET_ID);
    expect(error.message).toContain('AccessDeniedException');
    expect(error.cause).toBe(failure);
  });

  it('fetches again on the next get when the previous fetch failed', async () => {
    // Arrange
    secrets
      .on(GetSecretValueCommand)
      .rejectsOnce(new Error('throttled'))
      .resolves({ SecretString: secretJson() });
    const credentials = credentialsAt({ now: 0 });
    await credentialsError(credentials.get());

    // Act
    const value = await credentials.get();

    // Assert
    expect(value.hawkAuthKey).toBe(SECRET_KEY);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it.each([
    ['is not JSON', SECRET_KEY],
    ['is truncated JSON', `{"hawkAuthId":"${SECRET_ID_VALUE}","hawkAuthKey":"${SECRET_KEY}`],
    ['lacks hawkAuthId', JSON.stringify({ hawkAuthKey: SECRET_KEY })],
    ['lacks hawkAuthKey', JSON.stringify({ hawkAuthId: SECRET_ID_VALUE, key: SECRET_KEY })],
    ['has an empty hawkAuthId', JSON.stringify({ hawkAuthId: '', hawkAuthKey: SECRET_KEY })],
    ['has an empty hawkAuthKey', JSON.stringify({ hawkAuthId: SECRET_ID_VALUE, hawkAuthKey: '' })],
    ['has a numeric hawkAuthKey', `{"hawkAuthId":"${SECRET_ID_VALUE}","hawkAuthKey":7312004455}`],
    ['is a JSON string', JSON.stringify(SECRET_KEY)],
    ['is empty', ''],
  ])('throws a CredentialsError that never shows the value when the secret %s', async (_label, value) => {
    // Arrange
    secrets.on(GetSecretValueCommand).resolves({ SecretString: value });

    // Act
    const error = await credentialsError(credentialsAt({ now: 0 }).get());

    // Assert
    expect(error.secretId).toBe(SECRET_ID);
    expect(error.message).toContain(SECRET_ID);
    for (const text of renderings(error)) {
      expect(text).not.toContain(SECRET_KEY);
      expect(text).not.toContain(SECRET_ID_VALUE);
      expect(text).not.toContain('7312004455');
    }
  });

  it('throws a CredentialsError when the secret has no string value (binary secret)', async () => {
    // Arrange
    secrets.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1, 2, 3]) });

    // Act
    const error = await credentialsError(credentialsAt({ now: 0 }).get());

    // Assert
    expect(error.message).toContain('no string value');
  });
});

describe('parseHawkSecret', () => {
  it('names the missing field when a field is missing', () => {
    // Act
    const error = (() => {
      try {
        parseHawkSecret(JSON.stringify({ hawkAuthKey: SECRET_KEY }), 'my-secret');
        return undefined;
      } catch (e) {
        return e;
      }
    })();

    // Assert
    expect(error).toBeInstanceOf(CredentialsError);
    expect(String(error)).toContain('hawkAuthId');
    expect(String(error)).not.toContain(SECRET_KEY);
  });

  it('returns only the two fields when the secret has extra ones', () => {
    // Act
    const value = parseHawkSecret(
      JSON.stringify({ hawkAuthId: 'id', hawkAuthKey: 'key', webhookSecret: 'other' }),
      'my-secret',
    );

    // Assert
    expect(value).toEqual({ hawkAuthId: 'id', hawkAuthKey: 'key' });
  });
});
