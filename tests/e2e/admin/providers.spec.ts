import { test, expect, checkPage, signIn, newPerson, finishPerson, text } from '../fixtures.ts';
import { ACCOUNTS } from '../../helpers/accounts.ts';

/**
 * The register of education providers: the admin adds the school that will
 * issue documents (a name that reveals custody is refused next to the field),
 * and the education staff name it on a programme.
 */
const lv = (key: Parameters<typeof text>[1], params?: Record<string, string | number>) => text('lv', key, params);

test('the admin adds an education provider (a custody word in its name is refused), and the education staff pick it on a programme', async ({ page, browser, baseURL }) => {
  // Two people, several pages each checked with axe: generous on a busy machine.
  test.setTimeout(240_000);
  const tag = Date.now().toString(36).slice(-5);
  const nameLv = `Olaines Tehnikums ${tag}`;
  const registrationNumber = String(Date.now()).slice(-10);
  await signIn(page, ACCOUNTS.admin);
  await checkPage(page);

  await test.step('open the register from the main menu', async () => {
    await page.getByRole('navigation', { name: lv('layout.mainMenu') }).getByRole('link', { name: lv('nav.providers') }).click();
    await expect(page).toHaveURL(/\/admin\/providers$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(lv('nav.providers'));
    // The demo register: schools with their registration numbers; one whose agreement ended is kept, deactivated.
    await expect(page.getByRole('row').filter({ hasText: 'Pieaugušo izglītības centrs “Valoda”' })).toContainText('4360802345');
    await expect(page.getByRole('row').filter({ hasText: 'Jelgavas Amatu vidusskola' })).toContainText(lv('provider.inactive'));
    await checkPage(page, { screenshot: 'admin-providers', zoom: true });
    await page.getByRole('link', { name: lv('provider.new') }).click();
    await expect(page).toHaveURL(/\/admin\/providers\/new$/);
    await checkPage(page);
  });

  await test.step('a name that says "prison" is refused, with the word, next to the field; what was typed stays', async () => {
    await page.getByLabel(lv('provider.nameLv')).fill(`Ieslodzījuma vietu pārvaldes mācību centrs ${tag}`);
    await page.getByLabel(lv('provider.nameEn')).fill(`Olaine Technical School ${tag}`);
    await page.getByLabel(lv('provider.registrationNumber')).fill(registrationNumber);
    await page.getByLabel(lv('provider.address')).fill('Zeiferta iela 2, Olaine, LV-2114');
    await page.getByLabel(lv('provider.phone')).fill('+371 67 964 333');
    await page.getByLabel(lv('provider.email')).fill('info@olaines-tehnikums.example');
    await page.getByRole('button', { name: lv('provider.create') }).click();
    const nameField = page.getByLabel(lv('provider.nameLv'));
    await expect(nameField).toHaveAttribute('aria-invalid', 'true');
    await expect(page.locator('#f-nameLv-error')).toHaveText(lv('certificate.custodyWord', { word: 'Ieslodzījuma vietu pārvaldes' }));
    await expect(page.getByLabel(lv('provider.registrationNumber'))).toHaveValue(registrationNumber);
    await checkPage(page, { screenshot: 'admin-provider-custody-refused' });
  });

  await test.step('a short registration number is refused; the right one is added to the register', async () => {
    await page.getByLabel(lv('provider.nameLv')).fill(nameLv);
    await page.getByLabel(lv('provider.registrationNumber')).fill('12345');
    await page.getByRole('button', { name: lv('provider.create') }).click();
    await expect(page.locator('#f-registrationNumber-error')).toHaveText(lv('provider.registrationNumberFormat'));
    await page.getByLabel(lv('provider.registrationNumber')).fill(registrationNumber);
    await page.getByRole('button', { name: lv('provider.create') }).click();
    await expect(page).toHaveURL(/\/admin\/providers\?done=created$/);
    await expect(page.getByRole('status')).toHaveText(lv('provider.created'));
    await expect(page.getByRole('row').filter({ hasText: nameLv })).toContainText(registrationNumber);
    await page.setViewportSize({ width: 1024, height: 800 });
    await checkPage(page, { screenshot: 'admin-provider-added-1024' });
  });

  const staff = await newPerson(browser, baseURL!);
  await test.step('the education staff name the new provider on a programme', async () => {
    await signIn(staff, ACCOUNTS.ievaOzola, { check: false });
    await staff.goto('/staff/programmes/new');
    await checkPage(staff);
    const today = new Date();
    const inDays = (n: number) => new Date(today.getTime() + n * 86_400_000).toISOString().slice(0, 10);
    await staff.getByLabel(lv('programme.title')).fill(`Metināšana cietumā ${tag}`);
    await staff.getByLabel(lv('programme.startsOn')).fill(inDays(7));
    await staff.getByLabel(lv('programme.endsOn')).fill(inDays(120));
    await staff.getByLabel(lv('programme.seats')).fill('8');
    await staff.getByLabel(lv('programme.courseN', { n: 1 })).selectOption({ index: 1 });
    await staff.getByLabel(lv('programme.provider')).selectOption({ label: nameLv });
    await staff.getByRole('button', { name: lv('programme.create') }).click();
    // The title is printed on the programme's documents: the custody word is named next to it.
    await expect(staff.locator('#title-error')).toHaveText(lv('certificate.custodyWord', { word: 'cietumā' }));
    await expect(staff.getByLabel(lv('programme.provider')).locator('option:checked')).toHaveText(nameLv);
    await checkPage(staff, { screenshot: 'education-staff-programme-custody-title' });
    await staff.getByLabel(lv('programme.title')).fill(`Metināšanas pamati ${tag}`);
    await staff.getByRole('button', { name: lv('programme.create') }).click();
    await expect(staff).toHaveURL(/\/staff\/programmes\/\d+\?created=1$/);
    await expect(staff.locator('dl.facts')).toContainText(nameLv);
    await checkPage(staff, { screenshot: 'education-staff-programme-with-provider' });
  });
  await finishPerson(staff);

  await test.step('the register now counts the programme, so the provider can no longer be deleted, only deactivated', async () => {
    await page.reload();
    const row = page.getByRole('row').filter({ hasText: nameLv });
    await expect(row.getByRole('cell').nth(3)).toHaveText('1');
    await row.getByRole('link', { name: nameLv }).click();
    await expect(page.getByRole('button', { name: lv('provider.delete') })).toHaveCount(0);
    await expect(page.getByText(lv('provider.inUse'))).toBeVisible();
    await checkPage(page, { screenshot: 'admin-provider-edit' });
  });
});
