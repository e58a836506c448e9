import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { SYSTEM_ACTOR } from '../../../src/lib/server/audit.ts';
import { LEARNER_PAGE_SIZE, pageLearners, type Learner } from '../../../src/lib/server/people/learners.ts';
import { importRoster, ROSTER_BATCH_ROWS } from '../../../src/lib/server/people/roster.ts';
import { ROSTER_COLUMNS } from '../../../src/lib/server/people/roster-csv.ts';
import { createPrison, type Prison } from '../../helpers/fixture.ts';
import type { SessionUser } from '../../../src/lib/server/session.ts';

let p: Prison & { cleanup: () => void };
beforeEach(async () => {
  p = await createPrison();
});
afterEach(() => p.cleanup());

/** 12 → "Bc": names hold letters only. */
const lettersOf = (n: number) => [...String(n)].map((d, i) => (i === 0 ? 'ABCDEFGHIJ' : 'abcdefghij')[Number(d)]).join('');
const ROWS = 2 * ROSTER_BATCH_ROWS + 57;

/** A roster of ROWS learners, two in three at Olaine, with surnames shared by many (the sort must still be total). */
function bigRoster(): string {
  const lines = [ROSTER_COLUMNS.join(',')];
  for (let i = 0; i < ROWS; i++) {
    const values: Record<string, string> = {
      inmate_number: String(400_000 + i),
      surname: `Ozols${lettersOf(i % 7)}`.replace(/\d/g, ''),
      given_names: `Jānis ${lettersOf(i)}`,
      birth_year: '1990',
      facility_code: i % 3 === 0 ? 'ILG' : 'OLA',
      expected_release_date: '2029-01-31',
      education_level: 'basic',
      latvian_level: 'B1',
      preferred_language: 'lv',
    };
    lines.push(ROSTER_COLUMNS.map((c) => values[c]).join(','));
  }
  return lines.join('\n') + '\n';
}

/** Every page in turn, following `next`. */
function walk(actor: SessionUser, filter = {}): { pages: Learner[][]; total: number } {
  const pages: Learner[][] = [];
  let after: string | null = null;
  let total = -1;
  do {
    const page = pageLearners(p.db, actor, filter, { after });
    total = page.total;
    pages.push(page.learners);
    after = page.next;
  } while (after && pages.length < 100);
  return { pages, total };
}

const count = (sql: string, ...args: unknown[]) => p.db.prepare(sql).pluck().get(...args) as number;

describe('learner lists at scale', () => {
  test('a roster larger than one batch is imported whole, with one roster.import entry, and importing it again changes nothing', async () => {
    const first = await importRoster(p.db, { kind: 'system', audit: SYSTEM_ACTOR }, bigRoster());
    expect(first.ok && first.report.counts.create).toBe(ROWS);
    const again = await importRoster(p.db, { kind: 'system', audit: SYSTEM_ACTOR }, bigRoster());
    expect(again.ok && again.report.counts.unchanged).toBe(ROWS);
    expect(count("SELECT count(*) FROM learner WHERE inmate_number LIKE '4%'")).toBe(ROWS);
    expect(count("SELECT count(*) FROM audit_log WHERE action = 'roster.import'")).toBe(2);
  });

  test('education staff page through every learner of their prison: true total, no row twice, none left out, in name order', async () => {
    await importRoster(p.db, { kind: 'system', audit: SYSTEM_ACTOR }, bigRoster());
    const { pages, total } = walk(p.educationStaff.user);
    const all = pages.flat();
    const expected = count('SELECT count(*) FROM learner l JOIN user u ON u.id = l.user_id WHERE u.facility_id = ?', p.facilityA.id);
    expect(total).toBe(expected);
    expect(total).toBeGreaterThan(LEARNER_PAGE_SIZE * 2);
    expect(all).toHaveLength(total);
    expect(new Set(all.map((l) => l.id)).size).toBe(total);
    expect(pages.every((page) => page.length <= LEARNER_PAGE_SIZE)).toBe(true);
    expect(all.every((l) => l.facilityId === p.facilityA.id)).toBe(true);
    const key = (l: Learner) => [l.surname, l.givenNames, l.id] as const;
    for (let i = 1; i < all.length; i++) {
      const [a, b] = [key(all[i - 1]!), key(all[i]!)];
      expect(a[0] < b[0] || (a[0] === b[0] && (a[1] < b[1] || (a[1] === b[1] && a[2] < b[2])))).toBe(true);
    }
  });

  test("a cursor made from another prison's learner, or a forged one, shows nothing of that prison", async () => {
    await importRoster(p.db, { kind: 'system', audit: SYSTEM_ACTOR }, bigRoster());
    const other = pageLearners(p.db, p.admin.user, { facilityId: p.facilityB.id });
    expect(other.learners.length).toBeGreaterThan(0);
    const theirs = pageLearners(p.db, p.admin.user, { facilityId: p.facilityB.id }, { size: 1 }).next!;
    const seen = pageLearners(p.db, p.educationStaff.user, {}, { after: theirs });
    expect(seen.learners.every((l) => l.facilityId === p.facilityA.id)).toBe(true);
    for (const forged of ['not-a-cursor', Buffer.from('["a"," OR 1=1",1]').toString('base64url'), 'x'.repeat(5000)]) {
      const page = pageLearners(p.db, p.educationStaff.user, {}, { after: forged });
      expect(page.learners.every((l) => l.facilityId === p.facilityA.id)).toBe(true);
    }
  });

  test('a filter counts what it matches, not what one page shows', async () => {
    await importRoster(p.db, { kind: 'system', audit: SYSTEM_ACTOR }, bigRoster());
    const page = pageLearners(p.db, p.admin.user, { q: 'Jānis' });
    expect(page.learners).toHaveLength(LEARNER_PAGE_SIZE);
    expect(page.total).toBe(count("SELECT count(*) FROM learner WHERE given_names LIKE '%Jānis%' OR surname LIKE '%Jānis%' OR inmate_number LIKE '%Jānis%'"));
    expect(page.total).toBeGreaterThanOrEqual(ROWS);
  });
});
