import { test, expect, checkPage, signIn, signOut, newPerson, finishPerson, text, useTerminal } from '../fixtures.ts';
import { ACCOUNTS, DEMO_PIN, type Credentials } from '../../helpers/accounts.ts';
import { databaseOf } from '../../helpers/server.ts';
import { ALL_DAY, setFacilityHours } from '../../helpers/terminal.ts';
import { formatOpening } from '../../../src/lib/shared/hours-format.ts';

const lv = (key: Parameters<typeof text>[1], params?: Record<string, string | number>) => text('lv', key, params);

/**
 * Terminals from the supervisor's side, on the shared server. The learners are
 * used by no other browser test: Vladimirs Vasiļjevs (205026, Olaine) on the
 * newly approved device, Rihards Vanags (204249, Liepāja) for the closed
 * hours. Closing Liepāja's hours would refuse any other Liepāja learner
 * meanwhile: no other browser test signs one in, and the hours are restored
 * whatever happens. Liepāja has no supervisor account: the administrator,
 * who manages every prison's hours, closes them.
 */
const VLADIMIRS: Credentials = { kind: 'learner', inmateNumber: '205026', pin: DEMO_PIN };
const RIHARDS: Credentials = { kind: 'learner', inmateNumber: '204249', pin: DEMO_PIN };

test('a supervisor approves a new device into a room by the code it shows; the device moves on by itself and a learner of the prison signs in on it', async ({ page, browser, baseURL }) => {
  test.setTimeout(180_000);
  const device = await newPerson(browser, baseURL!);
  try {
    await device.goto('/terminal');
    await expect(device.getByRole('heading', { level: 1 })).toHaveText(lv('terminal.deviceTitle'));
    const code = (await device.getByTestId('enrolment-code').innerText()).trim();
    expect(code).toMatch(/^[A-Z0-9]{3}-[A-Z0-9]{3}$/);
    await checkPage(device, { screenshot: 'terminal-device-code', zoom: true });

    // Not approved yet: a learner cannot sign in on it, and is told why.
    await device.goto('/login');
    await checkPage(device);
    const learnerForm = device.getByRole('region', { name: lv('login.learnerHeading') });
    await learnerForm.getByLabel(lv('login.inmateNumber')).fill(VLADIMIRS.inmateNumber);
    await learnerForm.getByLabel(lv('login.pin')).fill(VLADIMIRS.pin);
    await learnerForm.getByRole('button', { name: lv('login.submit') }).click();
    await expect(device.getByRole('alert')).toHaveText(lv('terminal.refusedPending'));
    await checkPage(device);
    await device.goto('/terminal');
    await expect(device.getByTestId('enrolment-code')).toHaveText(code);
    await checkPage(device);

    // The supervisor finds the device in the list by the code it shows (with its browser and when it asked),
    // picks the room and names it right there: nothing to retype.
    await signIn(page, ACCOUNTS.andrisVitols);
    await checkPage(page);
    await page.goto('/supervise/terminals');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(lv('terminal.listTitle'));
    const approve = page.getByRole('region', { name: lv('terminal.approveHeading') });
    const pending = approve.getByRole('listitem').filter({ hasText: code });
    await expect(pending).toBeVisible();
    await expect(pending).toContainText(/Chrom(e|ium) \d+/);
    await checkPage(page, { screenshot: 'supervisor-terminals', zoom: true });

    // A code typed by hand (the fallback below the list) that no device shows is refused next to the field.
    const typed = approve.locator('details.typed-code');
    await typed.locator('summary').click();
    await typed.getByLabel(lv('terminal.code')).fill('QQQ-QQQ');
    await typed.getByLabel(lv('terminal.room')).selectOption({ label: 'Datorklase 1' });
    await typed.getByLabel(lv('terminal.name'), { exact: true }).fill('Datorklase 1 — 07');
    await typed.getByRole('button', { name: lv('terminal.approve') }).click();
    await expect(page.locator('#f-code-error')).toHaveText(lv('terminal.codeUnknown'));
    await checkPage(page);

    // Approving from the list: a name is required first, then it goes.
    const listed = page.getByRole('form', { name: lv('terminal.approveThis', { code }) });
    await listed.getByRole('button', { name: lv('terminal.approveThis', { code }) }).click();
    await expect(listed.locator('.field-error')).toHaveText(lv('validation.required'));
    await checkPage(page);
    await listed.getByLabel(lv('terminal.room')).selectOption({ label: 'Datorklase 1' });
    await listed.getByLabel(lv('terminal.name'), { exact: true }).fill('Datorklase 1 — 07');
    await listed.getByRole('button', { name: lv('terminal.approveThis', { code }) }).click();
    await expect(page).toHaveURL(/\/supervise\/terminals\/\d+\?done=approved$/);
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Datorklase 1 — 07');
    await checkPage(page, { screenshot: 'supervisor-terminal-approved' });

    // The device page asks every few seconds and reloads once approved.
    await expect(device.getByRole('status')).toHaveText(lv('terminal.approvedBody', { name: 'Datorklase 1 — 07', room: 'Datorklase 1' }), { timeout: 15_000 });
    await checkPage(device, { screenshot: 'terminal-device-approved' });
    await device.getByRole('link', { name: lv('terminal.goToLogin') }).click();
    await expect(device).toHaveURL(/\/login$/);
    await signIn(device, VLADIMIRS);
    await expect(device).toHaveURL(/\/learn$/);
    await checkPage(device);

    // The supervisor's list shows it in use, seen just now.
    await page.goto('/supervise/terminals');
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'Datorklase 1 — 07', exact: true }) });
    await expect(row.getByRole('cell').nth(2)).toHaveText(lv('terminal.status.approved'));
    await expect(row.getByRole('cell').nth(3)).not.toHaveText(lv('terminal.never'));
    await checkPage(page);
  } finally {
    await finishPerson(device);
  }
});

/** 'YYYY-MM-DD' of `at` in Riga. */
function rigaDate(at: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Riga', year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** The instant of 00:00 Riga time on the day after `at` (Riga is UTC+2 in winter, UTC+3 in summer). */
function nextRigaMidnight(at: number): number {
  const tomorrow = new Date(`${rigaDate(at)}T00:00:00Z`).getTime() + 86_400_000;
  const candidates = [2, 3].map((h) => tomorrow - h * 3_600_000);
  return candidates.find((c) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Riga', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(c) === '00:00')!;
}

test('outside learning hours a learner is refused in plain words with the next opening; when the supervisor lifts the holiday the learner gets in', async ({ page, browser, baseURL }) => {
  const databaseFile = databaseOf(baseURL!)!;
  const learner = await newPerson(browser, baseURL!);
  try {
    // The administrator picks Liepāja and makes today a holiday: no learning today.
    await signIn(page, ACCOUNTS.admin);
    await checkPage(page);
    await page.goto('/supervise/timetable');
    await checkPage(page);
    await page.getByLabel(lv('timetable.facility')).selectOption({ label: 'Liepājas cietums' });
    await page.getByRole('button', { name: lv('timetable.show') }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`${lv('timetable.title')} — Liepājas cietums`);
    await checkPage(page);
    const today = rigaDate(Date.now());
    const holidays = page.getByRole('region', { name: lv('timetable.holidaysHeading') });
    await holidays.getByLabel(lv('timetable.date')).fill(today);
    await holidays.getByLabel(lv('timetable.note')).fill('E2E slēgts');
    await holidays.getByRole('button', { name: lv('timetable.addHoliday') }).click();
    await expect(page.getByRole('status')).toHaveText(lv('timetable.saved'));
    const opens = nextRigaMidnight(Date.now());
    await expect(page.getByTestId('hours-now')).toHaveText(lv('timetable.closedNow', { opens: formatOpening(opens, 'lv') }));
    await checkPage(page, { screenshot: 'supervisor-timetable-closed' });

    // Rihards on a Liepāja terminal: refused, with when learning opens again.
    await useTerminal(learner, RIHARDS.inmateNumber);
    await learner.goto('/login');
    await checkPage(learner);
    const form = learner.getByRole('region', { name: lv('login.learnerHeading') });
    await form.getByLabel(lv('login.inmateNumber')).fill(RIHARDS.inmateNumber);
    await form.getByLabel(lv('login.pin')).fill(RIHARDS.pin);
    await form.getByRole('button', { name: lv('login.submit') }).click();
    await expect(learner.getByRole('alert')).toHaveText(lv('terminal.refusedClosed', { opens: formatOpening(opens, 'lv') }));
    await expect(learner).toHaveURL(/\/login$/);
    await checkPage(learner, { screenshot: 'learner-login-closed' });

    // The supervisor removes the holiday; the same learner now signs in.
    await holidays.getByRole('button', { name: `${lv('timetable.remove')}: ${today}` }).click();
    await expect(page.getByRole('status')).toHaveText(lv('timetable.saved'));
    await expect(holidays.getByText(lv('timetable.noHolidays'))).toBeVisible();
    await checkPage(page);
    await signIn(learner, RIHARDS);
    await expect(learner).toHaveURL(/\/learn$/);
    await checkPage(learner);
    await signOut(learner);
  } finally {
    // Other tests of this server expect Liepāja open round the clock.
    setFacilityHours(databaseFile, 'LIE', ALL_DAY, []);
    await finishPerson(learner);
  }
});
