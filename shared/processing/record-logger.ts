import type { LoggerPort } from './ports.ts';

/** The keys every log line about one queue record carries. */
export interface RecordLogKeys {
  readonly messageId: string;
  reference?: string;
}

/** A logger for one record: its lines carry the record's keys; `setReference` adds the reference once read. */
export interface RecordLogger extends LoggerPort {
  setReference(reference: string): void;
}

/**
 * Wraps the shared logger for one record: every line gets `messageId`, and `reference` once known, before
 * its own fields. Records of a batch run concurrently, so the keys live here, per record, never on the
 * shared logger (Powertools' appendKeys would mix records); a Powertools child logger per record would do
 * the same at ~150 µs each, more than half a payout's CPU (docs/decisions.md, "Tracing and logs").
 */
export function recordLogger(base: LoggerPort, messageId: string): RecordLogger {
  const keys: RecordLogKeys = { messageId };
  const log =
    (level: keyof LoggerPort) =>
    (message: string, ...extra: Record<string, unknown>[]): void => {
      base[level](message, { ...keys }, ...extra);
    };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    setReference(reference) {
      keys.reference = reference;
    },
  };
}
