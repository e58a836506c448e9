import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { appendAudit, SYSTEM_ACTOR } from '../../../src/lib/server/audit.ts';
import { migrate, stmt } from '../../../src/lib/server/db.ts';
import { createTestDb, MIGRATIONS_DIR, type TestDb } from '../../helpers/fixture.ts';

let t: TestDb;
afterEach(() => t.cleanup());

test('upgrading: learners admitted by the roster and never given a PIN have none; the others have one since their last PIN or admission', () => {
  t = createTestDb({ migrated: false });
  // The schema just before 0025.
  const before = path.join(t.dir, 'migrations');
  fs.mkdirSync(before);
  for (const f of fs.readdirSync(MIGRATIONS_DIR).filter((f) => f < '0025')) fs.copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(before, f));
  migrate(t.db, before);
  const at = '2026-05-01T08:00:00.000Z';
  stmt(t.db, "INSERT INTO facility (code, name, created_at, updated_at) VALUES ('OLA', 'Olaines cietums', ?, ?)").run(at, at);
  const admit = (n: string) => {
    const userId = stmt(t.db, "INSERT INTO user (role, display_name, facility_id, secret_hash, created_at, updated_at) VALUES ('learner', ?, 1, 'x', ?, ?)").run(n, at, at).lastInsertRowid;
    return Number(
      stmt(t.db, "INSERT INTO learner (user_id, inmate_number, surname, given_names, education_level, latvian_level, created_at, updated_at) VALUES (?, ?, 'A', 'B', 'basic', 'B1', ?, ?)").run(
        userId,
        n,
        at,
        at,
      ).lastInsertRowid,
    );
  };
  const created = (id: number, via?: string) =>
    appendAudit(t.db, { actor: SYSTEM_ACTOR, action: 'learner.create', targetType: 'learner', targetId: id, facilityId: 1, details: via ? { via } : {} });
  const byHand = admit('100001');
  created(byHand);
  const rosterNoPin = admit('100002');
  created(rosterNoPin, 'roster');
  const rosterThenPin = admit('100003');
  created(rosterThenPin, 'roster');
  appendAudit(t.db, { actor: SYSTEM_ACTOR, action: 'learner.pinReset', targetType: 'learner', targetId: rosterThenPin, facilityId: 1 }, new Date('2026-06-02T09:00:00.000Z'));

  migrate(t.db, MIGRATIONS_DIR);
  const issued = (id: number) => stmt(t.db, 'SELECT pin_issued_at FROM learner WHERE id = ?').pluck().get(id);
  expect(issued(byHand)).toBe(at);
  expect(issued(rosterNoPin)).toBeNull();
  expect(issued(rosterThenPin)).toBe('2026-06-02T09:00:00.000Z');
});
