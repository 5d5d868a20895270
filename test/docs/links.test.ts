// Every relative link in the README and docs/ must land on a file inside the repository, and every
// `#anchor` on a heading of that file: a clone holds everything its documents point at.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOCUMENTS = [
  'README.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

interface Link {
  readonly document: string;
  readonly target: string;
}

/** Markdown links and images outside fenced code blocks; absolute URLs and mail links are skipped. */
function relativeLinks(document: string): Link[] {
  const text = readFileSync(path.join(ROOT, document), 'utf8').replace(/^```[\s\S]*?^```/gm, '');
  const links: Link[] = [];
  for (const match of text.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const target = match[1] ?? '';
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
    links.push({ document, target });
  }
  return links;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/^```[\s\S]*?^```/gm, '');
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const match of text.matchAll(/^#{1,6}\s+(.+)$/gm)) {
    const base = slug(match[1] ?? '');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** Why a link is broken, or undefined when it resolves inside the repository. */
function problem(link: Link): string | undefined {
  const [file = '', anchor] = link.target.split('#');
  const from = path.dirname(path.join(ROOT, link.document));
  const resolved = file === '' ? path.join(ROOT, link.document) : path.resolve(from, decodeURI(file));
  if (!resolved.startsWith(ROOT)) return 'points outside the repository';
  if (!existsSync(resolved)) return 'no such file';
  if (anchor === undefined || anchor === '') return undefined;
  if (statSync(resolved).isDirectory() || !resolved.endsWith('.md')) return undefined;
  return anchorsOf(resolved).has(anchor) ? undefined : `no heading #${anchor}`;
}

describe('documentation links', () => {
  const links = DOCUMENTS.flatMap(relativeLinks);

  it('finds the documents and their links', () => {
    expect(DOCUMENTS).toContain('docs/architecture.md');
    expect(links.length).toBeGreaterThan(20);
  });

  it('resolves every relative link in the README and docs/ inside the repository', () => {
    const broken = links.flatMap((link) => {
      const why = problem(link);
      return why === undefined ? [] : [`${link.document}: ${link.target} (${why})`];
    });

    expect(broken).toEqual([]);
  });

  it('tells a link outside the repository and a missing anchor from good ones', () => {
    expect(problem({ document: 'README.md', target: '../examples/payouts.csv' })).toBe(
      'points outside the repository',
    );
    expect(problem({ document: 'README.md', target: 'docs/operations.md#no-such-heading' })).toBe(
      'no heading #no-such-heading',
    );
    expect(problem({ document: 'docs/local.md', target: '../examples/payouts.csv' })).toBeUndefined();
  });
});
