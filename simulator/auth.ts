// HAWK verification with the hawk package's own server API (never a re-implementation), plus the
// nonce rule Coindirect documents: a nonce seen in the last 15 minutes is answered with 429.
import type { IncomingMessage } from 'node:http';
import Hawk from 'hawk';
import type { HawkCredential, QueryInMac } from './types.ts';

const NONCE_TTL_MS = 15 * 60_000;

export type AuthVerdict =
  | { readonly ok: true; readonly id: string; readonly nonce: string }
  | {
      readonly ok: false;
      readonly status: 401 | 429;
      readonly reason: string;
      /** hawk's `WWW-Authenticate` for a 401 (a stale timestamp's carries ts and tsm). */
      readonly wwwAuthenticate?: string;
      readonly id: string | null;
      readonly nonce: string | null;
    };

export interface HawkGateOptions {
  readonly clock: () => number;
  readonly timestampSkewSec: number;
  readonly queryInMac: QueryInMac;
  /** How far ahead of `clock` the server's own time runs (the `clockSkewMs` vendor mode). Default 0. */
  readonly skewMs?: () => number;
}

export class HawkGate {
  readonly #initial: readonly HawkCredential[];
  readonly #keys = new Map<string, string>();
  // Key `${id}\n${nonce}`, value the expiry in ms; insertion order is expiry order while the clock runs forward.
  readonly #nonces = new Map<string, number>();
  readonly #options: HawkGateOptions;

  constructor(initial: readonly HawkCredential[], options: HawkGateOptions) {
    this.#initial = initial;
    this.#options = options;
    this.reset();
  }

  add(credential: HawkCredential): void {
    this.#keys.set(credential.id, credential.key);
  }

  revoke(id: string): boolean {
    return this.#keys.delete(id);
  }

  reset(): void {
    this.#keys.clear();
    this.#nonces.clear();
    for (const credential of this.#initial) this.add(credential);
  }

  async verify(req: IncomingMessage): Promise<AuthVerdict> {
    const authorization = req.headers.authorization ?? '';
    const claimed = claimedIdentity(authorization);
    const host = Hawk.utils.parseHost(req);
    if (host === null) return { ok: false, status: 401, reason: 'Invalid Host header', ...claimed };
    let reason = 'Bad mac';
    for (const resource of this.#resources(req.url ?? '/')) {
      const request = {
        method: req.method ?? 'GET',
        url: resource,
        host: host.name,
        port: host.port,
        authorization,
        contentType: req.headers['content-type'] ?? '',
      };
      const verdict = await this.#authenticate(request, claimed);
      if (verdict.ok || verdict.reason !== 'Bad mac') return verdict;
      reason = verdict.reason;
    }
    return { ok: false, status: 401, reason, ...claimed };
  }

  #resources(url: string): string[] {
    const path = url.split('?')[0] ?? url;
    if (path === url || this.#options.queryInMac === 'included') return [url];
    if (this.#options.queryInMac === 'excluded') return [path];
    return [url, path];
  }

  async #authenticate(
    request: Hawk.utils.CustomRequest,
    claimed: { id: string | null; nonce: string | null },
  ): Promise<AuthVerdict> {
    let nonceReused = false;
    const now = this.#options.clock() + (this.#options.skewMs?.() ?? 0);
    const credentialsFunc = (id: string): Hawk.server.Credentials => {
      const key = this.#keys.get(id);
      // hawk keeps the 401 of a Boom error thrown here ("Unknown credentials").
      if (key === undefined) throw Hawk.utils.unauthorized('Unknown credentials');
      return { key, algorithm: 'sha256', user: id };
    };
    const nonceFunc = (_key: string, nonce: string): void => {
      // hawk turns any nonceFunc failure into a 401; the flag lets the caller answer 429 instead.
      nonceReused = this.#remember(`${claimed.id ?? ''}\n${nonce}`, now);
      if (nonceReused) throw new Error('nonce reused');
    };
    try {
      // hawk documents a plain request object as an alternative to a node request (lib/server.js);
      // it is how the query-less resource variant gets checked. @types/hawk only declares the latter.
      const result = await Hawk.server.authenticate(request as unknown as IncomingMessage, credentialsFunc, {
        nonceFunc,
        timestampSkewSec: this.#options.timestampSkewSec,
        localtimeOffsetMsec: now - Date.now(),
      });
      return { ok: true, id: result.credentials.user, nonce: result.artifacts.nonce };
    } catch (error) {
      if (nonceReused) return { ok: false, status: 429, reason: 'Nonce already used', ...claimed };
      const reason = error instanceof Error && error.message !== '' ? error.message : 'Unauthorized';
      const wwwAuthenticate = wwwAuthenticateOf(error);
      return {
        ok: false,
        status: 401,
        reason,
        ...claimed,
        ...(wwwAuthenticate === undefined ? {} : { wwwAuthenticate }),
      };
    }
  }

  /** Records a nonce; true when it was already seen and has not expired. */
  #remember(key: string, now: number): boolean {
    for (const [seen, expiresAt] of this.#nonces) {
      if (expiresAt > now) break;
      this.#nonces.delete(seen);
    }
    const expiresAt = this.#nonces.get(key);
    if (expiresAt !== undefined && expiresAt > now) return true;
    this.#nonces.delete(key);
    this.#nonces.set(key, now + NONCE_TTL_MS);
    return false;
  }
}

/** The `WWW-Authenticate` of hawk's 401 (a Boom error's `output.headers`), when there is one. */
function wwwAuthenticateOf(error: unknown): string | undefined {
  const headers = (error as { output?: { headers?: Record<string, unknown> } } | null)?.output?.headers;
  const value = headers?.['WWW-Authenticate'];
  return typeof value === 'string' ? value : undefined;
}

/** The id and nonce the header claims, for the request log; nulls when the header does not parse. */
function claimedIdentity(authorization: string): { id: string | null; nonce: string | null } {
  try {
    const attributes = Hawk.utils.parseAuthorizationHeader(authorization);
    return { id: attributes.id ?? null, nonce: attributes.nonce ?? null };
  } catch {
    return { id: null, nonce: null };
  }
}
