import { PAYOUT_METRICS_NAMESPACE } from '#shared/deployment/metrics.ts';

/**
 * Powertools' own variables, which infra sets, and the project's older names, still read when the new one
 * is unset (docs/operations.md, "Logging and metrics"). Powertools itself reads `POWERTOOLS_LOG_LEVEL`
 * and, when that is unset, `LOG_LEVEL`; the namespace is passed to it explicitly, so the old name is
 * honoured here.
 */
export const POWERTOOLS_VARIABLES = {
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  metricsNamespace: { name: 'POWERTOOLS_METRICS_NAMESPACE', oldName: 'METRICS_NAMESPACE' },
  logLevel: { name: 'POWERTOOLS_LOG_LEVEL', oldName: 'LOG_LEVEL' },
} as const;

type Env = Readonly<Record<string, string | undefined>>;

/** A variable's value, or undefined when unset or empty. */
function read(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** The EMF namespace: `POWERTOOLS_METRICS_NAMESPACE`, else `METRICS_NAMESPACE`, else `CoindirectPayouts`. */
export function metricsNamespaceFrom(env: Env): string {
  const { name, oldName } = POWERTOOLS_VARIABLES.metricsNamespace;
  return read(env, name) ?? read(env, oldName) ?? PAYOUT_METRICS_NAMESPACE;
}

/** The log level: `POWERTOOLS_LOG_LEVEL`, else `LOG_LEVEL`; undefined leaves Powertools' default (INFO). */
export function logLevelFrom(env: Env): string | undefined {
  const { name, oldName } = POWERTOOLS_VARIABLES.logLevel;
  return read(env, name) ?? read(env, oldName);
}
