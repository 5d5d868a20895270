import type { WebhookResult } from './receiver.ts';

/** Metric names the webhook receiver emits (CloudWatch EMF, dimension `service=payout-webhook`). */
export const WEBHOOK_METRIC = {
  accepted: 'WebhookAccepted',
  ignored: 'WebhookIgnored',
  malformed: 'WebhookMalformed',
  unsigned: 'WebhookUnsigned',
  badSignature: 'WebhookSignatureInvalid',
  methodNotAllowed: 'WebhookMethodNotAllowed',
  tooLarge: 'WebhookTooLarge',
  unavailable: 'WebhookUnavailable',
} as const satisfies Record<WebhookResult['outcome'], string>;
export type WebhookMetricName = (typeof WEBHOOK_METRIC)[keyof typeof WEBHOOK_METRIC];
