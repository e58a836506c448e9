import { test, expect, checkPage, signIn, signInSeeHomeSignOut, newPerson, finishPerson, text, useTerminal } from '../fixtures.ts';
import { ACCOUNTS } from '../../helpers/accounts.ts';
import { startServer, type TestServer } from '../../helpers/server.ts';

const lv = (key: Parameters<typeof text>[1], params?: Record<string, string | number>) => text('lv', key, params);

test('a learner signs in, sees who they are and signs out', async ({ page }) => {
  // 205211 is Līga Bērziņa at Iļģuciems.
  await signInSeeHomeSignOut(page, { account: ACCOUNTS.learnerIlg, role: 'learner', name: 'Līga Bērziņa', facility: 'Iļģuciema cietums' });
});

test('a learner signs in with the keyboard alone and sees where the focus is', async ({ page }) => {
  await page.goto('/login');
  await checkPage(page);
  // Learners sign in only on a terminal.
  await useTerminal(page, ACCOUNTS.learnerOla.inmateNumber);
  // Tab through the page (skip link, menu, language buttons …) to the number field.
  let presses = 0;
  while ((await page.evaluate(() => document.activeElement?.id)) !== 'f-inmateNumber') {
    await page.keyboard.press('Tab');
    expect(++presses, 'Tab presses to reach the number field').toBeLessThan(15);
  }
  const focus = await page.evaluate(() => {
    const style = getComputedStyle(document.activeElement!);
    return { outline: style.outlineStyle !== 'none' && style.outlineWidth !== '0px', shadow: style.boxShadow !== 'none' };
  });
  expect(focus.outline || focus.shadow, 'a visible focus indicator on the focused field').toBe(true);
  await page.keyboard.type(ACCOUNTS.learnerOla.inmateNumber);
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-pin');
  await page.keyboard.type(ACCOUNTS.learnerOla.pin);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/learn$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(lv('learn.hello', { name: 'Mārtiņš' }));
  await checkPage(page, { screenshot: 'learner-home-courses' });
});

test('a learner who tries the admin pages sees the 403 page and the way back', async ({ page }) => {
  await signIn(page, ACCOUNTS.learnerOla);
  await checkPage(page);
  const response = await page.goto('/admin');
  expect(response?.status()).toBe(403);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(lv('error.forbiddenTitle'));
  await checkPage(page, { screenshot: 'learner-forbidden', zoom: true });
  await page.getByRole('link', { name: lv('error.backHome') }).click();
  await expect(page).toHaveURL(/\/learn$/);
  await checkPage(page);
});

test.describe('on a terminal with a short idle time', () => {
  // A second server whose learners are signed out after 6 s of inactivity.
  let idle: TestServer;
  test.beforeAll(async () => {
    idle = await startServer({ env: { TILTS_IDLE_MINUTES_LEARNER: '0.1' } });
  });
  test.afterAll(async () => {
    await idle?.stop();
  });

  test('a learner who walks away sees the warning, then is signed out and told why', async ({ browser }) => {
    const page = await newPerson(browser, idle.baseUrl);
    await signIn(page, ACCOUNTS.learnerOla);
    await expect(page).toHaveURL(/\/learn$/);
    const warning = page.getByRole('dialog', { name: lv('idle.title') });
    await expect(warning).toBeVisible();
    await expect(warning.getByRole('button', { name: lv('idle.stay') })).toBeVisible();
    await checkPage(page, { screenshot: 'learner-idle-warning' });
    await page.waitForURL(/\/login\?reason=idle/, { timeout: 20_000 });
    await expect(page.getByRole('status')).toHaveText(lv('login.reasonIdle'));
    await checkPage(page);
    // The server agrees: the home page needs a new sign-in.
    await page.goto('/learn');
    await expect(page).toHaveURL(/\/login\?next=/);
    await checkPage(page);
    await finishPerson(page);
  });
});

