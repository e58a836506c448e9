import { test, expect, checkPage, signIn, newPerson, finishPerson, text } from '../fixtures.ts';
import { ACCOUNTS, DEMO_PIN, demoInmateNumber, type Credentials } from '../../helpers/accounts.ts';

const lv = (key: Parameters<typeof text>[1], params?: Record<string, string | number>) => text('lv', key, params);

/**
 * The supervisor's room view, live: a learner on a terminal opens a lesson;
 * the supervisor (Olaine) sees them on that terminal with the course and the
 * lesson, sends them a notice that appears on the learner's screen, then ends
 * the session, and the learner's page returns to the sign-in page saying the
 * supervisor ended it.
 *
 * The learner: demo learner 7 (Aigars Krūmiņš, Olaine, mathematics and the
 * cook's-assistant course), used by no other browser test (one terminal at a
 * time: another sign-in would end this session).
 */
const AIGARS: Credentials = { kind: 'learner', inmateNumber: demoInmateNumber(7), pin: DEMO_PIN };
const NAME = 'Aigars Krūmiņš';

test('the supervisor sees a learner’s lesson, sends a notice and ends the session', async ({ page, browser, baseURL }) => {
  test.setTimeout(180_000);
  const learner = await newPerson(browser, baseURL!);
  try {
    // The learner on a terminal opens the first lesson of their first course.
    await signIn(learner, AIGARS);
    await checkPage(learner);
    await learner.locator('a[href^="/learn/courses/"]').first().click();
    await checkPage(learner);
    await learner.locator('ol.outline a').first().click();
    await checkPage(learner);
    const lesson = (await learner.getByRole('heading', { level: 1 }).innerText()).trim();
    // Opening the lesson tells the room view what the learner is doing (heartbeats keep it current).

    // The supervisor's room view shows them on their terminal, with the course and lesson.
    await signIn(page, ACCOUNTS.andrisVitols);
    await page.goto('/supervise');
    const row = page.locator('tr[data-terminal]', { hasText: NAME });
    await expect(row).toHaveCount(1);
    await expect(row.locator('[data-cell="activity"]')).toContainText(lesson);
    await expect(row.locator('[data-cell="state"]')).toHaveText(lv('room.state.active'));
    await expect(row.locator('[data-cell="learner"]')).toContainText(AIGARS.inmateNumber);
    await checkPage(page, { screenshot: 'supervisor-room-view', zoom: true });
    const terminalId = await row.getAttribute('data-terminal');

    // A notice to that terminal appears on the learner's screen.
    const message = `Pēc 10 minūtēm beidzam (${Date.now() % 10_000}).`;
    await page.getByLabel(lv('room.noticeTarget')).selectOption(`terminal:${terminalId}`);
    await page.getByLabel(lv('room.noticeMessage')).fill(message);
    await page.getByRole('button', { name: lv('room.noticeSend') }).click();
    await expect(page.getByRole('status').filter({ hasText: lv('room.noticeSent', { count: 1 }) })).toBeVisible();
    await checkPage(page);
    await expect(learner.locator('#terminal-notices')).toContainText(message, { timeout: 30_000 });

    // The supervisor ends the session, but only after saying yes: the row's button asks first, with a reason.
    const terminalName = await row.locator('th').innerText();
    const endButton = page.locator('tr[data-terminal]', { hasText: NAME }).getByRole('button', { name: lv('room.endSessionOf', { terminal: terminalName }) });
    await expect(endButton).toHaveClass(/secondary/);
    await endButton.click();
    const confirm = page.getByRole('region', { name: lv('room.endConfirmHeading', { name: NAME, terminal: terminalName }) });
    await expect(confirm).toBeVisible();
    await checkPage(page, { screenshot: 'supervisor-end-session-confirm', zoom: true });
    // Cancel leaves everything as it was.
    await confirm.getByRole('link', { name: lv('room.cancel') }).click();
    await expect(page).toHaveURL(/\/supervise$/);
    await checkPage(page);
    await expect(page.locator('tr[data-terminal]', { hasText: NAME })).toHaveCount(1);
    await expect(learner).toHaveURL(/\/learn\//);
    // Now for real, with a reason.
    await page.locator('tr[data-terminal]', { hasText: NAME }).getByRole('button', { name: lv('room.endSessionOf', { terminal: terminalName }) }).click();
    await checkPage(page);
    await confirm.getByLabel(lv('room.endReason')).selectOption({ label: lv('room.endReason.timeOver') });
    await confirm.getByLabel(lv('room.endNote')).fill('Klase jāatbrīvo');
    await confirm.getByRole('button', { name: lv('room.endYes') }).click();
    await expect(page.getByRole('status').filter({ hasText: lv('room.sessionEnded') })).toBeVisible();
    await checkPage(page);
    await expect(page.locator('tr[data-terminal]', { hasText: NAME })).toHaveCount(0);
    await learner.waitForURL(/\/login\?reason=ended_by_supervisor/, { timeout: 30_000 });
    await expect(learner.getByRole('status')).toContainText(lv('terminal.endedBySupervisor'));
    await checkPage(learner);
  } finally {
    await finishPerson(learner);
  }
});
