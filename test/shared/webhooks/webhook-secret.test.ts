import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { WebhookSecretError } from '#shared/webhooks/errors.ts';
import { parseWebhookSecret, WebhookSecrets } from '#shared/webhooks/webhook-secret.ts';

const secretsManager = mockClient(SecretsManagerClient);
const VALUE = 'c2VjcmV0LXZhbHVlLXRoYXQtbG9va3MtbGlrZS1iYXNlNjQ=';

beforeEach(() => {
  secretsManager.reset();
});

describe('parseWebhookSecret', () => {
  it.each([
    ['a plain string', VALUE, [VALUE]],
    ['a plain string with surrounding whitespace', `  ${VALUE}\n`, [VALUE]],
    ['{"webhookSecret"}', JSON.stringify({ webhookSecret: VALUE }), [VALUE]],
    ['{"webhookSecrets"}', JSON.stringify({ webhookSecrets: ['old', VALUE] }), ['old', VALUE]],
  ])('reads %s', (_label, text, expected) => {
    // Act
    const secrets = parseWebhookSecret(text, 'webhook-secret');

    // Assert
    expect(secrets).toEqual(expected);
  });

  it.each([
    ['nothing', undefined, 'has no value yet'],
    ['an empty string', '', 'has no value yet'],
    ['broken JSON', `{"webhookSecret": "${VALUE}"`, 'is not JSON'],
    ['a JSON object of another shape', JSON.stringify({ secret: VALUE }), 'unknown shape'],
    ['an empty list', JSON.stringify({ webhookSecrets: [] }), 'unknown shape'],
  ])('refuses %s with a message that names the problem, never the value', (_label, text, problem) => {
    // Act
    let error: unknown;
    try {
      parseWebhookSecret(text, 'webhook-secret');
    } catch (caught) {
      error = caught;
    }

    // Assert
    expect(error).toBeInstanceOf(WebhookSecretError);
    expect((error as Error).message).toContain(problem);
    expect((error as Error).message).not.toContain(VALUE);
  });
});

describe('WebhookSecrets', () => {
  it('reads AWSCURRENT once and serves the cache until the TTL passes', async () => {
    // Arrange
    let now = 0;
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: VALUE });
    const secrets = new WebhookSecrets({
      client: new SecretsManagerClient({ region: 'eu-west-1' }),
      secretId: 'webhook-secret',
      ttlMs: 1_000,
      clock: () => now,
    });

    // Act
    await Promise.all([secrets.get(), secrets.get()]);
    now = 999;
    await secrets.get();
    now = 1_000;
    const value = await secrets.get();

    // Assert
    expect(value).toEqual([VALUE]);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    expect(secretsManager.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: 'webhook-secret',
      VersionStage: 'AWSCURRENT',
    });
  });

  it('wraps a read failure in an error naming the secret id', async () => {
    // Arrange
    secretsManager
      .on(GetSecretValueCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const secrets = new WebhookSecrets({
      client: new SecretsManagerClient({ region: 'eu-west-1' }),
      secretId: 'webhook-secret',
    });

    // Act
    const result = secrets.get();

    // Assert
    await expect(result).rejects.toThrow('could not read secret webhook-secret: AccessDeniedException');
  });
});
