import * as z from 'zod/mini';
import { payoutUuidSchema } from './payload.ts';

/**
 * What the receiver puts on the status queue for each verified payout webhook: a hint, not a fact. The
 * status function re-reads the payout at Coindirect before it changes anything.
 */
export const statusMessageSchema = z.object({
  uuid: payoutUuidSchema,
  /** The status the webhook claimed. */
  status: z.string().check(z.minLength(1), z.maxLength(32)),
  /** When the receiver accepted it (ISO 8601). */
  receivedAt: z.string().check(z.minLength(1)),
});
export type StatusMessage = z.infer<typeof statusMessageSchema>;

/** Parses a status-queue message body; undefined for anything else. */
export function parseStatusMessage(body: string): StatusMessage | undefined {
  try {
    const parsed = statusMessageSchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
