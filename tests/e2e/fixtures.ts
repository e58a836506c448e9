import fs from 'node:fs';
import path from 'node:path';
import { test as base, expect, type Page, type Browser } from '@playwright/test';
import { AxeBuilder } from '@axe-core/playwright';
import { t, LANGUAGE_NAMES, type MessageKey } from '../../src/lib/i18n/index.ts';
import type { Locale, Role } from '../../src/lib/shared/domain.ts';
import { HOME, type Credentials } from '../helpers/accounts.ts';
import { databaseOf, ROOT } from '../helpers/server.ts';
import { provisionTerminal, TERMINAL_COOKIE } from '../helpers/terminal.ts';

/**
 * What every browser test gets:
 * - `page` watched for console errors, uncaught exceptions and CSP
 *   violations ("Refused to …"); any of them fails the test;
 * - `checkPage(page, …)`: the axe-core check (serious and critical
 *   violations fail), optionally a full-page screenshot and the 200 % zoom
 *   check. Every page a test loads must pass through it: a page that loaded
 *   and was never checked fails the test.
 */

export const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');

interface Watch {
  problems: string[];
  /** Responses still being read (session checks answered 401). */
  pending: Promise<void>[];
  loads: string[];
  checkedLoads: number;
}
const watches = new WeakMap<Page, Watch>();
/** The learner page's polls and last saves, which may meet a session already ended (src/scripts/terminal-client.ts). */
const SESSION_CHECKS = new Set(['/api/learn/terminal', '/api/learn/heartbeat', '/api/learn/h5p/state', '/api/learn/quiz-draft']);

/** Starts watching a page (the fixture does it for `page`; call it for pages of extra contexts). */
export function watch(page: Page): void {
  const state: Watch = { problems: [], pending: [], loads: [], checkedLoads: 0 };
  watches.set(page, state);
  page.on('console', (message) => {
    const text = message.text();
    // A page answered with 401/403/404 on purpose logs "Failed to load resource" for the document
    // itself; failed sub-resources are caught from the responses below instead.
    if (/^Failed to load resource/.test(text)) return;
    if (message.type() === 'error' || /Refused to|Content Security Policy/i.test(text)) {
      state.problems.push(`console ${message.type()} on ${page.url()}: ${text}`);
    }
  });
  page.on('response', (response) => {
    const request = response.request();
    // A learner page's session checks answer 401 with the reason once something else ended the session
    // (another sign-in, the supervisor, the end of learning hours): the page then goes to sign-in saying why.
    // That is the page working; a 401 without a reason is still a problem.
    if (response.status() === 401 && SESSION_CHECKS.has(new URL(response.url()).pathname)) {
      state.pending.push(
        response
          .json()
          .then((body: { reason?: unknown }) => {
            if (typeof body.reason !== 'string') state.problems.push(`${response.url()} answered 401 without a reason on ${page.url()}`);
          })
          .catch(() => undefined),
      );
      return;
    }
    if (response.status() >= 400 && !request.isNavigationRequest()) {
      state.problems.push(`${request.resourceType()} ${response.url()} answered HTTP ${response.status()} on ${page.url()}`);
    }
  });
  page.on('requestfailed', (request) => {
    const error = request.failure()?.errorText ?? '';
    // Requests cut short by leaving the page are not failures of the page.
    if (!request.isNavigationRequest() && !/ERR_ABORTED/.test(error)) state.problems.push(`${request.resourceType()} ${request.url()} failed: ${error}`);
  });
  page.on('pageerror', (error) => state.problems.push(`uncaught exception on ${page.url()}: ${error.message}`));
  page.on('load', () => state.loads.push(page.url()));
  // Belt and braces: report CSP violations even if the console message changes.
  void page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`);
    });
  });
}

/** Fails when the watched page had problems or loaded pages nobody checked. */
async function finish(page: Page): Promise<void> {
  const state = watches.get(page);
  if (!state) return;
  if (!page.isClosed() && state.loads.length > state.checkedLoads) {
    const unchecked = state.loads.slice(state.checkedLoads, -1);
    expect(unchecked, 'pages that loaded but were never checked with checkPage()').toEqual([]);
    await checkPage(page);
  }
  await Promise.all(state.pending);
  expect(state.problems, 'console errors, uncaught exceptions or CSP violations').toEqual([]);
}

export interface CheckOptions {
  /** Save a full-page screenshot as test-results/screenshots/<name>.png (name it <role>-<what>). */
  screenshot?: string;
  /** Also check that 200 % zoom (a 640 px wide window) needs no sideways scrolling. */
  zoom?: boolean;
  /**
   * false: this load was already checked as another instance of the same page
   * template (a crawl); only the watcher's console/CSP checks apply to it.
   */
  axe?: boolean;
}

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** axe-core on the current page: no serious or critical violation. */
export async function checkPage(page: Page, options: CheckOptions = {}): Promise<void> {
  await page.waitForLoadState('load');
  const state = watches.get(page);
  if (options.axe === false) {
    if (state) state.checkedLoads = state.loads.length;
    return;
  }
  // The H5P player's frame shows third-party content (H5P libraries): its accessibility is H5P's and the
  // content author's (docs/h5p-security.md). Our page around it, the frame's title included, is checked.
  // The WCAG 2.2 A/AA rules (the standard the platform meets); axe's best-practice extras are left out.
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).exclude('iframe.h5p-frame').analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = bad.map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
  expect(report, `axe on ${page.url()}`).toEqual([]);
  if (options.screenshot) {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, `${options.screenshot}.png`), fullPage: true });
  }
  if (options.zoom) await expectNoSidewaysScrollAtDoubleZoom(page, options.screenshot);
  if (state) state.checkedLoads = state.loads.length;
}

/**
 * 200 % browser zoom halves the CSS width of the window: a 1280 px screen
 * becomes 640 CSS px. Nothing may then need horizontal scrolling.
 */
export async function expectNoSidewaysScrollAtDoubleZoom(page: Page, screenshot?: string): Promise<void> {
  const original = page.viewportSize() ?? { width: 1280, height: 800 };
  await page.setViewportSize({ width: 640, height: 800 });
  try {
    const { scrollWidth, clientWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
    }));
    if (screenshot) await page.screenshot({ path: path.join(SCREENSHOTS, `${screenshot}-zoom200.png`), fullPage: true });
    expect(scrollWidth, `page width at 200 % zoom on ${page.url()} (window ${clientWidth} px)`).toBeLessThanOrEqual(clientWidth);
  } finally {
    await page.setViewportSize(original);
  }
}

/** The message `key` as the page shows it in `locale` (the catalogues are the truth; they are being translated). */
export function text(locale: Locale, key: MessageKey, params?: Record<string, string | number>): string {
  return t(locale, key, params);
}

/** The sign-in form for learners or staff, found by its heading. */
function loginForm(page: Page, kind: Credentials['kind'], locale: Locale) {
  return page.getByRole('region', { name: t(locale, kind === 'learner' ? 'login.learnerHeading' : 'login.staffHeading') });
}

/**
 * Makes the page's browser an approved terminal of the learner's prison (straight in the test
 * server's database; the registration itself: tests/e2e/supervisor/terminals.spec.ts).
 */
export async function useTerminal(page: Page, inmateNumber: string): Promise<void> {
  // The server the page is on (a test may start its own), else the shared one.
  const current = page.url();
  const baseUrl = current.startsWith('http') ? new URL(current).origin : process.env.TILTS_E2E_BASE_URL!;
  const file = databaseOf(baseUrl);
  if (!file) throw new Error('No test database for the browser tests');
  await page.context().addCookies([{ name: TERMINAL_COOKIE, value: provisionTerminal(file, inmateNumber), url: baseUrl, httpOnly: true, sameSite: 'Strict' }]);
}

/** Signs in through the real form on /login (the page must be in `locale`); a learner's browser becomes a terminal first unless `terminal: false`. */
export async function signIn(page: Page, account: Credentials, { locale = 'lv' as Locale, check = true, terminal = true } = {}): Promise<void> {
  await page.goto('/login');
  if (check) await checkPage(page);
  if (account.kind === 'learner' && terminal) {
    const cookies = await page.context().cookies(page.url());
    if (!cookies.some((c) => c.name === TERMINAL_COOKIE)) await useTerminal(page, account.inmateNumber);
  }
  const form = loginForm(page, account.kind, locale);
  if (account.kind === 'learner') {
    await form.getByLabel(t(locale, 'login.inmateNumber')).fill(account.inmateNumber);
    await form.getByLabel(t(locale, 'login.pin')).fill(account.pin);
  } else {
    await form.getByLabel(t(locale, 'login.username')).fill(account.username);
    await form.getByLabel(t(locale, 'login.password')).fill(account.password);
  }
  await form.getByRole('button', { name: t(locale, 'login.submit') }).click();
  await page.waitForURL((url) => url.pathname !== '/login');
}

/** Opens the header's user menu (language, account, sign out) when it is closed. */
export async function openUserMenu(page: Page): Promise<void> {
  const menu = page.getByRole('banner').locator('details.user-menu');
  if (!(await menu.evaluate((d: HTMLDetailsElement) => d.open))) await menu.locator('summary').click();
  await expect(menu).toHaveAttribute('open', '');
}

/** Signs out with the button in the page header (in the user menu, or in sight for learners); lands on the sign-in page saying so. */
export async function signOut(page: Page, locale: Locale = 'lv'): Promise<void> {
  const button = page.getByRole('banner').getByRole('button', { name: t(locale, 'layout.signOut') });
  if (!(await button.isVisible())) await openUserMenu(page);
  await button.click();
  await page.waitForURL('**/login?reason=signedOut');
  await expect(page.getByRole('status')).toHaveText(t(locale, 'login.reasonSignedOut'));
  await checkPage(page);
}

/** "About me" on a home page: name, role, facility, language. */
export async function expectWhoAmI(
  page: Page,
  who: { name: string; role: Role; facility: string | null; locale: Locale },
): Promise<void> {
  const card = page.getByRole('region', { name: t(who.locale, 'home.aboutMe') });
  await expect(card).toBeVisible();
  const facts = card.locator('dl');
  await expect(facts).toContainText(who.name);
  await expect(facts).toContainText(t(who.locale, `role.${who.role}`));
  await expect(facts).toContainText(LANGUAGE_NAMES[who.locale]);
  if (who.facility) await expect(facts).toContainText(who.facility);
  else await expect(facts).not.toContainText(t(who.locale, 'home.facility'));
}

/**
 * The first story of every role: sign in through the real form, land on the
 * role's home page, see who I am (name, role, facility, language), sign out,
 * and find the home page closed afterwards.
 */
export async function signInSeeHomeSignOut(
  page: Page,
  who: { account: Credentials; role: Role; name: string; facility: string | null; locale?: Locale },
): Promise<void> {
  const locale = who.locale ?? 'lv';
  await signIn(page, who.account);
  await expect(page).toHaveURL(new RegExp(`${HOME[who.role]}$`));
  await checkPage(page, { screenshot: `${who.role}-home`, zoom: true });
  await expect(page.locator('html')).toHaveAttribute('lang', locale);
  await expectWhoAmI(page, { name: who.name, role: who.role, facility: who.facility, locale });
  await signOut(page, locale);
  await page.goto(HOME[who.role]);
  await expect(page).toHaveURL(/\/login\?next=/);
  await checkPage(page);
}

/** A fresh, watched page in its own browser context (another person, another terminal). */
export async function newPerson(browser: Browser, baseURL: string): Promise<Page> {
  const context = await browser.newContext({ baseURL, locale: 'lv-LV', viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  watch(page);
  return page;
}

/** Call for pages from newPerson() at the end of the test. */
export async function finishPerson(page: Page): Promise<void> {
  try {
    await finish(page);
  } finally {
    await page.context().close();
  }
}

export const test = base.extend({
  baseURL: async ({}, use) => {
    const url = process.env.TILTS_E2E_BASE_URL;
    if (!url) throw new Error('TILTS_E2E_BASE_URL is not set: run the browser tests through playwright.config.ts (global setup).');
    await use(url);
  },
  page: async ({ page }, use) => {
    watch(page);
    await use(page);
    await finish(page);
  },
});

export { expect };
