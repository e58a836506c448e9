import path from 'node:path';
import Database from 'better-sqlite3';
import { test, expect, checkPage, signIn, text } from '../fixtures.ts';
import { ACCOUNTS } from '../../helpers/accounts.ts';

/**
 * A programme the learner cannot finish before release: ieva.ozola sees the
 * reason, no plain "Enrol" button, and the rule about overrides; she enrols
 * the learner only by ticking "Override" and writing why, and the learner's
 * programmes then show the rule set aside with her reason.
 *
 * The learner (release in a month, a fresh consultation) and the programme
 * (ends in four months, does not continue outside) are made for this test.
 */

const lv = (key: Parameters<typeof text>[1], params?: Record<string, string | number>) => text('lv', key, params);

function makeLearnerAndProgramme(tag: string): { learnerId: number; title: string } {
  const db = new Database(path.join(process.env.TILTS_E2E_DATA_DIR!, 'tilts.db'));
  try {
    db.pragma('busy_timeout = 5000');
    const ola = db.prepare("SELECT id FROM facility WHERE code = 'OLA'").pluck().get() as number;
    const now = new Date();
    const at = now.toISOString();
    const inDays = (n: number) => new Date(now.getTime() + n * 86_400_000).toISOString().slice(0, 10);
    const userId = Number(
      db
        .prepare("INSERT INTO user (role, username, display_name, facility_id, preferred_locale, created_at, updated_at) VALUES ('learner', NULL, 'Roberts Liepiņš', ?, 'lv', ?, ?)")
        .run(ola, at, at).lastInsertRowid,
    );
    const learnerId = Number(
      db
        .prepare(
          `INSERT INTO learner (user_id, inmate_number, surname, given_names, birth_year, education_level, latvian_level, expected_release_date, status, created_at, updated_at)
           VALUES (?, ?, 'Liepiņš', 'Roberts', 1992, 'basic', 'B1', ?, 'in_custody', ?, ?)`,
        )
        .run(userId, `8${tag}`, inDays(30), at, at).lastInsertRowid,
    );
    db.prepare(
      "INSERT INTO consultation (learner_id, facility_id, kind, held_on, mode, interests_json, recommended_json, created_at) VALUES (?, ?, 'career', ?, 'in_person', '[]', '[]', ?)",
    ).run(learnerId, ola, at.slice(0, 10), at);
    const title = `Flīzētājs ${tag}`;
    const programmeId = Number(
      db
        .prepare(
          `INSERT INTO programme (facility_id, title, starts_on, ends_on, seats, language, continues_after_release, interests_json, timetable_json, status, created_at, updated_at)
           VALUES (?, ?, ?, ?, 5, 'lv', 0, '[]', '[]', 'open', ?, ?)`,
        )
        .run(ola, title, inDays(7), inDays(120), at, at).lastInsertRowid,
    );
    db.prepare("INSERT INTO programme_course (programme_id, position, course_id) VALUES (?, 0, 'dzives-skola')").run(programmeId);
    return { learnerId, title };
  } finally {
    db.close();
  }
}

test('a programme the learner cannot finish before release is enrolled only by an override with a written reason', async ({ page }) => {
  const { learnerId, title } = makeLearnerAndProgramme(String(Date.now()).slice(-6));
  await signIn(page, ACCOUNTS.ievaOzola, { check: false });
  await page.goto(`/staff/learners/${learnerId}/placement`);
  await checkPage(page);
  await expect(page.getByText(lv('placement.overrideRules'))).toBeVisible();

  const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: title }) });
  await expect(card).toContainText(lv('rank.cannotFinish', { weeks: 12 }).split('(')[0]!.trim());
  // No plain button: the only way in is the override, behind its own summary, with a required checkbox and reason.
  await expect(card.getByRole('button', { name: lv('placement.enrol') })).toHaveCount(0);
  await card.getByText(lv('placement.overrideOpen')).click();
  const override = card.getByLabel(lv('placement.overrideLabel'));
  await expect(override).toBeVisible();
  await expect(card.getByRole('button', { name: lv('placement.enrol') })).toHaveCount(1);
  await checkPage(page, { screenshot: 'education-staff-placement-override', zoom: true });
  await page.setViewportSize({ width: 1024, height: 800 });
  await checkPage(page, { screenshot: 'education-staff-placement-override-1024' });

  await override.check();
  const reason = 'Tiesa izskata nosacītu pirmstermiņa atbrīvošanu; turpinās NVA kursos';
  await card.getByLabel(lv('placement.overrideReason', { min: 10 })).fill(reason);
  await card.getByRole('button', { name: lv('placement.enrol') }).click();
  await expect(page.getByRole('status')).toHaveText(lv('placement.enrolled'));
  await expect(page.locator('main')).toContainText(`${title}: ${lv('placement.status.enrolled')}`);
  await expect(page.locator('main')).toContainText(lv('placement.overridden', { reason }));
  await checkPage(page);
});
