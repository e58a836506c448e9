import type { Page } from '@playwright/test';
import { test, expect, checkPage, signIn } from '../fixtures.ts';
import { DEMO_PIN, demoInmateNumber, type Credentials } from '../../helpers/accounts.ts';

/**
 * Kiosk lockdown, the learner's side: a learner on a terminal must find no
 * way out of the learner area in Tilts itself. Signed in on a terminal, the
 * test follows every same-origin link from /learn (breadth first) and on each
 * page finds no link to another origin or outside the learner area, no
 * download, no file picker, no new window, no form posting elsewhere, no
 * script of ours that opens the print dialog, and no response that is a
 * download. (The browser's own exits are closed by the kiosk setup:
 * docs/terminal-setup.md.)
 *
 * The learner: demo learner 4 (Kristaps Jansons, Daugavgrīva), enrolled in
 * the cook's-assistant and Latvian courses (lessons and quizzes), and used by
 * no other browser test: one terminal at a time means a second sign-in
 * elsewhere would end this one. The demo has no H5P activity; a course with
 * one would be crawled the same way (its player frame is checked below).
 */
const LEARNER: Credentials = { kind: 'learner', inmateNumber: demoInmateNumber(4), pin: DEMO_PIN };

/** Where links on a learner page may lead: the learner area, and "/" (which sends a learner home to /learn). */
const LEARNER_AREA = /^\/learn(\/|$)/;
const linkAllowed = (path: string) => LEARNER_AREA.test(path) || path === '/';
/**
 * Where forms on a learner page may post: the learner area and its JSON API,
 * the language switch, staying signed in (the idle warning) and signing out.
 * No GET form may leave the learner area.
 */
const postAllowed = (path: string) => LEARNER_AREA.test(path) || /^\/api\/(learn|session)\//.test(path) || path === '/lang' || path === '/logout';
/** Frames: only our sandboxed H5P player (docs/h5p-security.md). */
const frameAllowed = (path: string) => /^\/h5p\/play\//.test(path);
/** A bound on the crawl (the demo learner has about 40 pages). */
const MAX_PAGES = 120;

interface PageFacts {
  links: string[];
  forms: Array<{ action: string; method: string }>;
  frames: string[];
  downloads: number;
  filePickers: number;
  newWindows: string[];
  scripts: string[];
  inlineHandlers: number;
  kind: 'lesson' | 'quiz' | 'activity' | 'other';
}

async function factsOf(page: Page): Promise<PageFacts> {
  return page.evaluate(() => ({
    links: [...document.querySelectorAll('a[href], area[href]')].map((a) => (a as HTMLAnchorElement).href),
    forms: [...document.querySelectorAll('form')].map((f) => ({ action: f.action, method: (f.getAttribute('method') ?? 'get').toLowerCase() })),
    frames: [...document.querySelectorAll('iframe, frame, object, embed')].map((f) => (f as HTMLIFrameElement).src || (f as HTMLObjectElement).data || 'about:blank'),
    downloads: document.querySelectorAll('[download]').length,
    filePickers: document.querySelectorAll('input[type=file i]').length,
    newWindows: [...document.querySelectorAll('[target], [formtarget]')]
      .map((e) => e.getAttribute('target') ?? e.getAttribute('formtarget') ?? '')
      .filter((t) => t !== '' && t.toLowerCase() !== '_self'),
    scripts: [...document.querySelectorAll('script[src]')].map((s) => (s as HTMLScriptElement).src),
    inlineHandlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name))).length,
    kind: document.querySelector('iframe.h5p-frame')
      ? ('activity' as const)
      : document.querySelector('article.lesson')
        ? ('lesson' as const)
        : document.querySelector('[data-heartbeat] fieldset')
          ? ('quiz' as const)
          : ('other' as const),
  }));
}

test('the learner area offers no way out: no external link, no download, no file picker, no print', async ({ page, baseURL }) => {
  test.setTimeout(240_000);
  const origin = new URL(baseURL!).origin;
  const attachments: string[] = [];
  page.on('response', (response) => {
    const disposition = response.headers()['content-disposition'] ?? '';
    if (/attachment/i.test(disposition)) attachments.push(`${response.url()}: ${disposition}`);
  });
  page.on('download', (download) => attachments.push(`download started: ${download.url()}`));

  await signIn(page, LEARNER);
  await expect(page).toHaveURL(/\/learn$/);

  const key = (url: URL) => url.pathname + url.search;
  const queue: string[] = ['/learn'];
  const seen = new Set<string>(queue);
  const visited: string[] = [];
  const kinds: Record<PageFacts['kind'], number> = { lesson: 0, quiz: 0, activity: 0, other: 0 };
  const checkedScripts = new Set<string>();
  const axeChecked = new Set<string>();
  const problems: string[] = [];

  while (queue.length > 0 && visited.length < MAX_PAGES) {
    const target = queue.shift()!;
    const response = await page.goto(target);
    expect(response?.status(), `status of ${target}`).toBeLessThan(400);
    const landed = new URL(page.url());
    // A link may redirect ("/" sends a learner home), but never out of the learner area.
    expect(landed.origin, `${target} left the origin`).toBe(origin);
    expect(landed.pathname, `${target} landed outside the learner area`).toMatch(LEARNER_AREA);
    visited.push(key(landed));
    const here = `on ${key(landed)}`;

    const facts = await factsOf(page);
    kinds[facts.kind]++;
    // axe once per page template (path with its ids, and what the page is), to keep the crawl quick.
    const template = `${facts.kind} ${landed.pathname.replace(/\/\d+(?=\/|$)/g, '/:id')}`;
    await checkPage(page, { axe: !axeChecked.has(template) });
    axeChecked.add(template);
    for (const href of facts.links) {
      const url = new URL(href);
      if (url.origin !== origin) problems.push(`link to another origin ${href} ${here}`);
      else if (!linkAllowed(url.pathname)) problems.push(`link outside the learner area ${url.pathname} ${here}`);
      else if (!(url.pathname === landed.pathname && url.search === landed.search) && !seen.has(key(url))) {
        seen.add(key(url));
        queue.push(key(url));
      }
    }
    for (const form of facts.forms) {
      const url = new URL(form.action);
      if (url.origin !== origin) problems.push(`form posting to another origin ${form.action} ${here}`);
      else if (form.method === 'post' ? !postAllowed(url.pathname) : !LEARNER_AREA.test(url.pathname)) {
        problems.push(`${form.method.toUpperCase()} form to ${url.pathname} ${here}`);
      }
    }
    for (const src of facts.frames) {
      const url = new URL(src, page.url());
      if (url.origin !== origin || !frameAllowed(url.pathname)) problems.push(`frame ${src} ${here}`);
    }
    if (facts.downloads) problems.push(`${facts.downloads} element(s) with a download attribute ${here}`);
    if (facts.filePickers) problems.push(`${facts.filePickers} file picker(s) ${here}`);
    for (const t of facts.newWindows) problems.push(`target="${t}" ${here}`);
    if (facts.inlineHandlers) problems.push(`${facts.inlineHandlers} inline event handler(s) ${here}`);

    // The page's own scripts (all from our origin: the CSP allows nothing else) never open the print dialog.
    for (const src of facts.scripts) {
      const url = new URL(src);
      if (url.origin !== origin) {
        problems.push(`script from another origin ${src} ${here}`);
        continue;
      }
      if (checkedScripts.has(url.pathname)) continue;
      checkedScripts.add(url.pathname);
      const body = await (await page.request.get(url.href)).text();
      if (/\bprint\s*\(\s*\)|window\s*\.\s*print\b|\[\s*["']print["']\s*\]/.test(body)) problems.push(`script ${url.pathname} calls print() ${here}`);
    }
  }

  expect(problems, 'ways out of the learner area').toEqual([]);
  expect(attachments, 'responses that are downloads').toEqual([]);
  expect(queue, `more than ${MAX_PAGES} learner pages: raise the bound`).toEqual([]);
  // The crawl really went through the learner's courses: their pages, lessons and quizzes.
  expect(visited.filter((p) => /^\/learn\/courses\/[^/]+$/.test(p)).length, `course pages among ${visited.join(', ')}`).toBeGreaterThanOrEqual(2);
  expect(kinds.lesson, 'lesson pages').toBeGreaterThanOrEqual(5);
  expect(kinds.quiz, 'quiz pages').toBeGreaterThanOrEqual(2);
  expect(visited).toContain('/learn/certificates');
  expect(checkedScripts.size, 'scripts of ours checked for print()').toBeGreaterThanOrEqual(1);
});
