import { describe, expect, it } from 'vitest';
import { parseDeployOutputs } from '#tools/deploy/outputs.ts';
import { CliError } from '#tools/lib/errors.ts';

const FILE = 'cdk.out/outputs-staging.json';

describe('parseDeployOutputs', () => {
  it('reads the worker stack egress IPs, with the allocation IDs the EgressIps stack output', () => {
    // Arrange
    const text = JSON.stringify({
      'CoindirectPayouts-staging-EgressIps': {
        EgressIp1AllocationId: 'eipalloc-0a1b2c3d4e5f60718',
        EgressIp1PublicIp: '203.0.113.10',
        EgressIp2AllocationId: 'eipalloc-0a1b2c3d4e5f60719',
        EgressIp2PublicIp: '203.0.113.11',
      },
      'CoindirectPayouts-staging-Worker': {
        EgressIp1: '203.0.113.10',
        EgressIp2: '203.0.113.11',
        HawkSecretArn: 'arn:aws:secretsmanager:eu-west-1:210987654321:secret:coindirect/hawk-AbCdEf',
        WebhookUrl: 'https://abc.lambda-url.eu-west-1.on.aws/',
      },
    });

    // Act
    const outputs = parseDeployOutputs(text, 'staging', FILE);

    // Assert
    expect(outputs.egressIps).toEqual([
      { output: 'EgressIp1', publicIp: '203.0.113.10', allocationId: 'eipalloc-0a1b2c3d4e5f60718' },
      { output: 'EgressIp2', publicIp: '203.0.113.11', allocationId: 'eipalloc-0a1b2c3d4e5f60719' },
    ]);
    expect(outputs.hawkSecretArn).toMatch(/^arn:aws:secretsmanager:/);
    expect(outputs.webhookUrl).toBe('https://abc.lambda-url.eu-west-1.on.aws/');
  });

  it('reads the egress IPs of adopted Elastic IPs, when no EgressIps stack was deployed', () => {
    // Arrange
    const text = JSON.stringify({ 'CoindirectPayouts-staging-Worker': { EgressIp1: '198.51.100.7' } });

    // Act
    const outputs = parseDeployOutputs(text, 'staging', FILE);

    // Assert
    expect(outputs.egressIps).toEqual([
      { output: 'EgressIp1', publicIp: '198.51.100.7', allocationId: undefined },
    ]);
    expect(outputs.hawkSecretArn).toBeUndefined();
  });

  it.each([
    ['not JSON', '{"CoindirectPayouts-staging-Worker": ', /outputs-staging.json is not JSON/],
    [
      'without the worker stack',
      JSON.stringify({ 'CoindirectPayouts-staging-EgressIps': { EgressIp1PublicIp: '203.0.113.10' } }),
      /has no outputs of stack CoindirectPayouts-staging-Worker: .*describe-stacks --stack-name CoindirectPayouts-staging-Worker/,
    ],
    [
      'with a worker stack of another environment only',
      JSON.stringify({ 'CoindirectPayouts-production-Worker': { EgressIp1: '203.0.113.10' } }),
      /has no outputs of stack CoindirectPayouts-staging-Worker/,
    ],
    [
      'without an egress IP',
      JSON.stringify({ 'CoindirectPayouts-staging-Worker': { PayoutQueueUrl: 'https://sqs' } }),
      /has no EgressIp1 output/,
    ],
    [
      'with an egress IP that is not an IPv4 address',
      JSON.stringify({ 'CoindirectPayouts-staging-Worker': { EgressIp1: '203.0.113.300' } }),
      /output EgressIp1 of CoindirectPayouts-staging-Worker is not an IPv4 address: "203.0.113.300"/,
    ],
  ])('refuses a file %s, saying what is missing', (_, text, message) => {
    // Act
    const act = () => parseDeployOutputs(text, 'staging', FILE);

    // Assert
    expect(act).toThrow(CliError);
    expect(act).toThrow(message);
  });
});
