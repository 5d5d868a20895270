import { afterEach, describe, expect, it, vi } from 'vitest';
import { lambdaPowertools } from '#functions/lambda-runtime.ts';

/** The EMF lines Powertools writes to stdout while `run` runs. */
function emfLines(run: () => void): Array<Record<string, unknown>> {
  const written: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    run();
  } finally {
    spy.mockRestore();
  }
  return written
    .join('')
    .split('\n')
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const namespaceOf = (line: Record<string, unknown> | undefined) =>
  (line?._aws as { CloudWatchMetrics: Array<{ Namespace: string }> } | undefined)?.CloudWatchMetrics[0]
    ?.Namespace;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('lambdaPowertools', () => {
  it('emits one CoindirectLatency line per call, in milliseconds, by operation, by outcome class and by both', () => {
    const { coindirectCall, logger } = lambdaPowertools('payout-worker', {});
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);

    const [line, next, ...rest] = emfLines(() => {
      coindirectCall({ operation: 'create', outcome: 'throttled', durationMs: 123.4 });
      coindirectCall({ operation: 'lookup', outcome: 'found', durationMs: 7 });
    });

    expect(rest).toEqual([]);
    // A key in two sets is the design here: Powertools' warning about it must not flood the logs.
    expect(warn).not.toHaveBeenCalled();
    // Each line holds its own call only: the dimensions of the first are not carried over.
    expect(next).toMatchObject({ operation: 'lookup', outcome: 'found', CoindirectLatency: 7 });
    expect(
      (next?._aws as { CloudWatchMetrics: Array<{ Dimensions: unknown }> } | undefined)?.CloudWatchMetrics,
    ).toEqual([
      expect.objectContaining({
        Dimensions: [
          ['service', 'operation'],
          ['service', 'outcome'],
          ['service', 'operation', 'outcome'],
        ],
      }),
    ]);
    expect(line).toMatchObject({
      service: 'payout-worker',
      operation: 'create',
      outcome: 'throttled',
      CoindirectLatency: 123.4,
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'CoindirectPayouts',
            Dimensions: [
              ['service', 'operation'],
              ['service', 'outcome'],
              ['service', 'operation', 'outcome'],
            ],
            Metrics: [{ Name: 'CoindirectLatency', Unit: 'Milliseconds' }],
          },
        ],
      },
    });
  });

  it('does not mix the per-call line into the invocation metrics flushed at the end', () => {
    const { coindirectCall, count, metrics } = lambdaPowertools('payout-worker', {});

    const lines = emfLines(() => {
      count('PayoutSubmitted');
      coindirectCall({ operation: 'lookup', outcome: 'found', durationMs: 5 });
      metrics.publishStoredMetrics();
    });

    expect(lines.map((l) => [l.CoindirectLatency, l.PayoutSubmitted])).toEqual([
      [5, undefined],
      [undefined, 1],
    ]);
    expect(lines[1]?.operation).toBeUndefined();
  });

  it.each([
    [{ POWERTOOLS_METRICS_NAMESPACE: 'NewName', METRICS_NAMESPACE: 'OldName' }, 'NewName'],
    [{ METRICS_NAMESPACE: 'OldName' }, 'OldName'],
    [{ POWERTOOLS_METRICS_NAMESPACE: '', METRICS_NAMESPACE: 'OldName' }, 'OldName'],
    [{}, 'CoindirectPayouts'],
  ])('reads the namespace from %o as %s', (env, namespace) => {
    const { count, metrics } = lambdaPowertools('payout-worker', env);

    const [line] = emfLines(() => {
      count('PayoutSubmitted');
      metrics.publishStoredMetrics();
    });

    expect(namespaceOf(line)).toBe(namespace);
  });

  it.each([
    [{ POWERTOOLS_LOG_LEVEL: 'ERROR', LOG_LEVEL: 'DEBUG' }, 'ERROR'],
    [{ LOG_LEVEL: 'DEBUG' }, 'DEBUG'],
    [{}, 'INFO'],
  ])('sets the log level from %o to %s', (env, level) => {
    // Powertools would otherwise fall back on the test process's own variables.
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', '');
    vi.stubEnv('LOG_LEVEL', '');

    const { logger } = lambdaPowertools('payout-worker', env);

    expect(logger.getLevelName()).toBe(level);
    vi.unstubAllEnvs();
  });

  it('names the service from POWERTOOLS_SERVICE_NAME, else the function', () => {
    const named = lambdaPowertools('payout-worker', { POWERTOOLS_SERVICE_NAME: 'payout-worker-eu' });
    const unnamed = lambdaPowertools('payout-worker', {});

    const [a, b] = emfLines(() => {
      named.coindirectCall({ operation: 'read', outcome: 'found', durationMs: 1 });
      unnamed.coindirectCall({ operation: 'read', outcome: 'found', durationMs: 1 });
    });

    expect([a?.service, b?.service]).toEqual(['payout-worker-eu', 'payout-worker']);
  });
});
