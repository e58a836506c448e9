import { z } from 'zod';
import { inTransaction, stmt, type Db } from '../db.ts';
import { appendAudit } from '../audit.ts';
import { can, facilitiesFor } from '../policy.ts';
import type { SessionTimeouts, SessionUser } from '../session.ts';
import { auditActor } from '../people/users.ts';
import type { Localized } from '../courses/catalog.ts';
import { changeTerminal, endTerminalSession } from './terminals.ts';

/**
 * The supervisor's room view: every registered terminal of the supervisor's
 * facilities with who is signed in on it, what they are doing and since
 * when, read in one query however many terminals there are; and the actions
 * on it: end a session, lock or unlock a terminal, send a notice. Everything
 * is scoped by `terminals:manage` on the terminal's facility.
 */

/** A learner counts as active while their learning page sent a heartbeat within this time. */
export const ACTIVE_WITHIN_MS = 2 * 60_000;
/** How long a notice is shown to learners who are signed in when it is sent. */
export const NOTICE_MINUTES = 15;

export type TerminalState = 'active' | 'idle' | 'free' | 'locked' | 'disabled';

export interface RoomTerminal {
  id: number;
  name: string;
  facilityId: number;
  facilityName: string;
  roomId: number;
  roomName: string;
  state: TerminalState;
  lockReason: string | null;
  /** The signed-in learner, when there is one. */
  learner: null | {
    userId: number;
    name: string;
    inmateNumber: string;
    /** Session start (unix ms). */
    signedInAt: number;
    /** The course and item their learning page reported last, if any. */
    courseId: string | null;
    courseTitle: Localized | null;
    itemTitle: string | null;
    itemKind: 'lesson' | 'quiz' | null;
    /** Since when active (session start or the first heartbeat) or idle (the last heartbeat or request), unix ms. */
    stateSince: number;
  };
}

interface Row {
  id: number;
  name: string;
  status: 'approved' | 'disabled';
  locked_at: number | null;
  lock_reason: string | null;
  facility_id: number;
  facility_name: string;
  room_id: number;
  room_name: string;
  user_id: number | null;
  created_at: number | null;
  last_active_at: number | null;
  activity_at: number | null;
  activity_course_id: string | null;
  given_names: string | null;
  surname: string | null;
  inmate_number: string | null;
  title_json: string | null;
  item_title: string | null;
  item_kind: 'lesson' | 'quiz' | null;
}

// One statement for the whole view: terminals, their live session, learner, course and item.
// The scope is a JSON list of facility ids (or every facility), the room filter optional.
const ROOM_VIEW = `
  SELECT t.id, t.name, t.status, t.locked_at, t.lock_reason, t.facility_id, f.name AS facility_name,
         t.room_id, r.name AS room_name,
         s.user_id, s.created_at, s.last_active_at, s.activity_at, s.activity_course_id,
         l.given_names, l.surname, l.inmate_number, c.title_json, ci.title AS item_title, ci.kind AS item_kind
  FROM terminal t
  JOIN facility f ON f.id = t.facility_id
  JOIN room r ON r.id = t.room_id
  LEFT JOIN session s ON s.terminal_id = t.id AND s.expires_at > ? AND s.last_active_at > ?
  LEFT JOIN learner l ON l.user_id = s.user_id
  LEFT JOIN course c ON c.id = s.activity_course_id
  LEFT JOIN course_item ci ON ci.id = s.activity_item_id AND ci.course_id = s.activity_course_id
  WHERE t.status IN ('approved', 'disabled')
    AND (? = 1 OR t.facility_id IN (SELECT value FROM json_each(?)))
    AND (? IS NULL OR t.room_id = ?)
  ORDER BY f.name, r.name, t.name COLLATE NOCASE, t.id`;

function toTerminal(r: Row, now: number): RoomTerminal {
  let learner: RoomTerminal['learner'] = null;
  let state: TerminalState = r.status === 'disabled' ? 'disabled' : r.locked_at !== null ? 'locked' : 'free';
  if (r.user_id !== null && r.created_at !== null) {
    const active = r.activity_at !== null && now - r.activity_at < ACTIVE_WITHIN_MS;
    if (state === 'free') state = active ? 'active' : 'idle';
    learner = {
      userId: r.user_id,
      name: `${r.given_names ?? ''} ${r.surname ?? ''}`.trim(),
      inmateNumber: r.inmate_number ?? '',
      signedInAt: r.created_at,
      courseId: r.activity_course_id,
      courseTitle: r.title_json ? (JSON.parse(r.title_json) as Localized) : null,
      itemTitle: r.item_title,
      itemKind: r.item_kind,
      stateSince: active ? r.created_at : Math.max(r.activity_at ?? r.created_at, r.created_at),
    };
  }
  return {
    id: r.id,
    name: r.name,
    facilityId: r.facility_id,
    facilityName: r.facility_name,
    roomId: r.room_id,
    roomName: r.room_name,
    state,
    lockReason: r.lock_reason,
    learner,
  };
}

/**
 * The terminals the actor supervises (optionally of one room), by facility,
 * room and name, with the learner signed in on each. A session counts while
 * it is neither past its end nor idle past the learner timeout.
 */
export function roomView(db: Db, actor: SessionUser, timeouts: SessionTimeouts, filter: { roomId?: number | null } = {}, now = Date.now()): RoomTerminal[] {
  const scope = facilitiesFor(actor, 'terminals:manage');
  if (scope !== 'all' && scope.length === 0) return [];
  const roomId = filter.roomId ?? null;
  const rows = stmt(db, ROOM_VIEW).all(
    now,
    now - timeouts.idleMs.learner,
    scope === 'all' ? 1 : 0,
    JSON.stringify(scope === 'all' ? [] : scope),
    roomId,
    roomId,
  ) as Row[];
  return rows.map((r) => toTerminal(r, now));
}

export type RoomError = 'room.notFound' | 'room.noSession' | 'room.sessionChanged';
export type RoomResult = { ok: true; count?: number } | { ok: false; code: RoomError; field?: string };

const id = z.coerce.number().int().positive();

/** Why a supervisor ends a session (the confirmation step's choices). */
export const END_REASONS = ['timeOver', 'behaviour', 'technical', 'other'] as const;
export type EndReason = (typeof END_REASONS)[number];

/** "End session" on a row of the room view. */
export const endSessionSchema = z.object({
  /** The terminal whose session ends. */
  terminalId: id,
  /** The learner the supervisor saw on it: if someone else signed in meanwhile, nothing is ended. */
  learnerUserId: id,
  /** Why, chosen on the confirmation step (kept in the audit log). */
  reason: z.enum(END_REASONS, { error: 'validation.invalid' }).default('other'),
  /** A few words more, optional. */
  note: z.string().trim().max(200, { error: 'validation.tooLong' }).default(''),
});
/** "Lock" / "Unlock" on a row of the room view. */
export const lockTerminalSchema = z.object({
  /** The terminal. */
  terminalId: id,
  /** Why it is locked (the lock's confirmation step; may be empty, unlock sends none). */
  reason: z.string().trim().max(200, { error: 'validation.tooLong' }).default(''),
});
/** The notice form: one terminal, or every terminal of a room. */
export const noticeSchema = z.object({
  /** 'room:<id>' (every terminal of the room) or 'terminal:<id>'. */
  target: z.string().regex(/^(room|terminal):[1-9][0-9]{0,9}$/, { error: 'room.noticeTargetMissing' }),
  /** What the learners read, at most 200 characters. */
  message: z.string().trim().min(1, { error: 'validation.required' }).max(200, { error: 'validation.tooLong' }),
});

function terminalInScope(db: Db, actor: SessionUser, terminalId: number): { id: number; facility_id: number; room_id: number } | null {
  const t = stmt(db, `SELECT id, facility_id, room_id FROM terminal WHERE id = ? AND status IN ('approved', 'disabled')`).get(terminalId) as
    | { id: number; facility_id: number; room_id: number }
    | undefined;
  return t && can(actor, 'terminals:manage', { facilityId: t.facility_id }) ? t : null;
}

/**
 * Ends the learner's session on a terminal ("ended by the supervisor": the
 * learner's page returns to the sign-in page saying so), audited.
 */
export function endSessionOnTerminal(
  db: Db,
  actor: SessionUser,
  input: Pick<z.output<typeof endSessionSchema>, 'terminalId' | 'learnerUserId'> & Partial<Pick<z.output<typeof endSessionSchema>, 'reason' | 'note'>>,
  ip: string | null = null,
  now = Date.now(),
): RoomResult {
  return inTransaction(db, (): RoomResult => {
    const t = terminalInScope(db, actor, input.terminalId);
    if (!t) return { ok: false, code: 'room.notFound' };
    const on = stmt(db, 'SELECT user_id FROM session WHERE terminal_id = ?').pluck().get(t.id) as number | undefined;
    if (on === undefined) return { ok: false, code: 'room.noSession' };
    if (on !== input.learnerUserId) return { ok: false, code: 'room.sessionChanged' };
    endTerminalSession(db, t.id, 'ended_by_supervisor', actor.id, now);
    appendAudit(db, {
      actor: auditActor(actor),
      action: 'terminal.endSession',
      targetType: 'terminal',
      targetId: t.id,
      facilityId: t.facility_id,
      ip,
      details: { learnerUserId: on, reason: input.reason ?? 'other', ...(input.note ? { note: input.note } : {}) },
    });
    return { ok: true };
  });
}

/** Locks (ending its session) or unlocks a terminal from the room view; the terminal module audits. */
export function setTerminalLock(db: Db, actor: SessionUser, terminalId: number, locked: boolean, ip: string | null = null, now = Date.now(), reason = ''): RoomResult {
  if (!terminalInScope(db, actor, terminalId)) return { ok: false, code: 'room.notFound' };
  const result = changeTerminal(db, actor, terminalId, locked ? { kind: 'lock', reason } : { kind: 'unlock' }, ip, now);
  return result.ok ? { ok: true } : { ok: false, code: 'room.notFound' };
}

/** Sends a notice to one terminal or to every terminal of a room; learners signed in there see it within seconds. */
export function sendNotice(db: Db, actor: SessionUser, input: z.output<typeof noticeSchema>, ip: string | null = null, now = Date.now()): RoomResult {
  const [kind, raw] = input.target.split(':') as ['room' | 'terminal', string];
  const targetId = Number(raw);
  return inTransaction(db, (): RoomResult => {
    let facilityId: number;
    let roomId: number;
    let terminalId: number | null = null;
    if (kind === 'terminal') {
      const t = terminalInScope(db, actor, targetId);
      if (!t) return { ok: false, code: 'room.notFound', field: 'target' };
      ({ facility_id: facilityId, room_id: roomId } = t);
      terminalId = t.id;
    } else {
      const room = stmt(db, 'SELECT id, facility_id FROM room WHERE id = ?').get(targetId) as { id: number; facility_id: number } | undefined;
      if (!room || !can(actor, 'terminals:manage', { facilityId: room.facility_id })) return { ok: false, code: 'room.notFound', field: 'target' };
      facilityId = room.facility_id;
      roomId = room.id;
    }
    const noticeId = Number(
      stmt(db, `INSERT INTO terminal_notice (facility_id, room_id, terminal_id, message, created_by, created_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)`).run(facilityId, roomId, terminalId, input.message, actor.id, now, now + NOTICE_MINUTES * 60_000).lastInsertRowid,
    );
    const reached = stmt(db, `SELECT count(*) FROM session s JOIN terminal t ON t.id = s.terminal_id
                              WHERE t.room_id = ? AND (? IS NULL OR t.id = ?) AND s.expires_at > ?`).pluck().get(roomId, terminalId, terminalId, now) as number;
    appendAudit(db, {
      actor: auditActor(actor),
      action: 'terminal.notice',
      targetType: kind,
      targetId,
      facilityId,
      ip,
      details: { noticeId, message: input.message, signedIn: reached },
    });
    return { ok: true, count: reached };
  });
}
