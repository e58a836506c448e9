import { test, expect, checkPage, signIn, newPerson, finishPerson, text } from '../fixtures.ts';
import { DEMO_PIN, type Credentials } from '../../helpers/accounts.ts';

const lv = (key: Parameters<typeof text>[1], params?: Record<string, string | number>) => text('lv', key, params);

/**
 * A learner and the terminals, on the shared server. The learners are Jelgava's
 * (no other browser test signs one in): Artūrs Ozols (204175) on a device that
 * is no terminal, Gints Lapiņš (204397) on two terminals.
 */
const ARTURS: Credentials = { kind: 'learner', inmateNumber: '204175', pin: DEMO_PIN };
const GINTS: Credentials = { kind: 'learner', inmateNumber: '204397', pin: DEMO_PIN };

test('a learner on a device that is not a registered terminal is refused, told so in plain words, and gets no session', async ({ page }) => {
  await page.goto('/login');
  await checkPage(page);
  const form = page.getByRole('region', { name: lv('login.learnerHeading') });
  await form.getByLabel(lv('login.inmateNumber')).fill(ARTURS.inmateNumber);
  await form.getByLabel(lv('login.pin')).fill(ARTURS.pin);
  await form.getByRole('button', { name: lv('login.submit') }).click();
  await expect(page.getByRole('alert')).toHaveText(lv('terminal.refusedNone'));
  await expect(page).toHaveURL(/\/login$/);
  // What was typed stays, the PIN does not.
  await expect(form.getByLabel(lv('login.inmateNumber'))).toHaveValue(ARTURS.inmateNumber);
  await expect(form.getByLabel(lv('login.pin'))).toHaveValue('');
  await checkPage(page, { screenshot: 'learner-login-not-a-terminal' });

  await page.goto('/learn');
  await expect(page).toHaveURL(/\/login\?next=%2Flearn$/);
  await checkPage(page);
});

test('signing in on a second terminal ends the session on the first, whose page returns to sign-in saying why', async ({ page, browser, baseURL }) => {
  // Terminal A.
  await signIn(page, GINTS);
  await expect(page).toHaveURL(/\/learn$/);
  await checkPage(page);

  // Terminal B, another approved terminal of the same prison.
  const other = await newPerson(browser, baseURL!);
  try {
    await signIn(other, GINTS);
    await expect(other).toHaveURL(/\/learn$/);
    await checkPage(other);

    // Terminal A's page asks the server every ~12 s whether its session still stands.
    await expect(page).toHaveURL(/\/login\?reason=signed_in_elsewhere$/, { timeout: 30_000 });
    await expect(page.getByRole('status')).toHaveText(lv('terminal.endedElsewhere'));
    await checkPage(page, { screenshot: 'learner-login-signed-in-elsewhere' });
    await page.goto('/learn');
    await expect(page).toHaveURL(/\/login\?next=%2Flearn$/);
    await checkPage(page);

    // Terminal B goes on.
    await other.reload();
    await expect(other).toHaveURL(/\/learn$/);
    await checkPage(other);
  } finally {
    await finishPerson(other);
  }
});
