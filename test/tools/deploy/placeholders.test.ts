import { describe, expect, it } from 'vitest';
import { cdkContext, environmentNames } from '#test/infra/cdk-json.ts';
import { findPlaceholders, formatPlaceholders } from '#tools/deploy/placeholders.ts';

const environments = cdkContext.environments as Record<string, Record<string, unknown>>;

describe('findPlaceholders', () => {
  it.each(environmentNames)(
    'finds every sample value of the shipped %s block, with its cdk.json path',
    (name) => {
      // Act
      const found = findPlaceholders(environments[name], `context.environments.${name}`);

      // Assert
      expect(found.map((placeholder) => placeholder.path)).toEqual([
        `context.environments.${name}.coindirect.merchantId`,
        `context.environments.${name}.coindirect.allowedMerchantIds[0]`,
        `context.environments.${name}.alarms.email`,
      ]);
      expect(found[0]?.hint).toMatch(/merchant ID/);
      expect(found[2]?.hint).toMatch(/address alarms should go to/);
    },
  );

  it('finds sample allocation IDs, account IDs and example URLs wherever they are', () => {
    // Arrange
    const block = {
      account: '123456789012',
      egress: { natGateways: 2, eipAllocationIds: ['eipalloc-0123456789abcdef1', 'eipalloc-00000000'] },
      webhook: { registeredUrl: 'https://payouts.example.com/webhook' },
      hawkSecret: { importName: 'coindirect/hawk' },
    };

    // Act
    const found = findPlaceholders(block, 'env');

    // Assert
    expect(found.map(({ path, value }) => [path, value])).toEqual([
      ['env.account', '123456789012'],
      ['env.egress.eipAllocationIds[0]', 'eipalloc-0123456789abcdef1'],
      ['env.egress.eipAllocationIds[1]', 'eipalloc-00000000'],
      ['env.webhook.registeredUrl', 'https://payouts.example.com/webhook'],
    ]);
    expect(found[1]?.hint).toMatch(/remove egress\.eipAllocationIds to have the EgressIps stack allocate/);
  });

  it.each([
    ['a random merchant UUID', 'c0a8f3e2-5b7d-4e19-9c3a-7f2d1e6b8a40'],
    ['a merchant ID that is not a UUID', 'MID-ACME-0001'],
    ['a real alarm address', 'payouts-oncall@acme-payments.io'],
    ['an address at a domain merely containing "example"', 'ops@myexample.com'],
    ['a real allocation ID', 'eipalloc-0a1b2c3d4e5f60718'],
    ['a real account ID', '210987654321'],
    ['a real URL', 'https://payouts.acme-payments.io/webhook'],
    ['the sandbox API', 'https://api.sandbox.coindirect.com'],
  ])('leaves %s alone', (_, value) => {
    // Act + Assert
    expect(findPlaceholders({ field: value }, 'env')).toEqual([]);
  });

  it('finds each example domain of RFC 2606 in an address', () => {
    // Arrange
    const emails = [
      'a@example.org',
      'b@alerts.example.net',
      'c@corp.example',
      'd@host.invalid',
      'e@mail.test',
    ];

    // Act
    const found = findPlaceholders({ emails }, 'env');

    // Assert
    expect(found.map((placeholder) => placeholder.value)).toEqual(emails);
  });

  it('formats one value per entry: path, value as JSON, then what to put instead', () => {
    // Act
    const text = formatPlaceholders(findPlaceholders({ alarms: { email: 'ops@example.com' } }, 'env'));

    // Assert
    expect(text).toBe(
      '  env.alarms.email: "ops@example.com"\n      an example address that reaches nobody: put the address alarms should go to',
    );
  });
});
