import { randomBytes } from 'node:crypto';
import hawk from 'hawk';

/** A HAWK credential pair as Coindirect issues it: the key is used as its UTF-8 bytes, never base64-decoded. */
export interface HawkCredentials {
  readonly hawkAuthId: string;
  readonly hawkAuthKey: string;
}

/** What the signer needs besides the request: injectable so tests pin time and randomness. */
export interface SignerOptions {
  /** Current time in milliseconds. Default: `Date.now`. */
  readonly clock?: () => number;
  /** Returns a fresh nonce per call. Default: 16 base62 characters from the OS CSPRNG. */
  readonly nonce?: () => string;
  /**
   * Whether the query string is part of the signed resource. Default: true, as the `hawk` package, the
   * Coindirect Java SDK and third-party clients do; Coindirect's newer guide says otherwise (UNCONFIRMED,
   * docs/coindirect.md, "HAWK request signing"), so it is configurable.
   */
  readonly signQuery?: boolean;
  /**
   * Correction to `clock` for the `ts` signed, in ms (hawk's own option of that name): set after a
   * Coindirect 401 proved, with a verified `tsm`, that the local clock is off (clock-skew.ts). Default 0.
   */
  readonly localtimeOffsetMsec?: number;
}

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A nonce of `length` base62 characters from `crypto.randomBytes`, with rejection sampling so every
 * character is equally likely. Coindirect answers 429 to a reused nonce, so each HTTP attempt needs its own.
 */
export function randomNonce(length = 16): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 * 62: bytes at or above it would bias the first characters of the alphabet.
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

/**
 * Builds the `Authorization: Hawk …` header for one HTTP attempt: sha256 MAC, no payload hash, no ext,
 * `ts` in seconds, a fresh nonce, and the host and port of the URL actually called.
 *
 * @example
 * const header = signRequest(new URL('https://api.sandbox.coindirect.com/api/v1/pay/summary'), 'POST', creds);
 */
export function signRequest(
  url: URL,
  method: string,
  credentials: HawkCredentials,
  options: SignerOptions = {},
): string {
  const clock = options.clock ?? Date.now;
  const nonce = (options.nonce ?? randomNonce)();
  const target = new URL(url.href);
  if (options.signQuery === false) target.search = '';
  const { header } = hawk.client.header(target.href, method.toUpperCase(), {
    credentials: { id: credentials.hawkAuthId, key: credentials.hawkAuthKey, algorithm: 'sha256' },
    // hawk ignores its localtimeOffsetMsec when given a timestamp, and the timestamp is given so that the
    // injected clock counts: the offset is applied here, as hawk would apply it.
    timestamp: Math.floor((clock() + (options.localtimeOffsetMsec ?? 0)) / 1000),
    nonce,
  });
  return header;
}
