import { approvedTerminal } from '../../helpers/terminal.ts';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { listAudit, verifyAuditChain } from '../../../src/lib/server/audit.ts';
import { signIn, type Credentials } from '../../../src/lib/server/auth.ts';
import { countUsersByRole } from '../../../src/lib/server/people/users.ts';
import { listFacilities } from '../../../src/lib/server/people/facilities.ts';
import { createFirstAdmin } from '../../../src/lib/server/seed/first-admin.ts';
import { DEMO_FACILITIES, demoAccounts, hasDemo, seedDemo, type DemoAccount } from '../../../src/lib/server/seed/demo.ts';
import { ROLES } from '../../../src/lib/shared/domain.ts';
import { createTestDb, TEST_TIMEOUTS, type TestDb } from '../../helpers/fixture.ts';

// Seeding hashes ~50 secrets (a few seconds), so this file seeds one database
// and its tests only read it or sign in to it.
const TODAY = new Date('2026-01-15T08:00:00.000Z');
let t: TestDb;
let accounts: DemoAccount[];
beforeAll(async () => {
  t = createTestDb();
  accounts = await seedDemo(t.db, TODAY);
}, 60_000);
afterAll(() => t?.cleanup());

const credentials = (a: DemoAccount): Credentials =>
  a.role === 'learner' ? { kind: 'learner', inmateNumber: a.login, pin: a.secret } : { kind: 'staff', username: a.login, password: a.secret };

describe('the demo database', () => {
  test('has the five prisons', () => {
    expect(listFacilities(t.db).map((f) => f.code).sort()).toEqual(['DAU', 'ILG', 'JEL', 'LIE', 'OLA']);
    expect(DEMO_FACILITIES.map((f) => f.name)).toContain('Olaines cietums');
  });

  test('has at least forty learners in custody, with varied levels and release dates ahead', () => {
    const learners = t.db
      .prepare("SELECT education_level, latvian_level, expected_release_date FROM learner WHERE status = 'in_custody'")
      .all() as Array<{ education_level: string; latvian_level: string; expected_release_date: string }>;
    expect(learners.length).toBeGreaterThanOrEqual(40);
    expect(new Set(learners.map((l) => l.education_level)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(learners.map((l) => l.latvian_level)).size).toBeGreaterThanOrEqual(4);
    for (const l of learners) expect(l.expected_release_date > TODAY.toISOString().slice(0, 10)).toBe(true);
  });

  test('has learners in every prison', () => {
    const perFacility = t.db
      .prepare("SELECT f.code, count(*) AS n FROM learner l JOIN user u ON u.id = l.user_id JOIN facility f ON f.id = u.facility_id WHERE l.status = 'in_custody' GROUP BY f.code")
      .all() as Array<{ code: string; n: number }>;
    expect(perFacility.map((r) => r.code).sort()).toEqual(['DAU', 'ILG', 'JEL', 'LIE', 'OLA']);
  });

  test('has an account in every role', () => {
    const counts = countUsersByRole(t.db);
    for (const role of ROLES) expect(counts[role], role).toBeGreaterThanOrEqual(1);
    expect(new Set(accounts.map((a) => a.role))).toEqual(new Set(ROLES));
  });

  test('records that it is the demo, in an intact audit log', () => {
    expect(hasDemo(t.db)).toBe(true);
    expect(listAudit(t.db, { action: 'system.demoSeeded' }).entries).toHaveLength(1);
    expect(verifyAuditChain(t.db).ok).toBe(true);
  });

  test('lists the same accounts every time', () => {
    expect(demoAccounts().map((a) => a.login)).toEqual(accounts.map((a) => a.login));
  });

  test('every listed demo account signs in and lands in its role', async () => {
    for (const a of accounts) {
      // Learners sign in at an approved terminal of their prison (tests/unit/terminals has the rules).
      const facilityId = a.role === 'learner' ? (t.db.prepare('SELECT u.facility_id FROM learner l JOIN user u ON u.id = l.user_id WHERE l.inmate_number = ?').pluck().get(a.login) as number) : null;
      const terminal = facilityId ? approvedTerminal(t.db, facilityId) : null;
      const r = await signIn(t.db, credentials(a), { ip: '127.0.0.1', userAgent: 'test' }, TEST_TIMEOUTS, TODAY.getTime(), { terminal });
      expect(r, `${a.role} ${a.login}`).toMatchObject({ ok: true, role: a.role });
    }
  });

  test('is never seeded twice', async () => {
    await expect(seedDemo(t.db, TODAY)).rejects.toThrow(/empty database/);
    expect(listFacilities(t.db)).toHaveLength(5);
  });
});

test('a real installation starts with one administrator whose password works once handed over', async () => {
  const fresh = createTestDb();
  try {
    expect(hasDemo(fresh.db)).toBe(false);
    const password = await createFirstAdmin(fresh.db);
    expect(password).toMatch(/^[A-Za-z2-9]{12}$/);
    expect(await signIn(fresh.db, { kind: 'staff', username: 'admin', password }, { ip: null, userAgent: null }, TEST_TIMEOUTS)).toMatchObject({
      ok: true,
      role: 'admin',
    });
    // And the demo does not go on top of it.
    await expect(seedDemo(fresh.db)).rejects.toThrow(/empty database/);
  } finally {
    fresh.cleanup();
  }
});
