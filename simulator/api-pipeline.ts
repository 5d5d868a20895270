// One /api/ request from bytes to answer: body limit, latency, HAWK, faults, route, request log.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ApiDeps, type RouteResult, routeApi } from './api-routes.ts';
import type { HawkGate } from './auth.ts';
import {
  forbidden,
  nonceReused,
  problem,
  rateLimited,
  serverError,
  unauthorizedWith,
} from './error-bodies.ts';
import type { FaultBook, FaultTarget } from './faults.ts';
import { html, json, parseJson, readBody, type SimResponse, send } from './http-io.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { Fault, FaultKind, RequestLogEntry, RequestOutcome } from './types.ts';

export interface PipelineDeps {
  readonly gate: HawkGate;
  readonly faults: FaultBook;
  readonly rateLimit: RateLimiter;
  readonly api: ApiDeps;
  /** Aborted when the simulator closes, ending every pending delay. */
  readonly signal: AbortSignal;
  readonly log: (entry: RequestLogEntry) => void;
}

interface Verdict {
  readonly status: number | null;
  readonly outcome: RequestOutcome;
  readonly fault: FaultKind | null;
}

// What an edge WAF answers with: the request never reached the application (docs/coindirect.md, "HAWK request signing").
const WAF_PAGE =
  '<!DOCTYPE html><html><head><title>Request blocked</title></head>' +
  '<body><h1>Request blocked.</h1><p>The request could not be satisfied (simulated).</p></body></html>';

export async function serveApi(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  deps: PipelineDeps,
): Promise<void> {
  const method = req.method ?? 'GET';
  const start = { at: deps.api.clock(), method, path: url.pathname, query: url.search.slice(1) };
  let who: { id: string | null; nonce: string | null } = { id: null, nonce: null };
  const record = (verdict: Verdict): void =>
    deps.log({ ...start, ...verdict, authId: who.id, nonce: who.nonce });

  const body = await readBody(req);
  if (!body.ok) {
    send(res, json(413, { code: 'PAYLOAD_TOO_LARGE', message: 'Request body over 64 KB' }), true);
    return record({ status: 413, outcome: 'too-large', fault: null });
  }
  // Like a gateway in front of the API: refused before anything else looks at the request.
  const rate = deps.rateLimit.take();
  if (!rate.ok) {
    send(res, rateLimited(rate.retryAfterSec));
    return record({ status: 429, outcome: 'rate-limited', fault: null });
  }
  const target: FaultTarget = { method, path: url.pathname, reference: referenceOf(method, url, body.text) };
  await pause(deps.api.modes().latencyMs, deps.signal);
  const delay = deps.faults.take(target, 'beforeAuth');
  if (delay?.kind === 'delay') await pause(delay.ms, deps.signal);

  const auth = await deps.gate.verify(req);
  who = auth;
  if (!auth.ok) {
    send(res, auth.status === 429 ? nonceReused() : unauthorizedWith(auth.reason, auth.wwwAuthenticate));
    const outcome = auth.status === 429 ? 'nonce-reused' : 'unauthorized';
    return record({ status: auth.status, outcome, fault: delay?.kind ?? null });
  }

  const route = (): RouteResult => routeApi({ method, url, bodyText: body.text }, deps.api);
  const fault = deps.faults.take(target, 'afterAuth');
  if (fault === undefined) {
    const result = route();
    send(res, result.response);
    return record({ status: result.response.status, outcome: result.outcome, fault: delay?.kind ?? null });
  }
  record(await applyFault(fault, res, route, deps));
}

async function applyFault(
  fault: Fault,
  res: ServerResponse,
  route: () => RouteResult,
  deps: PipelineDeps,
): Promise<Verdict> {
  const answer = (response: SimResponse): Verdict => {
    send(res, response);
    return { status: response.status, outcome: 'fault', fault: fault.kind };
  };
  switch (fault.kind) {
    case 'status':
      return answer(serverError(fault.status));
    case 'html':
      return answer(html(fault.status, WAF_PAGE));
    case 'throttle':
      return answer(
        json(
          429,
          { code: 'TOO_MANY_REQUESTS', message: 'Rate limit exceeded (simulated)' },
          { 'retry-after': String(fault.retryAfterSec ?? 1) },
        ),
      );
    case 'forbidden':
      return answer(forbidden());
    case 'insufficientFunds':
      return answer(problem(deps.api.errorStyle, 'insufficientFunds'));
    case 'rejectAddress':
      return answer(problem(fault.style ?? deps.api.errorStyle, 'invalidAddress'));
    case 'dropBeforeCommit':
      res.socket?.destroy();
      return { status: null, outcome: 'fault', fault: fault.kind };
    case 'hang':
      // The route never runs, so a hung create commits nothing.
      await heldUntilGone(res, deps.signal);
      res.socket?.destroy();
      return { status: null, outcome: 'fault', fault: fault.kind };
    case 'commitThenDrop': {
      const committed = route();
      res.socket?.destroy();
      return { status: null, outcome: committed.outcome, fault: fault.kind };
    }
    case 'commitThenDelay': {
      const committed = route();
      await pause(fault.ms, deps.signal);
      send(res, committed.response);
      return { status: committed.response.status, outcome: committed.outcome, fault: fault.kind };
    }
    case 'delay': {
      // Unreachable: FaultBook hands out delays before authentication only.
      const result = route();
      send(res, result.response);
      return { status: result.response.status, outcome: result.outcome, fault: fault.kind };
    }
  }
}

/** The reference a fault rule can match on: the create body's `reference`, or the search's `q`. */
function referenceOf(method: string, url: URL, bodyText: string): string | null {
  if (method === 'POST') {
    const body = parseJson(bodyText);
    if (
      typeof body === 'object' &&
      body !== null &&
      'reference' in body &&
      typeof body.reference === 'string'
    ) {
      return body.reference;
    }
    return null;
  }
  return url.searchParams.get('q');
}

/**
 * Resolves once the client gave up (the response's connection closed) or the simulator is closing. It
 * waits on events only, no timer, so a request held forever costs nothing but its socket.
 */
function heldUntilGone(res: ServerResponse, signal: AbortSignal): Promise<void> {
  if (res.destroyed || res.socket === null || res.socket.destroyed || signal.aborted)
    return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('close', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    res.once('close', done);
    signal.addEventListener('abort', done, { once: true });
  });
}

async function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms > 0) await sleep(ms, undefined, { signal });
}
