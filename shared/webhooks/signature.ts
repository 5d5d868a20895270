import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header Coindirect/BVNK puts the webhook signature in (docs/coindirect.md, "Webhooks"). */
export const SIGNATURE_HEADER = 'x-signature';

const URL_PARTS = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*([^?#]*)(?:\?([^#]*))?/;
const HEX_SHA256 = /^[0-9A-Fa-f]{64}$/;

/**
 * The part of a registered webhook URL the signature covers: its raw path followed by its raw query,
 * without the `?` (nothing when there is no query). Read from the string as written, like Java's
 * `URL.getPath()`/`getQuery()` in Coindirect's validator: no percent-decoding or normalisation, and a URL
 * registered without a path (`https://host`) signs an empty path, not `/`.
 *
 * @example
 * signedUrlPart('https://example.com/hooks/coindirect?env=prod') // '/hooks/coindirectenv=prod'
 * @throws TypeError when `registeredUrl` is not an absolute URL.
 */
export function signedUrlPart(registeredUrl: string): string {
  const match = URL_PARTS.exec(registeredUrl.trim());
  if (match === null)
    throw new TypeError('the registered webhook URL must be absolute, like https://host/path');
  return `${match[1] ?? ''}${match[2] ?? ''}`;
}

/**
 * The webhook signature Coindirect sends in `X-Signature`: hex HMAC-SHA256, keyed with the merchant
 * secret's UTF-8 bytes (never base64-decoded), over `signedUrlPart + contentType + rawBody`, with no
 * separators (docs/coindirect.md, "Webhooks").
 *
 * @param urlPart what {@link signedUrlPart} returns for the registered URL
 * @param body the raw body bytes exactly as received (a string is taken as its UTF-8 bytes)
 */
export function webhookSignature(
  secret: string,
  urlPart: string,
  contentType: string,
  body: Uint8Array | string,
): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(Buffer.from(urlPart + contentType, 'utf8'))
    .update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body)
    .digest('hex');
}

export interface SignatureCheck {
  /** The `X-Signature` header as received; undefined when absent. */
  readonly header: string | undefined;
  /** Every secret that may have signed it (one per merchant, or old and new during a rotation). */
  readonly secrets: readonly string[];
  /** Every form of the registered URL's path + query it may have been signed for. */
  readonly urlParts: readonly string[];
  /** Every content-type string it may have been signed with. */
  readonly contentTypes: readonly string[];
  readonly body: Uint8Array;
}

/** `valid`, or why not: no header, a header that is not 64 hex digits, or a signature that does not match. */
export type SignatureVerdict = 'valid' | 'missing' | 'malformed' | 'mismatch';

/**
 * Checks a webhook signature against every candidate (secret × URL form × content type), each with a
 * constant-time comparison of equal-length digests. Upper- and lower-case hex are both accepted, as in
 * Coindirect's own validator.
 */
export function verifyWebhookSignature(check: SignatureCheck): SignatureVerdict {
  const header = check.header?.trim();
  if (header === undefined || header === '') return 'missing';
  if (!HEX_SHA256.test(header)) return 'malformed';
  const received = Buffer.from(header, 'hex');
  for (const secret of check.secrets) {
    for (const urlPart of check.urlParts) {
      for (const contentType of check.contentTypes) {
        const expected = Buffer.from(webhookSignature(secret, urlPart, contentType, check.body), 'hex');
        if (expected.length === received.length && timingSafeEqual(expected, received)) return 'valid';
      }
    }
  }
  return 'mismatch';
}

/**
 * The content-type strings a webhook may have been signed with, from the header received: the header as
 * sent, and its bare media type when it carries parameters (whether Coindirect signs `application/json`
 * or `application/json; charset=UTF-8` in that case is UNCONFIRMED). Without a header, `application/json`,
 * the type Coindirect documents.
 */
export function contentTypeCandidates(header: string | undefined): readonly string[] {
  const sent = header?.trim();
  if (sent === undefined || sent === '') return ['application/json'];
  const bare = sent.split(';')[0]?.trim() ?? sent;
  return bare === sent ? [sent] : [sent, bare];
}
