import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { auditActions, createPrison, TEST_TIMEOUTS, type LearnerPerson } from '../../helpers/fixture.ts';
import { approvedTerminal } from '../../helpers/terminal.ts';
import { stmt } from '../../../src/lib/server/db.ts';
import { createSession, generateSessionToken, validateSessionToken } from '../../../src/lib/server/session.ts';
import { recordActivity, noticesFor } from '../../../src/lib/server/terminals/learner-status.ts';
import { endSessionOnTerminal, roomView, sendNotice, setTerminalLock, ACTIVE_WITHIN_MS } from '../../../src/lib/server/terminals/room.ts';
import { roomRow } from '../../../src/lib/server/terminals/room-format.ts';

let p: Awaited<ReturnType<typeof createPrison>>;
beforeEach(async () => {
  p = await createPrison();
});
afterEach(() => p.cleanup());

const meta = { ip: '10.0.0.7', userAgent: 'kiosk' };
const HOUR = 3_600_000;

/** Signs `learner` in on terminal `terminalId` (as the sign-in would) and returns the token. */
function signInOn(learner: LearnerPerson, terminalId: number, now = Date.now()): string {
  const token = generateSessionToken();
  createSession(p.db, token, learner.user.id, TEST_TIMEOUTS, meta, now, { id: terminalId, closesAt: now + 4 * HOUR });
  return token;
}

function addCourse(): { courseId: string; itemId: number } {
  const at = new Date().toISOString();
  stmt(p.db, `INSERT INTO course (id, track, level, hours, language, title_json, summary_json, prerequisites_json, pass_rules_json, content_hash, synced_at)
              VALUES ('matematika', 'general-education', 'basic', 40, 'lv', ?, '{}', '{}', '{}', 'x', ?)`).run(
    JSON.stringify({ lv: 'Matemātika', en: 'Mathematics', ru: 'Математика' }),
    at,
  );
  const itemId = Number(
    stmt(p.db, `INSERT INTO course_item (course_id, item_key, module_id, module_title, module_position, position, kind, title)
                VALUES ('matematika', 'm1/dalas.md', 'm1', 'Daļas', 1, 1, 'lesson', 'Daļskaitļi')`).run().lastInsertRowid,
  );
  return { courseId: 'matematika', itemId };
}

describe('the room view', () => {
  test('shows the terminals of the supervisor’s prison with who is on them and what they are doing', () => {
    const t = approvedTerminal(p.db, p.facilityA.id);
    const free = approvedTerminal(p.db, p.facilityA.id);
    approvedTerminal(p.db, p.facilityB.id);
    const { courseId, itemId } = addCourse();
    const now = Date.now();
    const token = signInOn(p.learner, t.id, now - 5 * 60_000);
    const session = validateSessionToken(p.db, token, TEST_TIMEOUTS).session!;
    recordActivity(p.db, session.id, courseId, itemId, now - 30_000);

    const view = roomView(p.db, p.supervisor.user, TEST_TIMEOUTS, {}, now);
    expect(view.map((v) => v.id).sort()).toEqual([t.id, free.id].sort());
    const row = view.find((v) => v.id === t.id)!;
    expect(row).toMatchObject({ state: 'active', roomName: 'Testa klase', learner: { userId: p.learner.user.id, itemTitle: 'Daļskaitļi', itemKind: 'lesson' } });
    expect(row.learner!.courseTitle!.en).toBe('Mathematics');
    expect(view.find((v) => v.id === free.id)).toMatchObject({ state: 'free', learner: null });

    const shown = roomRow(row, 'en', now);
    expect(shown.activity).toBe('Mathematics — Daļskaitļi (lesson)');
    expect(shown.learner).toContain(p.learner.inmateNumber);
    expect(shown.stateLabel).toBe('Active');
  });

  test('a learner whose page sent no heartbeat for a while is idle, and for how long', () => {
    const t = approvedTerminal(p.db, p.facilityA.id);
    const { courseId, itemId } = addCourse();
    const now = Date.now();
    const token = signInOn(p.learner, t.id, now - 10 * 60_000);
    recordActivity(p.db, validateSessionToken(p.db, token, TEST_TIMEOUTS).session!.id, courseId, itemId, now - ACTIVE_WITHIN_MS - 5 * 60_000);
    const [row] = roomView(p.db, p.supervisor.user, TEST_TIMEOUTS, {}, now);
    expect(row!.state).toBe('idle');
    expect(roomRow(row!, 'lv', now).stateLabel).toBe('Neaktīvs 7 min');
  });

  test('an admin sees every prison’s terminals; staff without the capability see none', () => {
    approvedTerminal(p.db, p.facilityA.id);
    approvedTerminal(p.db, p.facilityB.id);
    expect(roomView(p.db, p.admin.user, TEST_TIMEOUTS)).toHaveLength(2);
    expect(roomView(p.db, p.teacher.user, TEST_TIMEOUTS)).toEqual([]);
    expect(roomView(p.db, p.learner.user, TEST_TIMEOUTS)).toEqual([]);
  });

  test('the room filter shows one room only', () => {
    const a = approvedTerminal(p.db, p.facilityA.id);
    const roomId = stmt(p.db, "INSERT INTO room (facility_id, name, created_at) VALUES (?, 'Bibliotēka', ?)").run(p.facilityA.id, new Date().toISOString()).lastInsertRowid;
    stmt(p.db, 'UPDATE terminal SET room_id = ? WHERE id = ?').run(roomId, a.id);
    approvedTerminal(p.db, p.facilityA.id);
    expect(roomView(p.db, p.supervisor.user, TEST_TIMEOUTS, { roomId: Number(roomId) }).map((t) => t.id)).toEqual([a.id]);
  });

  test('hundreds of terminals are read in one query, fast', () => {
    const learners = stmt(p.db, 'SELECT user_id FROM learner LIMIT 1').pluck().all() as number[];
    expect(learners.length).toBe(1);
    const first = approvedTerminal(p.db, p.facilityA.id);
    const insert = stmt(p.db, `INSERT INTO terminal (status, name, facility_id, room_id, credential_hash, approved_at, created_at, updated_at)
                               SELECT 'approved', ?, facility_id, room_id, credential_hash, approved_at, created_at, updated_at FROM terminal WHERE id = ?`);
    p.db.transaction(() => {
      for (let i = 1; i < 600; i++) insert.run(`T-${String(i).padStart(3, '0')}`, first.id);
    })();
    signInOn(p.learner, first.id);
    roomView(p.db, p.supervisor.user, TEST_TIMEOUTS); // prepares the statement
    const started = performance.now();
    const view = roomView(p.db, p.supervisor.user, TEST_TIMEOUTS);
    const ms = performance.now() - started;
    expect(view).toHaveLength(600);
    expect(view.filter((t) => t.learner)).toHaveLength(1);
    // Per-terminal queries (N+1) would take far longer on a loaded test machine than this.
    expect(ms).toBeLessThan(250);
  });
});

describe('actions', () => {
  test('the supervisor ends a session: the learner’s next request learns why, and it is audited', () => {
    const t = approvedTerminal(p.db, p.facilityA.id);
    const token = signInOn(p.learner, t.id);
    expect(endSessionOnTerminal(p.db, p.supervisor.user, { terminalId: t.id, learnerUserId: p.learner.user.id })).toEqual({ ok: true });
    expect(validateSessionToken(p.db, token, TEST_TIMEOUTS)).toMatchObject({ session: null, ended: 'ended_by_supervisor' });
    expect(auditActions(p.db)).toContain('terminal.endSession');
    expect(roomView(p.db, p.supervisor.user, TEST_TIMEOUTS)[0]!.state).toBe('free');
  });

  test('the reason chosen on the confirmation step, and a lock’s reason from the room view, are kept', () => {
    const t = approvedTerminal(p.db, p.facilityA.id);
    signInOn(p.learner, t.id);
    expect(endSessionOnTerminal(p.db, p.supervisor.user, { terminalId: t.id, learnerUserId: p.learner.user.id, reason: 'behaviour', note: 'Shouting' })).toEqual({ ok: true });
    expect(setTerminalLock(p.db, p.supervisor.user, t.id, true, null, Date.now(), 'Broken keyboard')).toEqual({ ok: true });
    const details = (action: string) => JSON.parse(stmt(p.db, 'SELECT details FROM audit_log WHERE action = ?').pluck().get(action) as string) as Record<string, unknown>;
    expect(details('terminal.endSession')).toEqual({ learnerUserId: p.learner.user.id, reason: 'behaviour', note: 'Shouting' });
    expect(details('terminal.lock')).toMatchObject({ reason: 'Broken keyboard' });
    expect(roomView(p.db, p.supervisor.user, TEST_TIMEOUTS)[0]!.lockReason).toBe('Broken keyboard');
  });

  test('a session is not ended when someone else signed in on the terminal meanwhile', () => {
    const t = approvedTerminal(p.db, p.facilityA.id);
    const token = signInOn(p.learner, t.id);
    expect(endSessionOnTerminal(p.db, p.supervisor.user, { terminalId: t.id, learnerUserId: p.learner.user.id + 1000 })).toEqual({ ok: false, code: 'room.sessionChanged' });
    expect(validateSessionToken(p.db, token, TEST_TIMEOUTS).session).not.toBeNull();
  });

  test('a supervisor of another prison can neither end, lock nor send to its terminals', () => {
    const t = approvedTerminal(p.db, p.facilityB.id);
    const token = signInOn(p.otherLearner, t.id);
    expect(endSessionOnTerminal(p.db, p.supervisor.user, { terminalId: t.id, learnerUserId: p.otherLearner.user.id })).toEqual({ ok: false, code: 'room.notFound' });
    expect(setTerminalLock(p.db, p.supervisor.user, t.id, true)).toEqual({ ok: false, code: 'room.notFound' });
    expect(sendNotice(p.db, p.supervisor.user, { target: `terminal:${t.id}`, message: 'Sveiki' })).toMatchObject({ ok: false, code: 'room.notFound' });
    expect(sendNotice(p.db, p.supervisor.user, { target: `room:${t.roomId}`, message: 'Sveiki' })).toMatchObject({ ok: false, code: 'room.notFound' });
    expect(validateSessionToken(p.db, token, TEST_TIMEOUTS).session).not.toBeNull();
    expect(auditActions(p.db)).toEqual([]);
  });

  test('locking a terminal ends its session; unlocking frees it again', () => {
    const t = approvedTerminal(p.db, p.facilityA.id);
    const token = signInOn(p.learner, t.id);
    expect(setTerminalLock(p.db, p.supervisor.user, t.id, true)).toEqual({ ok: true });
    expect(validateSessionToken(p.db, token, TEST_TIMEOUTS)).toMatchObject({ ended: 'terminal_locked' });
    expect(roomView(p.db, p.supervisor.user, TEST_TIMEOUTS)[0]!.state).toBe('locked');
    expect(setTerminalLock(p.db, p.supervisor.user, t.id, false)).toEqual({ ok: true });
    expect(roomView(p.db, p.supervisor.user, TEST_TIMEOUTS)[0]!.state).toBe('free');
    expect(auditActions(p.db)).toEqual(expect.arrayContaining(['terminal.lock', 'terminal.unlock']));
  });

  test('a notice to one terminal reaches that terminal only; one to the room reaches all of it', () => {
    const a = approvedTerminal(p.db, p.facilityA.id);
    const b = approvedTerminal(p.db, p.facilityA.id);
    const now = Date.now();
    signInOn(p.learner, a.id, now - 1000);
    expect(sendNotice(p.db, p.supervisor.user, { target: `terminal:${a.id}`, message: 'Lūdzu, saglabājiet darbu.' }, null, now)).toEqual({ ok: true, count: 1 });
    expect(noticesFor(p.db, a.id, 0, now - 5000, now + 1).map((n) => n.message)).toEqual(['Lūdzu, saglabājiet darbu.']);
    expect(noticesFor(p.db, b.id, 0, now - 5000, now + 1)).toEqual([]);
    expect(sendNotice(p.db, p.supervisor.user, { target: `room:${a.roomId}`, message: 'Pēc 10 minūtēm beidzam.' }, null, now)).toMatchObject({ ok: true });
    expect(noticesFor(p.db, b.id, 0, now - 5000, now + 1).map((n) => n.message)).toEqual(['Pēc 10 minūtēm beidzam.']);
    expect(auditActions(p.db).filter((a) => a === 'terminal.notice')).toHaveLength(2);
  });
});
