import { test, expect, checkPage, signIn, newPerson, finishPerson, text } from '../fixtures.ts';
import { ACCOUNTS } from '../../helpers/accounts.ts';
import { makeAccount } from '../../helpers/made-accounts.ts';

const lv = (key: Parameters<typeof text>[1], params?: Record<string, string | number>) => text('lv', key, params);
const ru = (key: Parameters<typeof text>[1], params?: Record<string, string | number>) => text('ru', key, params);

/**
 * The audit log read by the administrator: Raivis Celmiņš (released) signs in
 * to the portal; the administrator finds it by his name and the action's
 * label, reads it in words ("Released person signed in to the portal", not
 * {"kind":"staff"}), with his name linking to his learner page, and the count
 * of matching entries; an administrator reading Russian reads it in Russian.
 */
test('the admin finds a released person’s portal sign-in by his name and the action, and reads it in words with names', async ({ page, browser, baseURL }) => {
  test.setTimeout(180_000);
  const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'UTC' });
  const raivis = await newPerson(browser, baseURL!);
  try {
    await signIn(raivis, ACCOUNTS.raivisCelmins);
    await expect(raivis).toHaveURL(/\/portal$/);
    await checkPage(raivis);
  } finally {
    await finishPerson(raivis);
  }

  await signIn(page, ACCOUNTS.admin);
  await checkPage(page);
  await page.getByRole('navigation', { name: lv('layout.mainMenu') }).getByRole('link', { name: lv('nav.audit') }).click();
  await expect(page).toHaveURL(/\/admin\/audit$/);
  await checkPage(page);

  const filters = page.getByRole('search', { name: lv('audit.filters') });
  await filters.getByLabel(lv('audit.person')).fill('Celmiņš');
  await filters.getByLabel(lv('audit.action')).selectOption({ label: lv('auditAction.auth.login') });
  await filters.getByLabel(lv('audit.from')).fill(today);
  await filters.getByLabel(lv('audit.to')).fill(today);
  await filters.getByRole('button', { name: lv('users.applyFilter') }).click();
  await expect(page).toHaveURL(/person=Celmi/);
  await expect(page).toHaveURL(/action=auth\.login/);
  await checkPage(page, { screenshot: 'admin-audit-person', zoom: true });

  const rows = page.getByRole('table').locator('tbody tr');
  await expect(rows.first()).toBeVisible();
  const count = await rows.count();
  // The true total, and every row his sign-in, in words.
  await expect(page.getByTestId('audit-count')).toHaveText(lv('audit.count', { from: 1, to: count, total: count }));
  for (const row of await rows.all()) {
    await expect(row.locator('td').nth(1)).toHaveText(lv('auditAction.auth.loginPortal'));
    const who = row.locator('td').nth(2).getByRole('link', { name: 'Raivis Celmiņš' });
    await expect(who).toHaveAttribute('href', /^\/staff\/learners\/\d+$/);
  }
  await expect(page.getByRole('table')).not.toContainText('kind');
  await expect(page.getByRole('table')).not.toContainText('{');

  // His name leads to his page.
  await rows.first().locator('td').nth(2).getByRole('link', { name: 'Raivis Celmiņš' }).click();
  await expect(page).toHaveURL(/\/staff\/learners\/\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Raivis Celmiņš');
  await checkPage(page);

  // An administrator reading Russian sees the same entries in Russian (the filters are in the address).
  await page.goBack();
  await checkPage(page);
  const address = new URL(page.url());
  const russian = await newPerson(browser, baseURL!);
  try {
    await signIn(russian, await makeAccount('admin', 'ru'));
    await checkPage(russian);
    await russian.goto(address.pathname + address.search);
    await expect(russian.locator('html')).toHaveAttribute('lang', 'ru');
    await expect(russian.getByRole('table').locator('tbody tr').first().locator('td').nth(1)).toHaveText(ru('auditAction.auth.loginPortal'));
    await checkPage(russian, { screenshot: 'admin-audit-person-ru' });
    await russian.setViewportSize({ width: 1024, height: 800 });
    await checkPage(russian, { screenshot: 'admin-audit-person-ru-1024' });
  } finally {
    await finishPerson(russian);
  }
});

test('a person filter typed with SQL wildcards or markup finds nothing and shows it as typed', async ({ page }) => {
  await signIn(page, ACCOUNTS.admin);
  await checkPage(page);
  await page.goto(`/admin/audit?person=${encodeURIComponent('%<b>x</b>_')}`);
  await checkPage(page);
  await expect(page.getByText(lv('audit.none'))).toBeVisible();
  await expect(page.getByLabel(lv('audit.person'))).toHaveValue('%<b>x</b>_');
  await expect(page.locator('main b')).toHaveCount(0);
});
