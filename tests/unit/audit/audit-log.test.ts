import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  appendAudit,
  auditKey,
  entryHash,
  AUDIT_PAGE_SIZE,
  GENESIS_HASH,
  listAudit,
  listAuditActions,
  SYSTEM_ACTOR,
  verifyAuditChain,
  type AuditInput,
} from '../../../src/lib/server/audit.ts';
import { createTestDb, type TestDb } from '../../helpers/fixture.ts';

let t: TestDb;
beforeEach(() => {
  t = createTestDb();
});
afterEach(() => t.cleanup());

const admin = { id: 1, label: 'anita.admin' };
const teacher = { id: 2, label: 'janis.liepa' };
const entry = (action: string, more: Partial<AuditInput> = {}): AuditInput => ({ actor: admin, action, ...more });

/** Changes a row behind the triggers' back, as someone with the database file could, then puts the triggers back. */
function tamper(sql: string, ...params: unknown[]) {
  const triggers = t.db.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'").pluck().all() as string[];
  expect(triggers).toHaveLength(2);
  t.db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
  t.db.prepare(sql).run(...params);
  for (const trigger of triggers) t.db.exec(trigger);
}

describe('the audit chain', () => {
  test('each entry carries the hash of the one before it, the first the genesis hash', () => {
    const a = appendAudit(t.db, entry('user.create'));
    const b = appendAudit(t.db, entry('user.update'));
    const c = appendAudit(t.db, entry('user.deactivate'));
    expect(a.prevHash).toBe(GENESIS_HASH);
    expect(b.prevHash).toBe(a.hash);
    expect(c.prevHash).toBe(b.hash);
    expect(new Set([a.hash, b.hash, c.hash]).size).toBe(3);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  test('a clean log verifies, and so does an empty one', () => {
    expect(verifyAuditChain(t.db)).toEqual({ ok: true, count: 0 });
    for (let i = 0; i < 5; i++) appendAudit(t.db, entry('auth.login', { details: { i } }));
    expect(verifyAuditChain(t.db)).toEqual({ ok: true, count: 5 });
  });

  test('the log refuses UPDATE', () => {
    appendAudit(t.db, entry('user.create'));
    expect(() => t.db.prepare("UPDATE audit_log SET actor_label = 'someone else'").run()).toThrow(/append-only/);
  });

  test('the log refuses DELETE', () => {
    appendAudit(t.db, entry('user.create'));
    expect(() => t.db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect(t.db.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(1);
  });

  test('a detail changed around the triggers is found at that very row', () => {
    appendAudit(t.db, entry('learner.update', { details: { changed: { status: 'released' } } }));
    const edited = appendAudit(t.db, entry('learner.pinReset', { targetId: 41 }));
    appendAudit(t.db, entry('auth.logout'));
    tamper('UPDATE audit_log SET target_id = ? WHERE id = ?', '42', edited.id);
    expect(verifyAuditChain(t.db)).toEqual({ ok: false, count: 2, brokenAt: edited.id, reason: 'hash' });
  });

  test('even with the key, re-computing the tampered row\'s hash only moves the break to the next row', () => {
    appendAudit(t.db, entry('user.create'));
    const edited = appendAudit(t.db, entry('user.update', { details: { role: 'teacher' } }));
    const next = appendAudit(t.db, entry('user.update'));
    const row = t.db.prepare('SELECT * FROM audit_log WHERE id = ?').get(edited.id) as Parameters<typeof entryHash>[1] & { prev_hash: string };
    const forged = { ...row, details: JSON.stringify({ role: 'admin' }) };
    tamper('UPDATE audit_log SET details = ?, hash = ? WHERE id = ?', forged.details, entryHash(row.prev_hash, forged, auditKey(t.db)), edited.id);
    expect(verifyAuditChain(t.db)).toEqual({ ok: false, count: 3, brokenAt: next.id, reason: 'prevHash' });
  });

  test('a deleted entry breaks the link of the entry after it', () => {
    appendAudit(t.db, entry('user.create'));
    const gone = appendAudit(t.db, entry('user.deactivate'));
    const after = appendAudit(t.db, entry('auth.login'));
    tamper('DELETE FROM audit_log WHERE id = ?', gone.id);
    expect(verifyAuditChain(t.db)).toEqual({ ok: false, count: 2, brokenAt: after.id, reason: 'prevHash' });
  });

  test('an entry written in a transaction that rolls back disappears with the change it recorded', () => {
    appendAudit(t.db, entry('user.create'));
    expect(() =>
      t.db.transaction(() => {
        appendAudit(t.db, entry('user.update'));
        throw new Error('the change failed');
      })(),
    ).toThrow();
    expect(listAuditActions(t.db)).toEqual(['user.create']);
    expect(verifyAuditChain(t.db)).toEqual({ ok: true, count: 1 });
  });

  test('entries read back as written', () => {
    const at = new Date('2026-02-03T10:00:00.000Z');
    const written = appendAudit(t.db, { actor: teacher, action: 'learner.update', targetType: 'learner', targetId: 9, facilityId: 3, ip: '10.0.0.1', details: { a: [1, 'ā'] } }, at);
    expect(listAudit(t.db, {}).entries).toEqual([written]);
    expect(written).toMatchObject({ at: at.toISOString(), actorUserId: 2, actorLabel: 'janis.liepa', targetId: '9', facilityId: 3, details: { a: [1, 'ā'] } });
  });
});

describe('browsing the audit log', () => {
  const day = (d: string) => new Date(`${d}T12:00:00.000Z`);
  beforeEach(() => {
    appendAudit(t.db, entry('auth.login', { facilityId: 1 }), day('2026-03-01'));
    appendAudit(t.db, entry('auth.loginFailed', { facilityId: 2 }), day('2026-03-02'));
    appendAudit(t.db, { actor: teacher, action: 'auth.logout', facilityId: 1 }, day('2026-03-03'));
    appendAudit(t.db, entry('authority.check'), day('2026-03-04'));
    appendAudit(t.db, entry('learner.update', { facilityId: 2, targetType: 'learner', targetId: 5 }), day('2026-03-05'));
    appendAudit(t.db, { actor: SYSTEM_ACTOR, action: 'system.demoSeeded' }, day('2026-03-05'));
  });
  const actions = (filter: Parameters<typeof listAudit>[1]) => listAudit(t.db, filter).entries.map((e) => e.action);

  test('newest entries come first', () => {
    expect(actions({})).toEqual(['system.demoSeeded', 'learner.update', 'authority.check', 'auth.logout', 'auth.loginFailed', 'auth.login']);
  });

  test('an action filter matches that action and the actions below it, not look-alikes', () => {
    expect(actions({ action: 'auth' })).toEqual(['auth.logout', 'auth.loginFailed', 'auth.login']);
    expect(actions({ action: 'auth.login' })).toEqual(['auth.login']);
    expect(actions({ action: 'auth_' })).toEqual([]);
  });

  test('filters by actor, facility and target', () => {
    expect(actions({ actorUserId: teacher.id })).toEqual(['auth.logout']);
    expect(actions({ facilityId: 2 })).toEqual(['learner.update', 'auth.loginFailed']);
    expect(actions({ targetType: 'learner', targetId: '5' })).toEqual(['learner.update']);
  });

  test('a date range includes both of its days', () => {
    expect(actions({ from: '2026-03-02', to: '2026-03-03' })).toEqual(['auth.logout', 'auth.loginFailed']);
    expect(actions({ from: '2026-03-05' })).toEqual(['system.demoSeeded', 'learner.update']);
    expect(actions({ to: '2026-03-01' })).toEqual(['auth.login']);
  });

  test('filters combine', () => {
    expect(actions({ action: 'auth', facilityId: 1, actorUserId: admin.id })).toEqual(['auth.login']);
  });

  test('the filter offers each action once, sorted', () => {
    expect(listAuditActions(t.db)).toEqual(['auth.login', 'auth.loginFailed', 'auth.logout', 'authority.check', 'learner.update', 'system.demoSeeded']);
  });
});

test('the audit log pages backwards, a page at a time, without gaps or repeats', () => {
  const total = 2 * AUDIT_PAGE_SIZE + 20;
  t.db.transaction(() => {
    for (let i = 0; i < total; i++) appendAudit(t.db, entry('auth.login', { details: { i } }));
  })();
  const seen: number[] = [];
  let beforeId: number | undefined;
  const sizes: number[] = [];
  for (;;) {
    const page = listAudit(t.db, { action: 'auth' }, beforeId);
    sizes.push(page.entries.length);
    seen.push(...page.entries.map((e) => e.details.i as number));
    if (page.nextBeforeId === null) break;
    beforeId = page.nextBeforeId;
  }
  expect(sizes).toEqual([AUDIT_PAGE_SIZE, AUDIT_PAGE_SIZE, 20]);
  expect(seen).toEqual(Array.from({ length: total }, (_, i) => total - 1 - i));
});
