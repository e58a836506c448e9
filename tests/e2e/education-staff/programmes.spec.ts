import path from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from '@playwright/test';
import { test, expect, checkPage, signIn, text } from '../fixtures.ts';
import { ACCOUNTS } from '../../helpers/accounts.ts';

/**
 * Programmes and placement as ieva.ozola (education staff, Olaine) does them:
 * she creates a one-seat programme (a wrong date is explained next to the
 * field first), places a learner from the ranked list with its reasons, puts a
 * second one on the waiting list, withdraws the first with a reason, and the
 * freed seat is offered to the one waiting, whom she then enrols.
 *
 * The two learners are made for this test in the server's database (with a
 * recent career consultation), so no other story's learners are touched.
 */

const lv = (key: Parameters<typeof text>[1], params?: Record<string, string | number>) => text('lv', key, params);

interface Made {
  id: number;
  name: string;
}

function makeLearners(tag: string): Made[] {
  const db = new Database(path.join(process.env.TILTS_E2E_DATA_DIR!, 'tilts.db'));
  try {
    db.pragma('busy_timeout = 5000');
    const ola = db.prepare("SELECT id FROM facility WHERE code = 'OLA'").pluck().get() as number;
    const now = new Date();
    const at = now.toISOString();
    const release = new Date(now.getTime() + 400 * 86_400_000).toISOString().slice(0, 10);
    return [
      ['Ozoliņš', 'Kārlis'],
      ['Kuzņecovs', 'Dmitrijs'],
    ].map(([surname, given], i) => {
      const userId = Number(
        db
          .prepare("INSERT INTO user (role, username, display_name, facility_id, preferred_locale, created_at, updated_at) VALUES ('learner', NULL, ?, ?, 'lv', ?, ?)")
          .run(`${given} ${surname}`, ola, at, at).lastInsertRowid,
      );
      const id = Number(
        db
          .prepare(
            `INSERT INTO learner (user_id, inmate_number, surname, given_names, birth_year, education_level, latvian_level, expected_release_date, status, created_at, updated_at)
             VALUES (?, ?, ?, ?, 1990, 'basic', 'B1', ?, 'in_custody', ?, ?)`,
          )
          .run(userId, `9${tag}${i}`, surname, given, release, at, at).lastInsertRowid,
      );
      db.prepare(
        "INSERT INTO consultation (learner_id, facility_id, kind, held_on, mode, interests_json, recommended_json, created_at) VALUES (?, ?, 'career', ?, 'in_person', '[\"welding\"]', '[\"welding\"]', ?)",
      ).run(id, ola, at.slice(0, 10), at);
      return { id, name: `${surname}, ${given}` };
    });
  } finally {
    db.close();
  }
}

async function placeFromRankedList(page: Page, learnerId: number, programme: string, button: 'placement.enrol' | 'placement.toWaitingList'): Promise<void> {
  await page.goto(`/staff/learners/${learnerId}/placement`);
  await checkPage(page);
  const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: programme }) });
  await expect(card).toContainText(lv('rank.recommended', { interests: lv('interest.welding') }));
  await card.getByRole('button', { name: lv(button) }).click();
  await expect(page.getByRole('status')).toHaveText(lv(button === 'placement.enrol' ? 'placement.enrolled' : 'placement.waitlisted'));
  await checkPage(page, button === 'placement.enrol' ? { screenshot: 'education-staff-placement-ranked', zoom: true } : {});
}

test('education staff create a programme, enrol from the ranked list, and a withdrawal frees the seat for the one waiting', async ({ page }) => {
  const tag = Date.now().toString(36).slice(-5);
  const [first, second] = makeLearners(String(Date.now()).slice(-6)) as [Made, Made];
  const title = `Metinātāja pamati ${tag}`;
  await signIn(page, ACCOUNTS.ievaOzola, { check: false });
  await checkPage(page);

  await page.getByRole('navigation', { name: lv('layout.mainMenu') }).getByRole('link', { name: lv('nav.programmes') }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(lv('programme.listTitle'));
  await checkPage(page, { screenshot: 'education-staff-programmes' });
  await page.getByRole('link', { name: lv('programme.new') }).click();
  await checkPage(page);
  const today = new Date();
  const inDays = (n: number) => new Date(today.getTime() + n * 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel(lv('programme.title')).fill(title);
  await page.getByLabel(lv('programme.startsOn')).fill('15.01.2027');
  await page.getByLabel(lv('programme.endsOn')).fill(inDays(120));
  await page.getByLabel(lv('programme.seats')).fill('1');
  await page.getByLabel(lv('programme.courseN', { n: 1 })).selectOption({ index: 1 });
  await page.getByRole('group', { name: lv('programme.slotN', { n: 1 }) }).getByLabel(lv('programme.day')).selectOption({ label: lv('day.2') });
  await page.getByRole('group', { name: lv('programme.slotN', { n: 1 }) }).getByLabel(lv('programme.from')).fill('09:00');
  await page.getByRole('group', { name: lv('programme.slotN', { n: 1 }) }).getByLabel(lv('programme.to')).fill('12:00');
  await page.getByLabel(lv('interest.welding')).check();
  await page.getByRole('button', { name: lv('programme.create') }).click();
  // The date in the local style is explained next to its field; everything typed stays.
  await expect(page.getByLabel(lv('programme.startsOn'))).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText(lv('validation.date'))).toBeVisible();
  await expect(page.getByLabel(lv('programme.title'))).toHaveValue(title);
  await checkPage(page, { screenshot: 'education-staff-programme-error' });
  await page.getByLabel(lv('programme.startsOn')).fill(inDays(7));
  await page.getByRole('button', { name: lv('programme.create') }).click();
  await expect(page.getByRole('status')).toHaveText(lv('programme.created'));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await checkPage(page);
  const programmeUrl = page.url().replace(/\?.*$/, '');

  // The first learner is enrolled, the second waits (the one seat is taken).
  await placeFromRankedList(page, first.id, title, 'placement.enrol');
  await page.goto(`/staff/learners/${second.id}/placement`);
  await checkPage(page);
  const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: title }) });
  await expect(card).toContainText(lv('rank.noSeats', { waiting: 0 }));
  await expect(card.getByRole('button', { name: lv('placement.enrol') })).toHaveCount(0);
  await placeFromRankedList(page, second.id, title, 'placement.toWaitingList');

  // Withdrawing the first needs a reason; the freed seat is offered to the second.
  await page.goto(programmeUrl);
  await checkPage(page);
  const roster = page.getByRole('region', { name: new RegExp(lv('programme.roster')) });
  await expect(roster).toContainText(first.name);
  await roster.getByRole('button', { name: lv('placement.withdraw') }).click();
  await expect(page.getByRole('alert')).toHaveText(lv('placement.reasonRequired'));
  await checkPage(page);
  await page.getByRole('region', { name: new RegExp(lv('programme.roster')) }).getByLabel(lv('placement.reason')).fill('Pārcelts darbā uz virtuvi');
  await page.getByRole('region', { name: new RegExp(lv('programme.roster')) }).getByRole('button', { name: lv('placement.withdraw') }).click();
  await expect(page.getByRole('status')).toHaveText(lv('placement.ended'));
  const waiting = page.getByRole('region', { name: new RegExp(lv('programme.waitingList')) });
  await expect(waiting).toContainText(second.name);
  await expect(waiting).toContainText(lv('placement.seatOffered', { date: '' }).split('(')[0]!.trim());
  await checkPage(page, { screenshot: 'education-staff-programme-waiting' });
  await waiting.getByRole('button', { name: lv('placement.confirmEnrol') }).click();
  await expect(page.getByRole('status')).toHaveText(lv('placement.enrolled'));
  await expect(page.getByRole('region', { name: new RegExp(lv('programme.roster')) })).toContainText(second.name);
  await expect(page.getByRole('region', { name: new RegExp(lv('programme.ended')) })).toContainText('Pārcelts darbā uz virtuvi');
  await checkPage(page);

  // The figures count the enrolments and the drop-out (the programme figures are reached from the indicators).
  await page.getByRole('navigation', { name: lv('layout.mainMenu') }).getByRole('link', { name: lv('nav.indicators') }).click();
  await page.getByRole('main').getByRole('link', { name: lv('nav.reports'), exact: true }).click();
  await checkPage(page, { screenshot: 'education-staff-reports' });
  const row = page.getByRole('row', { name: new RegExp(title) });
  await expect(row.getByRole('cell').nth(3)).toHaveText(/^2/);
  await expect(row.getByRole('cell').nth(5)).toHaveText(/^1/);
});
