// The SDK's Node version warning in a real Node process with the installed SDK: how often a command that
// creates several clients prints it, with and without the guard runCli installs.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SDK_NODE_WARNING_SWITCH } from '#tools/lib/sdk-node-warning.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
// The SDK (3.981) warns on any Node below 22 although its releases support Node 20.
const SDK_WARNS_HERE = Number(process.versions.node.split('.')[0]) < 22;

/** Runs a process that (optionally) installs the guard, then creates three SDK clients; returns its stderr. */
async function stderrOf(guard: 'none' | 'installed-range' | 'unsupported-range'): Promise<string> {
  const script = `
    const { quietSdkNodeWarning } = await import('./tools/lib/sdk-node-warning.ts');
    const mode = process.argv[1];
    if (mode === 'installed-range') quietSdkNodeWarning();
    if (mode === 'unsupported-range') quietSdkNodeWarning(process, '>=99.0.0');
    const { SQSClient } = await import('@aws-sdk/client-sqs');
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const { LambdaClient } = await import('@aws-sdk/client-lambda');
    for (const Client of [SQSClient, DynamoDBClient, LambdaClient]) new Client({ region: 'us-east-1' }).destroy();
  `;
  const env = { ...process.env };
  delete env[SDK_NODE_WARNING_SWITCH];
  delete env.NODE_OPTIONS;
  const { stderr } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script, guard],
    { cwd: ROOT, env },
  );
  return stderr;
}

const warnings = (stderr: string): number => stderr.split('The AWS SDK for JavaScript (v3)').length - 1;

describe('the SDK Node version warning in a command process', () => {
  it('is printed by the SDK itself without the guard (once: one @aws-sdk/core here)', async () => {
    // Act
    const stderr = await stderrOf('none');

    // Assert
    expect(warnings(stderr)).toBe(SDK_WARNS_HERE ? 1 : 0);
  });

  it('is not printed on this Node, which the installed SDK supports', async () => {
    // Act
    const stderr = await stderrOf('installed-range');

    // Assert
    expect(warnings(stderr)).toBe(0);
  });

  it('is printed at most once when the SDK does not support the running Node', async () => {
    // Act
    const stderr = await stderrOf('unsupported-range');

    // Assert
    expect(warnings(stderr)).toBe(SDK_WARNS_HERE ? 1 : 0);
  });
});
