import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';
import { Client, signedIn } from '../helpers/http.ts';
import { HOME, ROLE_ACCOUNT } from '../helpers/accounts.ts';
import { ROLES } from '../../src/lib/shared/domain.ts';

/**
 * As each role, starting at the role's home page, follow every link on our
 * own origin (GET only, bounded) and read every page: nothing may point to
 * another origin (the intranet has no internet, and a learner must not be
 * led out of it), nothing may be inlined (the CSP would block it anyway) and
 * no page may fail.
 */

const MAX_PAGES = 150;
/** Query-string variants followed per path (filters, paging) before moving on. */
const MAX_VARIANTS_PER_PATH = 6;

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

/** Every URL-bearing value in a page: attributes and CSS url(…). */
function urlsIn(html: string): Array<{ where: string; value: string }> {
  const found: Array<{ where: string; value: string }> = [];
  for (const m of html.matchAll(/\s(href|src|action|formaction|poster|data|cite|background|srcset|imagesrcset|content)\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/gi)) {
    const attr = m[1]!.toLowerCase();
    const value = m[3] ?? m[4] ?? m[5] ?? '';
    if (attr === 'content') {
      // <meta http-equiv="refresh" content="0; url=…">
      const refresh = /url\s*=\s*(\S+)/i.exec(value);
      if (refresh) found.push({ where: 'meta refresh', value: refresh[1]! });
      continue;
    }
    if (attr.endsWith('srcset')) {
      for (const candidate of value.split(',')) found.push({ where: attr, value: candidate.trim().split(/\s+/)[0] ?? '' });
    } else found.push({ where: attr, value });
  }
  for (const m of html.matchAll(/url\(\s*(['"]?)([^'")]+)\1\s*\)/gi)) found.push({ where: 'url()', value: m[2]! });
  for (const m of html.matchAll(/@import\s+(['"])([^'"]+)\1/gi)) found.push({ where: '@import', value: m[2]! });
  return found;
}

/** True for anything that leaves our origin: a scheme (http:, https:, javascript:, data:, …) or a protocol-relative URL. */
function isExternal(value: string): boolean {
  const v = value.trim().replace(/&amp;/g, '&');
  return /^[a-z][a-z0-9+.-]*:/i.test(v) || v.startsWith('//') || v.startsWith('\\\\') || v.startsWith('/\\');
}

interface Problem {
  page: string;
  problem: string;
}

async function crawl(client: Client, start: string[]): Promise<{ visited: string[]; problems: Problem[] }> {
  const queue = [...start];
  const seen = new Set(queue);
  const variants = new Map<string, number>();
  const visited: string[] = [];
  const problems: Problem[] = [];
  const assets = new Set<string>();
  while (queue.length && visited.length < MAX_PAGES) {
    const url = queue.shift()!;
    const reply = await client.get(url);
    visited.push(url);
    if (reply.status >= 500) problems.push({ page: url, problem: `HTTP ${reply.status}` });
    if (reply.status >= 300 && reply.status < 400) {
      const location = reply.location ?? '';
      if (isExternal(location)) problems.push({ page: url, problem: `redirects outside: ${location}` });
      else if (!seen.has(location)) (seen.add(location), queue.push(location));
      continue;
    }
    if (!(reply.headers.get('content-type') ?? '').includes('text/html')) continue;
    const html = reply.body;
    for (const { where, value } of urlsIn(html)) {
      if (isExternal(value)) problems.push({ page: url, problem: `external URL in ${where}: ${value}` });
    }
    for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
      if (!/\ssrc\s*=/.test(m[1]!)) problems.push({ page: url, problem: `inline <script>${m[2]!.slice(0, 60)}` });
    }
    if (/<style[\s>]/i.test(html)) problems.push({ page: url, problem: 'inline <style> element' });
    for (const m of html.matchAll(/<[^>]*\sstyle\s*=\s*["'][^>]*>/gi)) problems.push({ page: url, problem: `style attribute: ${m[0].slice(0, 80)}` });
    for (const m of html.matchAll(/\son[a-z]+\s*=\s*["']/gi)) problems.push({ page: url, problem: `inline event handler: ${m[0]}` });
    for (const m of html.matchAll(/<(?:link|script)\b[^>]*\s(?:href|src)="(\/[^"]+)"/gi)) assets.add(m[1]!);
    for (const m of html.matchAll(/<a\b[^>]*\shref="([^"#]+)(?:#[^"]*)?"/gi)) {
      const href = m[1]!.replace(/&amp;/g, '&');
      if (isExternal(href)) continue;
      const target = new URL(href, server.baseUrl + url);
      const key = target.pathname + target.search;
      if (seen.has(key)) continue;
      const count = variants.get(target.pathname) ?? 0;
      if (target.search && count >= MAX_VARIANTS_PER_PATH) continue;
      variants.set(target.pathname, count + 1);
      seen.add(key);
      queue.push(key);
    }
  }
  for (const asset of assets) {
    const reply = await client.get(asset);
    if (reply.status !== 200) problems.push({ page: asset, problem: `asset answers HTTP ${reply.status}` });
    if (asset.endsWith('.css')) {
      for (const { where, value } of urlsIn(reply.body)) if (isExternal(value)) problems.push({ page: asset, problem: `external URL in ${where}: ${value}` });
    }
  }
  return { visited, problems };
}

describe('crawling every page a person can reach', () => {
  test('a stranger finds only our own origin on the sign-in and about pages', async () => {
    const { visited, problems } = await crawl(new Client(server.baseUrl), ['/login', '/about', '/']);
    expect(visited).toContain('/about');
    expect(problems).toEqual([]);
  });

  test.each(ROLES)('as %s: no external URL, no inline script or style, no server error', async (role) => {
    const client = await signedIn(server.baseUrl, ROLE_ACCOUNT[role]);
    const { visited, problems } = await crawl(client, [HOME[role]]);
    expect(visited[0]).toBe(HOME[role]);
    // The crawl really walked the menu (every role has at least its home and one more page or its own links).
    expect(visited.length).toBeGreaterThan(1);
    expect(problems).toEqual([]);
  });
});

test('the crawler notices an external URL, an inline script and a style attribute', () => {
  // The detectors themselves, so a silent crawler cannot pass the test above.
  const page = '<a href="https://cdn.example/x">x</a><img srcset="/a.png 1x, //cdn.example/b.png 2x"><div style="color:red"></div><script>alert(1)</script>';
  expect(urlsIn(page).filter((u) => isExternal(u.value)).map((u) => u.value)).toEqual(['https://cdn.example/x', '//cdn.example/b.png']);
  expect(isExternal('/admin/users?role=learner')).toBe(false);
  expect(isExternal('javascript:alert(1)')).toBe(true);
});
