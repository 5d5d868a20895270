import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  contentTypeCandidates,
  signedUrlPart,
  verifyWebhookSignature,
  webhookSignature,
} from '#shared/webhooks/signature.ts';
import { DERIVED, WHV } from './webhook-vectors.ts';

const check = (overrides: Partial<Parameters<typeof verifyWebhookSignature>[0]> = {}) =>
  verifyWebhookSignature({
    header: WHV.signature,
    secrets: [WHV.secret],
    urlParts: [signedUrlPart(WHV.registeredUrl)],
    contentTypes: [WHV.contentType],
    body: WHV.body,
    ...overrides,
  });

describe('webhookSignature against Coindirect vectors', () => {
  it('holds the WHV sample body byte for byte (1,365 bytes, no trailing newline)', () => {
    // Act
    const digest = createHash('sha256').update(WHV.body).digest('hex');

    // Assert
    expect(WHV.body.byteLength).toBe(1365);
    expect(WHV.body.at(-1)).toBe('}'.charCodeAt(0));
    expect(digest).toBe(WHV.bodySha256);
  });

  it("reproduces Coindirect's validator sample signature (docs/coindirect.md, Webhooks)", () => {
    // Act
    const signature = webhookSignature(
      WHV.secret,
      signedUrlPart(WHV.registeredUrl),
      WHV.contentType,
      WHV.body,
    );

    // Assert
    expect(signature).toBe(WHV.signature);
  });

  it('fails the sample once one byte is appended to the body', () => {
    // Arrange
    const longer = Buffer.concat([WHV.body, Buffer.from(' ')]);

    // Act
    const verdict = check({ body: longer });

    // Assert
    expect(check()).toBe('valid');
    expect(verdict).toBe('mismatch');
  });

  it.each(DERIVED.urls)('reproduces the §9 vector for $registeredUrl', ({ registeredUrl, signature }) => {
    // Act
    const computed = webhookSignature(
      DERIVED.secret,
      signedUrlPart(registeredUrl),
      DERIVED.contentType,
      DERIVED.body,
    );

    // Assert
    expect(computed).toBe(signature);
  });

  it('does not accept the §9 signature of one URL for the other', () => {
    // Arrange
    const [plain, withQuery] = DERIVED.urls;

    // Act
    const verdict = verifyWebhookSignature({
      header: plain.signature,
      secrets: [DERIVED.secret],
      urlParts: [signedUrlPart(withQuery.registeredUrl)],
      contentTypes: [DERIVED.contentType],
      body: Buffer.from(DERIVED.body),
    });

    // Assert
    expect(verdict).toBe('mismatch');
  });
});

describe('signedUrlPart', () => {
  it.each([
    ['https://example.com/hooks/coindirect', '/hooks/coindirect'],
    ['https://example.com/hooks/coindirect?env=prod', '/hooks/coindirectenv=prod'],
    ['https://example.com/hooks?a=1&b=%20x', '/hooksa=1&b=%20x'],
    ['https://example.com/a%2Fb/./c', '/a%2Fb/./c'],
    ['https://example.com/hooks#fragment', '/hooks'],
    ['https://example.com/hooks?', '/hooks'],
    ['https://abc.lambda-url.eu-west-1.on.aws/', '/'],
    ['https://abc.lambda-url.eu-west-1.on.aws', ''],
    ['https://user:pw@example.com:8443/x?y', '/xy'],
  ])('signs %s as %j (raw, like Java URL.getPath + getQuery)', (url, expected) => {
    // Act
    const part = signedUrlPart(url);

    // Assert
    expect(part).toBe(expected);
  });

  it('refuses a URL that is not absolute', () => {
    // Act
    const act = () => signedUrlPart('/hooks/coindirect');

    // Assert
    expect(act).toThrow(TypeError);
  });
});

describe('verifyWebhookSignature', () => {
  it('accepts upper-case hex, as Coindirect compares ignoring case', () => {
    // Act
    const verdict = check({ header: WHV.signature.toUpperCase() });

    // Assert
    expect(verdict).toBe('valid');
  });

  it.each([
    ['absent', undefined, 'missing'],
    ['empty', '   ', 'missing'],
    ['not hex', 'z'.repeat(64), 'malformed'],
    ['too short', WHV.signature.slice(0, 63), 'malformed'],
    ['too long', `${WHV.signature}00`, 'malformed'],
    ['base64 instead of hex', Buffer.from(WHV.signature, 'hex').toString('base64'), 'malformed'],
    ['prefixed', `sha256=${WHV.signature}`, 'malformed'],
    ['well-formed but wrong', `${WHV.signature.slice(0, 63)}0`, 'mismatch'],
  ])('answers %s with %s', (_label, header, expected) => {
    // Act
    const verdict = check({ header });

    // Assert
    expect(verdict).toBe(expected);
  });

  it('fails with another secret, another URL or another content type', () => {
    // Act
    const verdicts = [
      check({ secrets: ['another-secret'] }),
      check({ urlParts: ['/another-path'] }),
      check({ contentTypes: ['application/json; charset=utf-8'] }),
      // The secret's base64-decoded bytes are not the key: Coindirect uses the string's UTF-8 bytes.
      check({ secrets: [Buffer.from(WHV.secret, 'base64').toString('latin1')] }),
    ];

    // Assert
    expect(verdicts).toEqual(['mismatch', 'mismatch', 'mismatch', 'mismatch']);
  });

  it('accepts a signature made with any of several secrets (merchants, or a secret being replaced)', () => {
    // Act
    const verdict = check({ secrets: ['old-secret', WHV.secret] });

    // Assert
    expect(verdict).toBe('valid');
  });
});

describe('contentTypeCandidates', () => {
  it.each([
    ['application/json', ['application/json']],
    ['application/json; charset=UTF-8', ['application/json; charset=UTF-8', 'application/json']],
    [undefined, ['application/json']],
  ])('tries %j as %j', (header, expected) => {
    // Act
    const candidates = contentTypeCandidates(header);

    // Assert
    expect(candidates).toEqual(expected);
  });
});
