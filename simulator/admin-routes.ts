// The unauthenticated `/__sim/` admin API: the in-process controls as JSON, for another process
// (a chaos run, `npm start`) that drives a simulator it did not start. Loopback only, like the server.
import { z } from 'zod';
import { json, noContent, parseJson, type SimResponse } from './http-io.ts';
import type { FaultRule, SimulatorControls } from './types.ts';
import { MAX_LATENCY_MS } from './vendor-modes.ts';

const faultSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('status'), status: z.union([z.literal(500), z.literal(502), z.literal(503)]) }),
  z.object({ kind: z.literal('html'), status: z.number().int().min(100).max(599) }),
  z.object({ kind: z.literal('throttle'), retryAfterSec: z.number().int().nonnegative().optional() }),
  z.object({ kind: z.literal('forbidden') }),
  z.object({ kind: z.literal('insufficientFunds') }),
  z.object({ kind: z.literal('rejectAddress'), style: z.enum(['coindirect', 'bvnk']).optional() }),
  z.object({ kind: z.literal('commitThenDrop') }),
  z.object({ kind: z.literal('commitThenDelay'), ms: z.number().int().nonnegative() }),
  z.object({ kind: z.literal('dropBeforeCommit') }),
  z.object({ kind: z.literal('delay'), ms: z.number().int().nonnegative() }),
  z.object({ kind: z.literal('hang') }),
]);

/** JSON has no Infinity: `times: null` means a fault that never disarms. */
const faultRuleSchema = z.strictObject({
  fault: faultSchema,
  match: z.strictObject({ method: z.string(), path: z.string(), reference: z.string() }).partial().optional(),
  times: z.number().int().positive().nullable().optional(),
  probability: z.number().min(0).max(1).optional(),
});

const credentialSchema = z.strictObject({ id: z.string().min(1), key: z.string().min(1) });
const revokeSchema = z.strictObject({ id: z.string().min(1) });
const latencySchema = z.strictObject({ ms: z.number().int().nonnegative().max(MAX_LATENCY_MS) });
/** Every field optional; `duplicateReferenceCode: null` goes back to the documented duplicate answer. */
const vendorSchema = z.strictObject({
  searchLagMs: z.number().int().nonnegative().optional(),
  duplicateReferenceCode: z.string().min(1).nullable().optional(),
  enforceUniqueReference: z.boolean().optional(),
  normalize: z.boolean().optional(),
  latencyMs: z.number().int().nonnegative().max(MAX_LATENCY_MS).optional(),
  /** `null` lifts the limit. */
  rateLimit: z
    .strictObject({ rps: z.number().positive(), burst: z.number().min(1) })
    .nullable()
    .optional(),
  clockSkewMs: z.number().int().optional(),
});
const webhookSchema = z.strictObject({
  url: z.url(),
  registeredUrl: z.url().optional(),
  secret: z.string().min(1).optional(),
});
const uuidSchema = z.strictObject({ uuid: z.string().min(1) });
const statusSchema = z.strictObject({
  uuid: z.string().min(1),
  status: z.enum(['PENDING', 'PROCESSING', 'COMPLETE', 'CANCELLED', 'UNDERPAID', 'OVERPAID', 'EXPIRED']),
});

export function routeAdmin(
  method: string,
  path: string,
  bodyText: string,
  controls: SimulatorControls,
): SimResponse {
  const route = `${method} ${path}`;
  switch (route) {
    case 'GET /__sim/payouts':
      return json(200, { payouts: controls.payouts() });
    case 'GET /__sim/requests':
      return json(200, { requests: controls.requests() });
    case 'GET /__sim/stats':
      return json(200, controls.apiCounts());
    case 'GET /__sim/faults':
      return json(200, {
        faults: controls.faults().map((f) => ({ ...f, remaining: finiteOrNull(f.remaining) })),
      });
    case 'POST /__sim/faults':
      return withBody(faultRuleSchema, bodyText, (wire) => {
        const rule: FaultRule = { ...wire, times: wire.times === null ? Infinity : wire.times };
        return json(201, { id: controls.injectFault(rule) });
      });
    case 'DELETE /__sim/faults':
      controls.clearFaults();
      return noContent();
    case 'POST /__sim/credentials':
      return withBody(credentialSchema, bodyText, (credential) => {
        controls.addCredential(credential);
        return noContent();
      });
    case 'POST /__sim/credentials/revoke':
      return withBody(revokeSchema, bodyText, ({ id }) =>
        controls.revokeCredential(id) ? noContent() : adminError(404, `unknown credential id ${id}`),
      );
    case 'POST /__sim/latency':
      return withBody(latencySchema, bodyText, ({ ms }) => {
        controls.setLatency(ms);
        return noContent();
      });
    case 'GET /__sim/vendor':
      return json(200, controls.vendorModes());
    case 'POST /__sim/vendor':
      return withBody(vendorSchema, bodyText, (patch) => json(200, controls.setVendorModes(patch)));
    case 'POST /__sim/payout-status':
      return withBody(statusSchema, bodyText, ({ uuid, status }) => {
        if (!controls.payouts().some((p) => p.uuid === uuid))
          return adminError(404, `unknown payout ${uuid}`);
        controls.setPayoutStatus(uuid, status);
        return noContent();
      });
    case 'GET /__sim/webhooks':
      return json(200, { deliveries: controls.webhookDeliveries() });
    case 'POST /__sim/webhook':
      return withBody(webhookSchema, bodyText, (target) => {
        controls.setWebhook(target);
        return noContent();
      });
    case 'DELETE /__sim/webhook':
      controls.setWebhook(undefined);
      return noContent();
    case 'POST /__sim/webhook/redeliver':
      return withBody(uuidSchema, bodyText, ({ uuid }) => {
        if (!controls.payouts().some((p) => p.uuid === uuid))
          return adminError(404, `unknown payout ${uuid}`);
        controls.redeliverWebhook(uuid);
        return noContent();
      });
    case 'POST /__sim/reset':
      controls.reset();
      return noContent();
    default:
      return adminError(404, `no admin route ${route}`);
  }
}

function withBody<T>(schema: z.ZodType<T>, bodyText: string, act: (value: T) => SimResponse): SimResponse {
  const parsed = schema.safeParse(parseJson(bodyText));
  if (!parsed.success) return adminError(400, z.prettifyError(parsed.error));
  return act(parsed.data);
}

function adminError(status: number, message: string): SimResponse {
  return json(status, { code: 'ADMIN_ERROR', message });
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
