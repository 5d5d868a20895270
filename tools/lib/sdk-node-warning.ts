// The AWS SDK's Node version warning, shown only when it is true. @aws-sdk/core prints an 8-line
// "NodeVersionSupportWarning" (earlier releases: "NodeDeprecationWarning") through process.emitWarning
// when the first client is created on a Node older than the one its *future* releases will need, even
// when the installed release supports the running Node (its package.json `engines`). The SDK's own switch,
// AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true, turns it off; it is read when a client is created.
import { createRequire } from 'node:module';

/** The SDK's switch (read by @aws-sdk/core's emitWarningIfUnsupportedVersion). */
export const SDK_NODE_WARNING_SWITCH = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

/** The part of `process` this module touches, so a test can hand in its own. */
export interface WarningProcess {
  readonly env: Record<string, string | undefined>;
  readonly version: string;
  emitWarning: (warning: string | Error, ...rest: never[]) => void;
}

const GUARDED = Symbol.for('coindirect-payouts.sdkNodeWarningGuard');

/**
 * Call once at the start of a command, before any SDK client exists:
 * - on a Node the installed SDK supports (`nodeRange`, default @aws-sdk/core's `engines.node`), sets the
 *   SDK's switch, unless the environment already sets it either way: no warning;
 * - otherwise the warning is true, and is let through at most once per process, however many copies of
 *   @aws-sdk/core (each with its own "already warned" flag) the process loads. Other warnings pass as before.
 *
 * @returns whether the warning was silenced
 */
export function quietSdkNodeWarning(
  proc: WarningProcess = process as unknown as WarningProcess,
  nodeRange: string | undefined = installedSdkNodeRange(),
): boolean {
  guardOnce(proc);
  if (proc.env[SDK_NODE_WARNING_SWITCH] !== undefined) return proc.env[SDK_NODE_WARNING_SWITCH] === 'true';
  if (nodeRange === undefined || satisfiesMinimum(proc.version, nodeRange) !== true) return false;
  proc.env[SDK_NODE_WARNING_SWITCH] = 'true';
  return true;
}

/** Whether a warning is the SDK's Node version warning (by its text, which names the SDK and Node). */
export function isSdkNodeWarning(warning: string | Error): boolean {
  const text = typeof warning === 'string' ? warning : `${warning.name}: ${warning.message}`;
  return /AWS SDK for JavaScript \(v3\)/.test(text) && /\bnode(\.js)?\b/i.test(text);
}

/**
 * Whether `version` (e.g. `v20.19.0`) satisfies `range` of the one form the SDK's `engines.node` takes,
 * `>=MAJOR[.MINOR[.PATCH]]`; undefined for any other form (the caller then leaves the SDK alone).
 */
export function satisfiesMinimum(version: string, range: string): boolean | undefined {
  const wanted = /^\s*>=\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/.exec(range);
  const have = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (wanted === null || have === null) return undefined;
  const a = [1, 2, 3].map((i) => Number(have[i]));
  const b = [1, 2, 3].map((i) => Number(wanted[i] ?? 0));
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

/** `engines.node` of the installed @aws-sdk/core (the package that warns), as the SQS client resolves it. */
export function installedSdkNodeRange(): string | undefined {
  try {
    const fromClient = createRequire(createRequire(import.meta.url).resolve('@aws-sdk/client-sqs'));
    const manifest = fromClient('@aws-sdk/core/package.json') as { engines?: { node?: unknown } };
    return typeof manifest.engines?.node === 'string' ? manifest.engines.node : undefined;
  } catch {
    return undefined;
  }
}

function guardOnce(proc: WarningProcess): void {
  const marked = proc as WarningProcess & { [GUARDED]?: true };
  if (marked[GUARDED]) return;
  marked[GUARDED] = true;
  const emit = proc.emitWarning;
  let shown = false;
  proc.emitWarning = function emitWarning(this: unknown, warning: string | Error, ...rest: never[]): void {
    if (isSdkNodeWarning(warning)) {
      if (shown) return;
      shown = true;
    }
    emit.call(this, warning, ...rest);
  };
}
