/** An error as one log-safe line: its name and message only, never a serialized object or a stack. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : 'non-error thrown';
}
