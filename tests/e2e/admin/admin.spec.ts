import { test, expect, checkPage, signIn, signInSeeHomeSignOut, newPerson, finishPerson, text } from '../fixtures.ts';
import { ACCOUNTS } from '../../helpers/accounts.ts';

const lv = (key: Parameters<typeof text>[1], params?: Record<string, string | number>) => text('lv', key, params);

test('the admin signs in, sees who they are and signs out', async ({ page }) => {
  await signInSeeHomeSignOut(page, { account: ACCOUNTS.admin, role: 'admin', name: 'Anita Kalniņa', facility: null });
});

test('the admin creates a teacher account, hands over the one-time password, then deactivates it; the audit log shows both', async ({
  page,
  browser,
  baseURL,
}) => {
  test.setTimeout(180_000);
  const username = `laura.kalna.${Date.now().toString(36)}`;
  await signIn(page, ACCOUNTS.admin);
  await checkPage(page);

  await test.step('open the user list and the new-account form', async () => {
    await page.getByRole('navigation', { name: lv('layout.mainMenu') }).getByRole('link', { name: lv('nav.users') }).click();
    await expect(page).toHaveURL(/\/admin\/users$/);
    await checkPage(page, { screenshot: 'admin-users', zoom: true });
    await page.getByRole('link', { name: lv('users.newStaff') }).click();
    await checkPage(page, { screenshot: 'admin-user-new' });
  });

  let password = '';
  await test.step('create the teacher and see the one-time password', async () => {
    await page.getByLabel(lv('home.role')).selectOption('teacher');
    await page.getByLabel(lv('login.username')).fill(username);
    await page.getByLabel(lv('home.name')).fill('Laura Kalna');
    await page.getByLabel(lv('home.facility')).selectOption({ label: 'Olaines cietums' });
    await page.getByRole('button', { name: lv('users.create') }).click();
    await expect(page.getByRole('heading', { name: lv('users.createdTitle', { name: 'Laura Kalna' }) })).toBeVisible();
    await expect(page.getByText(lv('users.loginIs', { login: username }))).toBeVisible();
    password = (await page.getByTestId('one-time-secret').innerText()).trim();
    expect(password).toMatch(/^\S{10,}$/);
    await checkPage(page, { screenshot: 'admin-user-created' });
  });

  const teacher = await newPerson(browser, baseURL!);
  await test.step('the new teacher signs in with it', async () => {
    await signIn(teacher, { kind: 'staff', username, password });
    await expect(teacher).toHaveURL(/\/teach$/);
    await checkPage(teacher);
  });

  await test.step('deactivate the account: the teacher is signed out at once', async () => {
    await page.getByRole('link', { name: lv('users.openUser') }).click();
    await checkPage(page);
    await page.getByRole('button', { name: lv('users.deactivate') }).click();
    await expect(page.getByRole('status').filter({ hasText: lv('users.deactivated') })).toBeVisible();
    await checkPage(page, { screenshot: 'admin-user-deactivated' });
    await teacher.reload();
    await expect(teacher).toHaveURL(/\/login/);
    await checkPage(teacher);
    await finishPerson(teacher);
  });

  await test.step("the account's history in the audit log shows the creation and the deactivation", async () => {
    await page.getByRole('link', { name: lv('users.history') }).click();
    await expect(page).toHaveURL(/\/admin\/audit\?targetType=user&targetId=\d+/);
    // In words, with the account by name and a link to it; no codes, no JSON.
    const table = page.getByRole('table');
    await expect(table).toContainText(lv('auditAction.user.create'));
    await expect(table).toContainText(lv('auditAction.user.deactivate'));
    await expect(table.getByRole('link', { name: 'Laura Kalna' }).first()).toHaveAttribute('href', /^\/admin\/users\/\d+$/);
    await expect(table.getByRole('link', { name: 'Anita Kalniņa' }).first()).toHaveAttribute('href', '/admin/users/1');
    await expect(table).not.toContainText('user.create');
    await expect(table).not.toContainText('{');
    await checkPage(page, { screenshot: 'admin-audit-user' });
  });

  await test.step('filter the whole audit log by action, chosen by its label', async () => {
    await page.goto('/admin/audit');
    await checkPage(page, { screenshot: 'admin-audit', zoom: true });
    await page.getByLabel(lv('audit.action')).selectOption({ label: lv('auditAction.user.deactivate') });
    await page.getByRole('button', { name: lv('users.applyFilter') }).click();
    await expect(page).toHaveURL(/action=user\.deactivate/);
    const actions = page.getByRole('table').locator('tbody tr td:nth-child(2)');
    await expect(actions.first()).toHaveText(lv('auditAction.user.deactivate'));
    for (const action of await actions.allInnerTexts()) expect(action).toBe(lv('auditAction.user.deactivate'));
    await expect(page.getByRole('table')).not.toContainText(lv('auditAction.auth.login'));
    await checkPage(page, { screenshot: 'admin-audit-filtered' });
  });
});

test('the admin cannot deactivate their own account', async ({ page }) => {
  await signIn(page, ACCOUNTS.admin);
  await checkPage(page);
  await page.goto('/admin/users/1');
  await checkPage(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Anita Kalniņa');
  await expect(page.getByRole('button', { name: lv('users.resetPassword') })).toBeVisible();
  await expect(page.getByRole('button', { name: lv('users.deactivate') })).toHaveCount(0);
});

test('the admin adds a facility; a bad code is explained next to the field', async ({ page }) => {
  await signIn(page, ACCOUNTS.admin);
  await checkPage(page);
  await page.goto('/admin/facilities');
  await checkPage(page, { screenshot: 'admin-facilities' });
  const form = page.getByRole('region', { name: lv('facilities.new') });
  await form.getByLabel(lv('facilities.code')).fill('x1');
  await form.getByLabel(lv('facilities.name')).fill('Valmieras cietums');
  await form.getByRole('button', { name: lv('facilities.create') }).click();
  await expect(page.locator('#f-code-error')).toHaveText(lv('validation.facilityCode'));
  await expect(page.getByLabel(lv('facilities.code'))).toHaveAttribute('aria-invalid', 'true');
  await checkPage(page, { screenshot: 'admin-facility-error' });
  await page.getByLabel(lv('facilities.code')).fill('VAL');
  await page.getByRole('button', { name: lv('facilities.create') }).click();
  await expect(page.getByRole('status').filter({ hasText: lv('facilities.created') })).toBeVisible();
  await expect(page.getByRole('table')).toContainText('Valmieras cietums');
  await checkPage(page);
});
