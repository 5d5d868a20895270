// Test helpers: read a `Hawk …` header back, and compute a HAWK 1.1 header MAC independently of the
// `hawk` package (node:crypto over the normalized string in docs/coindirect.md, "HAWK request signing"), so a signing bug
// in the code under test cannot hide behind the same bug in the check.
import { createHmac } from 'node:crypto';

export interface HawkHeaderFields {
  readonly id: string;
  readonly ts: string;
  readonly nonce: string;
  readonly mac: string;
  /** Attribute names in the order they appear. */
  readonly names: readonly string[];
}

/** Parses `Hawk id="…", ts="…", …`; throws when the header is not of that shape. */
export function parseHawkHeader(header: string): HawkHeaderFields {
  const match = /^Hawk (.*)$/.exec(header);
  if (match === null) throw new Error(`not a Hawk header: ${header}`);
  const attributes = new Map<string, string>();
  for (const part of (match[1] ?? '').split(', ')) {
    const attribute = /^([a-z]+)="([^"]*)"$/.exec(part);
    if (attribute === null) throw new Error(`bad Hawk attribute: ${part}`);
    attributes.set(attribute[1] ?? '', attribute[2] ?? '');
  }
  const field = (name: string): string => {
    const value = attributes.get(name);
    if (value === undefined) throw new Error(`Hawk header has no ${name}`);
    return value;
  };
  return {
    id: field('id'),
    ts: field('ts'),
    nonce: field('nonce'),
    mac: field('mac'),
    names: [...attributes.keys()],
  };
}

export interface MacInput {
  readonly key: string;
  readonly ts: string | number;
  readonly nonce: string;
  readonly method: string;
  readonly resource: string;
  readonly host: string;
  readonly port: number;
}

/** base64 HMAC-SHA256 of the 9-line HAWK header string; payload hash and ext always empty. */
export function expectedMac(input: MacInput): string {
  const normalized = [
    'hawk.1.header',
    String(input.ts),
    input.nonce,
    input.method,
    input.resource,
    input.host,
    String(input.port),
    '',
    '',
    '',
  ].join('\n');
  return createHmac('sha256', Buffer.from(input.key, 'utf8')).update(normalized).digest('base64');
}

/** Coindirect's documented test key (docs/coindirect.md, "HAWK request signing"); the derived vectors use it too. */
export const VECTOR_KEY = 'XVNjIiG8ePzqCsQ20qk0ChIvQJpG7S0GQq5MSkEhTdSBxGMmoI82S4n0O188F9Eo';
