// A container whose clock has drifted signs every request with a stale `ts`, and a HAWK server answers
// each with 401. hawk's server says so in `WWW-Authenticate: Hawk ts="…", tsm="…", error="Stale
// timestamp"`, where `tsm` is a MAC of its time under our own key. That proves the answer came from a
// server that knows the key, so the time is trusted and the container corrects its offset once.
import hawk from 'hawk';
import type { HawkCredentials } from './hawk-signer.ts';
import type { HttpResponse } from './http-transport.ts';

type AuthenticateArgs = Parameters<typeof hawk.client.authenticate>;

/**
 * The container's correction to its own clock for HAWK timestamps, in ms (hawk's `localtimeOffsetMsec`):
 * signed time = local time + `ms`. Shared by every Coindirect client in the container.
 */
export class ClockOffset {
  #ms = 0;

  get ms(): number {
    return this.#ms;
  }

  set(ms: number): void {
    this.#ms = ms;
  }
}

/**
 * The server's time from a 401's `WWW-Authenticate`, in epoch ms, when it carries `ts` with a `tsm` that
 * hawk's client side verifies under `credentials`; undefined for any other 401 (a bad MAC, an unknown key,
 * no header) and for a `tsm` that does not verify, which may be forged and is never trusted.
 */
export function verifiedServerTime(response: HttpResponse, credentials: HawkCredentials): number | undefined {
  const header = response.headers['www-authenticate'];
  if (response.status !== 401 || header === undefined || !/\bts="/.test(header)) return undefined;
  try {
    // hawk.client.authenticate checks `tsm` against `ts` with the key (crypto.calculateTsMac) and
    // throws "Invalid server timestamp hash" when it does not match; without a Server-Authorization
    // header there is nothing else for it to check.
    // @types/hawk wants a node response and request artifacts; hawk reads only `headers` of the first, and
    // uses the artifacts only for a Server-Authorization header, which this response has none of.
    const result = hawk.client.authenticate(
      { headers: { 'www-authenticate': header } } as unknown as AuthenticateArgs[0],
      { id: credentials.hawkAuthId, key: credentials.hawkAuthKey, algorithm: 'sha256' },
      {} as AuthenticateArgs[2],
    ) as { headers: { 'www-authenticate'?: { ts?: string; tsm?: string } } };
    const attributes = result.headers['www-authenticate'];
    const ts = Number(attributes?.ts);
    if (attributes?.tsm === undefined || !Number.isSafeInteger(ts) || ts <= 0) return undefined;
    return ts * 1000;
  } catch {
    return undefined;
  }
}

/**
 * Corrects `offset` from a stale-timestamp 401; true when it did (the request is then worth signing again
 * at once). `now` is the local clock, without any offset.
 */
export function correctClockOffset(
  offset: ClockOffset,
  response: HttpResponse,
  credentials: HawkCredentials,
  now: number,
): boolean {
  const serverTime = verifiedServerTime(response, credentials);
  if (serverTime === undefined) return false;
  // The server's ts is whole seconds, read somewhere in the second before we saw it: aim half a second in.
  offset.set(serverTime + 500 - now);
  return true;
}
