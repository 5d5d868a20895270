import { describe, expect, it, vi } from 'vitest';
import {
  installedSdkNodeRange,
  isSdkNodeWarning,
  quietSdkNodeWarning,
  SDK_NODE_WARNING_SWITCH,
  satisfiesMinimum,
  type WarningProcess,
} from '#tools/lib/sdk-node-warning.ts';

// The text @aws-sdk/core 3.981 emits on Node < 22, and the one earlier releases emitted.
const SDK_WARNING = `NodeVersionSupportWarning: The AWS SDK for JavaScript (v3)
versions published after the first week of January 2027
will require node >=22. You are running node v20.20.2.`;
const OLDER_SDK_WARNING =
  'NodeDeprecationWarning: The AWS SDK for JavaScript (v3) will\nno longer support Node.js 16.x on January 6, 2025.';

function fakeProcess(version: string, env: Record<string, string | undefined> = {}) {
  const emitted = vi.fn<(warning: string | Error) => void>();
  const proc: WarningProcess = { env, version, emitWarning: emitted };
  return { proc, emitted };
}

describe('quietSdkNodeWarning', () => {
  it("sets the SDK's own switch on a Node the installed SDK supports", () => {
    // Arrange
    const { proc } = fakeProcess('v20.19.0');

    // Act
    const silenced = quietSdkNodeWarning(proc, '>=20.0.0');

    // Assert
    expect(silenced).toBe(true);
    expect(proc.env[SDK_NODE_WARNING_SWITCH]).toBe('true');
  });

  it('leaves the switch alone on a Node the SDK does not support, and lets its warning through once', () => {
    // Arrange
    const { proc, emitted } = fakeProcess('v20.19.0');

    // Act
    const silenced = quietSdkNodeWarning(proc, '>=22.0.0');
    proc.emitWarning(SDK_WARNING);
    proc.emitWarning(SDK_WARNING); // a second copy of @aws-sdk/core warns again
    proc.emitWarning(new Error(OLDER_SDK_WARNING));

    // Assert
    expect(silenced).toBe(false);
    expect(proc.env[SDK_NODE_WARNING_SWITCH]).toBeUndefined();
    expect(emitted).toHaveBeenCalledTimes(1);
    expect(emitted).toHaveBeenCalledWith(SDK_WARNING);
  });

  it('passes every other warning, each time', () => {
    // Arrange
    const { proc, emitted } = fakeProcess('v20.19.0');
    quietSdkNodeWarning(proc, '>=22.0.0');
    const experimental = 'ExperimentalWarning: Type Stripping is an experimental feature';

    // Act
    proc.emitWarning(experimental);
    proc.emitWarning(experimental);
    proc.emitWarning(new Error('Possible EventEmitter memory leak detected'));

    // Assert
    expect(emitted).toHaveBeenCalledTimes(3);
  });

  it('keeps a value the environment sets, either way', () => {
    // Arrange
    const off = fakeProcess('v20.19.0', { [SDK_NODE_WARNING_SWITCH]: 'false' });
    const on = fakeProcess('v18.0.0', { [SDK_NODE_WARNING_SWITCH]: 'true' });

    // Act / Assert
    expect(quietSdkNodeWarning(off.proc, '>=20.0.0')).toBe(false);
    expect(off.proc.env[SDK_NODE_WARNING_SWITCH]).toBe('false');
    expect(quietSdkNodeWarning(on.proc, '>=20.0.0')).toBe(true);
  });

  it('leaves the SDK alone when its Node range is not of the form >=X.Y.Z', () => {
    // Arrange
    const { proc } = fakeProcess('v20.19.0');

    // Act / Assert
    expect(quietSdkNodeWarning(proc, '^20.0.0 || >=22.0.0')).toBe(false);
    expect(proc.env[SDK_NODE_WARNING_SWITCH]).toBeUndefined();
  });

  it('wraps emitWarning only once when called twice', () => {
    // Arrange
    const { proc, emitted } = fakeProcess('v20.19.0');
    quietSdkNodeWarning(proc, '>=22.0.0');
    const wrapped = proc.emitWarning;

    // Act
    quietSdkNodeWarning(proc, '>=22.0.0');
    proc.emitWarning(SDK_WARNING);

    // Assert
    expect(proc.emitWarning).toBe(wrapped);
    expect(emitted).toHaveBeenCalledTimes(1);
  });
});

describe('satisfiesMinimum', () => {
  it.each([
    ['v20.19.0', '>=20.0.0', true],
    ['v20.0.0', '>=20.0.0', true],
    ['v18.20.4', '>=20.0.0', false],
    ['v22.1.0', '>=22', true],
    ['v20.19.0', '>=20.20.0', false],
    ['v24.0.0', '>= 22.0.0', true],
    ['v20.19.0', '^20 || >=22', undefined],
    ['v20.19.0', '20.x', undefined],
  ])('%s against %s: %s', (version, range, expected) => {
    // Act / Assert
    expect(satisfiesMinimum(version, range)).toBe(expected);
  });
});

describe('the installed SDK', () => {
  it('states its Node range in the form read here, so a supported Node is recognized', () => {
    // Act
    const range = installedSdkNodeRange();

    // Assert
    expect(range).toMatch(/^>=\d+/);
    expect(satisfiesMinimum(process.version, range ?? '')).toBe(true);
  });

  it('recognizes its warning by its text', () => {
    // Act / Assert
    expect(isSdkNodeWarning(SDK_WARNING)).toBe(true);
    expect(isSdkNodeWarning(OLDER_SDK_WARNING)).toBe(true);
    expect(isSdkNodeWarning('The AWS SDK for JavaScript (v3) is great')).toBe(false);
  });
});
