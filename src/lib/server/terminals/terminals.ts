import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { inTransaction, stmt, unlessBusy, type Db } from '../db.ts';
import { appendAudit } from '../audit.ts';
import { can, facilitiesFor } from '../policy.ts';
import { endSession, type EndedByOther, type SessionMeta, type SessionUser } from '../session.ts';
import { auditActor } from '../people/users.ts';
import { credentialMatches, newCredentialSecret, readCredential, signCredential } from './credential.ts';

/**
 * Terminals: the devices learners may study on. A device enrols itself
 * (pending, with a short code it shows); a supervisor of the facility (or an
 * admin) approves the code into a room; then it can be renamed, moved,
 * disabled, enabled, revoked, locked and unlocked. Ending a terminal's use
 * (disable, revoke, lock) ends the session on it.
 */

export type TerminalStatus = 'pending' | 'approved' | 'disabled' | 'revoked';

export interface Terminal {
  id: number;
  status: TerminalStatus;
  name: string;
  facilityId: number | null;
  facilityName: string | null;
  roomId: number | null;
  roomName: string | null;
  enrolmentCode: string | null;
  enrolmentExpiresAt: number | null;
  enrolledUserAgent: string | null;
  approvedAt: string | null;
  lockedAt: number | null;
  lockReason: string | null;
  lastSeenAt: number | null;
  createdAt: string;
}

export interface Room {
  id: number;
  facilityId: number;
  facilityName: string;
  name: string;
  terminals: number;
}

/** How long a device's enrolment code is accepted. */
export const ENROLMENT_MINUTES = 30;
/** Letters and digits nobody confuses when reading them aloud (no 0/O, 1/I/L, 5/S, 8/B). */
const CODE_ALPHABET = 'ACDEFGHJKMNPQRTUVWXY234679';
const CODE_LENGTH = 6;

interface TerminalRow {
  id: number;
  status: TerminalStatus;
  name: string;
  facility_id: number | null;
  facility_name: string | null;
  room_id: number | null;
  room_name: string | null;
  enrolment_code: string | null;
  enrolment_expires_at: number | null;
  enrolled_user_agent: string | null;
  approved_at: string | null;
  locked_at: number | null;
  lock_reason: string | null;
  last_seen_at: number | null;
  created_at: string;
  credential_hash: string;
}

const SELECT_TERMINAL = `
  SELECT t.id, t.status, t.name, t.facility_id, f.name AS facility_name, t.room_id, r.name AS room_name,
         t.enrolment_code, t.enrolment_expires_at, t.enrolled_user_agent, t.approved_at, t.locked_at,
         t.lock_reason, t.last_seen_at, t.created_at, t.credential_hash
  FROM terminal t LEFT JOIN facility f ON f.id = t.facility_id LEFT JOIN room r ON r.id = t.room_id`;

function toTerminal(r: TerminalRow): Terminal {
  return {
    id: r.id,
    status: r.status,
    name: r.name,
    facilityId: r.facility_id,
    facilityName: r.facility_name,
    roomId: r.room_id,
    roomName: r.room_name,
    enrolmentCode: r.enrolment_code,
    enrolmentExpiresAt: r.enrolment_expires_at,
    enrolledUserAgent: r.enrolled_user_agent,
    approvedAt: r.approved_at,
    lockedAt: r.locked_at,
    lockReason: r.lock_reason,
    lastSeenAt: r.last_seen_at,
    createdAt: r.created_at,
  };
}

function row(db: Db, id: number): TerminalRow | undefined {
  return stmt(db, `${SELECT_TERMINAL} WHERE t.id = ?`).get(id) as TerminalRow | undefined;
}

function newCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** 'ACD-EFG' as people read it; input is accepted with or without the dash, any case. */
export function formatCode(code: string): string {
  return `${code.slice(0, 3)}-${code.slice(3)}`;
}
export function normaliseCode(input: string): string {
  return input.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

function freeCode(db: Db, now: number): string {
  for (;;) {
    const code = newCode();
    const taken = stmt(db, 'SELECT 1 FROM terminal WHERE enrolment_code = ? AND enrolment_expires_at > ?').get(code, now);
    if (!taken) {
      stmt(db, 'UPDATE terminal SET enrolment_code = NULL WHERE enrolment_code = ?').run(code);
      return code;
    }
  }
}

/**
 * The terminal a device's cookie names, when the cookie is genuine (HMAC)
 * and still the terminal's current credential (stored hash); null otherwise.
 */
export function terminalFromCredential(db: Db, cookie: string | undefined | null): Terminal | null {
  const claim = readCredential(db, cookie);
  if (!claim) return null;
  const r = row(db, claim.terminalId);
  return r && credentialMatches(r.credential_hash, claim.secretHash) ? toTerminal(r) : null;
}

/**
 * The device page: a device without a credential enrols (a pending terminal
 * and its cookie value); a pending device whose code expired gets a new
 * code. Old pending enrolments nobody approved are removed on the way.
 */
export function enrolDevice(
  db: Db,
  current: Terminal | null,
  meta: SessionMeta,
  now = Date.now(),
): { terminal: Terminal; cookie: string | null } {
  return inTransaction(db, () => {
    stmt(db, `DELETE FROM terminal WHERE status = 'pending' AND enrolment_expires_at < ? AND id NOT IN (SELECT terminal_id FROM session WHERE terminal_id IS NOT NULL)`).run(now - 24 * 3_600_000);
    const expires = now + ENROLMENT_MINUTES * 60_000;
    if (current && current.status === 'pending') {
      if ((current.enrolmentExpiresAt ?? 0) > now + 60_000) return { terminal: current, cookie: null };
      stmt(db, 'UPDATE terminal SET enrolment_code = ?, enrolment_expires_at = ?, updated_at = ? WHERE id = ?').run(freeCode(db, now), expires, new Date(now).toISOString(), current.id);
      return { terminal: toTerminal(row(db, current.id)!), cookie: null };
    }
    if (current && current.status !== 'revoked') return { terminal: current, cookie: null };
    const { secret, hash } = newCredentialSecret();
    const at = new Date(now).toISOString();
    const id = Number(
      stmt(db, `INSERT INTO terminal (status, enrolment_code, enrolment_expires_at, credential_hash, enrolled_ip, enrolled_user_agent, created_at, updated_at)
                VALUES ('pending', ?, ?, ?, ?, ?, ?, ?)`).run(freeCode(db, now), expires, hash, meta.ip, meta.userAgent?.slice(0, 300) ?? null, at, at).lastInsertRowid,
    );
    return { terminal: toTerminal(row(db, id)!), cookie: signCredential(db, id, secret) };
  });
}

/** Records that the terminal was seen (written at most once a minute: it is called on every request of a terminal session). */
export function touchTerminal(db: Db, terminalId: number, now = Date.now()): void {
  // Read first: most requests find it fresh, and a read takes no write lock (this runs on every request of a terminal).
  const seen = stmt(db, 'SELECT last_seen_at FROM terminal WHERE id = ?').pluck().get(terminalId) as number | null | undefined;
  if (seen === undefined || (seen !== null && seen > now - 60_000)) return;
  // Bookkeeping: skipped while another process holds the write lock.
  unlessBusy(() => stmt(db, 'UPDATE terminal SET last_seen_at = ? WHERE id = ? AND (last_seen_at IS NULL OR last_seen_at <= ?)').run(now, terminalId, now - 60_000));
}

export function listRooms(db: Db, actor: SessionUser): Room[] {
  const scope = facilitiesFor(actor, 'terminals:manage');
  const rows = stmt(db, `SELECT r.id, r.facility_id, f.name AS facility_name, r.name,
      (SELECT count(*) FROM terminal t WHERE t.room_id = r.id AND t.status IN ('approved', 'disabled')) AS terminals
    FROM room r JOIN facility f ON f.id = r.facility_id ORDER BY f.name, r.name`).all() as Array<{ id: number; facility_id: number; facility_name: string; name: string; terminals: number }>;
  return rows
    .filter((r) => scope === 'all' || scope.includes(r.facility_id))
    .map((r) => ({ id: r.id, facilityId: r.facility_id, facilityName: r.facility_name, name: r.name, terminals: r.terminals }));
}

/** Approved, disabled and (still valid) pending terminals the actor manages; revoked ones are history. */
export function listTerminals(db: Db, actor: SessionUser, now = Date.now()): { pending: Terminal[]; registered: Terminal[] } {
  const scope = facilitiesFor(actor, 'terminals:manage');
  const all = (stmt(db, `${SELECT_TERMINAL} WHERE t.status <> 'revoked' ORDER BY f.name, r.name, t.name, t.id`).all() as TerminalRow[]).map(toTerminal);
  return {
    // A pending device has no facility yet: anyone who may approve terminals sees its code.
    pending: all.filter((t) => t.status === 'pending' && (t.enrolmentExpiresAt ?? 0) > now),
    registered: all.filter((t) => t.status !== 'pending' && (scope === 'all' || scope.includes(t.facilityId!))),
  };
}

export function getTerminal(db: Db, actor: SessionUser, id: number): Terminal | null {
  const r = row(db, id);
  return r && r.status !== 'pending' && can(actor, 'terminals:manage', { facilityId: r.facility_id }) ? toTerminal(r) : null;
}

export type TerminalResult = { ok: true; terminalId: number } | { ok: false; code: TerminalError; field?: string };
export type TerminalError =
  | 'terminal.codeUnknown'
  | 'terminal.roomUnknown'
  | 'terminal.notFound'
  | 'terminal.roomExists'
  | 'terminal.wrongState'
  | 'terminal.facilityUnknown';

const name = z.string().trim().min(1, { error: 'validation.required' }).max(80, { error: 'validation.tooLong' });
const id = z.coerce.number().int().positive();

/** What the forms on the terminal pages send. */
export const approveSchema = z.object({
  /** The code the device shows (dash and case do not matter). */
  code: z.string().trim().min(1, { error: 'validation.required' }).max(20, { error: 'terminal.codeUnknown' }),
  /** The room the terminal stands in. */
  roomId: id,
  /** A name the supervisor recognises, e.g. 'Datorklase 1 — 04'. */
  name,
});
/** A new room: its facility and name ('roomName': the page has a terminal 'name' field too). */
export const roomSchema = z.object({
  /** The prison the room is in. */
  facilityId: id,
  /** The room's name, e.g. 'Datorklase 1'. */
  roomName: name,
});
export const renameSchema = z.object({
  /** The terminal's new name. */
  name,
});
export const moveSchema = z.object({
  /** The room the terminal now stands in (of the same prison). */
  roomId: id,
});
export const lockSchema = z.object({
  /** Why it is locked, shown to the supervisors (may be empty). */
  reason: z.string().trim().max(200, { error: 'validation.tooLong' }).default(''),
});

function roomFor(db: Db, actor: SessionUser, roomId: number): { id: number; facility_id: number } | null {
  const room = stmt(db, 'SELECT id, facility_id FROM room WHERE id = ?').get(roomId) as { id: number; facility_id: number } | undefined;
  return room && can(actor, 'terminals:manage', { facilityId: room.facility_id }) ? room : null;
}

export function createRoom(db: Db, actor: SessionUser, input: z.output<typeof roomSchema>, ip: string | null = null): { ok: true; roomId: number } | { ok: false; code: TerminalError; field?: string } {
  if (!can(actor, 'terminals:manage', { facilityId: input.facilityId })) return { ok: false, code: 'terminal.facilityUnknown', field: 'facilityId' };
  return inTransaction(db, () => {
    if (stmt(db, 'SELECT 1 FROM room WHERE facility_id = ? AND name = ?').get(input.facilityId, input.roomName)) return { ok: false as const, code: 'terminal.roomExists' as const, field: 'roomName' };
    const roomId = Number(stmt(db, 'INSERT INTO room (facility_id, name, created_by, created_at) VALUES (?, ?, ?, ?)').run(input.facilityId, input.roomName, actor.id, new Date().toISOString()).lastInsertRowid);
    appendAudit(db, { actor: auditActor(actor), action: 'room.create', targetType: 'room', targetId: roomId, facilityId: input.facilityId, ip, details: { name: input.roomName } });
    return { ok: true as const, roomId };
  });
}

/** Approves the pending device showing `code` into a room. */
export function approveTerminal(db: Db, actor: SessionUser, input: z.output<typeof approveSchema>, ip: string | null = null, now = Date.now()): TerminalResult {
  return inTransaction(db, (): TerminalResult => {
    const room = roomFor(db, actor, input.roomId);
    if (!room) return { ok: false, code: 'terminal.roomUnknown', field: 'roomId' };
    const pending = stmt(db, `SELECT id FROM terminal WHERE status = 'pending' AND enrolment_code = ? AND enrolment_expires_at > ?`).get(normaliseCode(input.code), now) as { id: number } | undefined;
    if (!pending) return { ok: false, code: 'terminal.codeUnknown', field: 'code' };
    const at = new Date(now).toISOString();
    stmt(db, `UPDATE terminal SET status = 'approved', name = ?, facility_id = ?, room_id = ?, enrolment_code = NULL, enrolment_expires_at = NULL,
              approved_by = ?, approved_at = ?, updated_at = ? WHERE id = ?`).run(input.name, room.facility_id, room.id, actor.id, at, at, pending.id);
    appendAudit(db, { actor: auditActor(actor), action: 'terminal.approve', targetType: 'terminal', targetId: pending.id, facilityId: room.facility_id, ip, details: { name: input.name, roomId: room.id } });
    return { ok: true, terminalId: pending.id };
  });
}

/** Ends the session on a terminal (if any) for `reason`. */
export function endTerminalSession(db: Db, terminalId: number, reason: EndedByOther, endedBy: number | null, now = Date.now()): number {
  const sessions = stmt(db, 'SELECT id FROM session WHERE terminal_id = ?').pluck().all(terminalId) as string[];
  for (const s of sessions) endSession(db, s, reason, endedBy, now);
  return sessions.length;
}

type Change =
  | { kind: 'rename'; name: string }
  | { kind: 'move'; roomId: number }
  | { kind: 'disable' }
  | { kind: 'enable' }
  | { kind: 'revoke' }
  | { kind: 'lock'; reason: string }
  | { kind: 'unlock' };

/** One change to a registered terminal, audited; disable, revoke and lock end its session. */
export function changeTerminal(db: Db, actor: SessionUser, terminalId: number, change: Change, ip: string | null = null, now = Date.now()): TerminalResult {
  return inTransaction(db, (): TerminalResult => {
    const t = row(db, terminalId);
    if (!t || t.status === 'pending' || !can(actor, 'terminals:manage', { facilityId: t.facility_id })) return { ok: false, code: 'terminal.notFound' };
    if (t.status === 'revoked') return { ok: false, code: 'terminal.wrongState' };
    const at = new Date(now).toISOString();
    const details: Record<string, unknown> = {};
    let ended = 0;
    switch (change.kind) {
      case 'rename':
        stmt(db, 'UPDATE terminal SET name = ?, updated_at = ? WHERE id = ?').run(change.name, at, t.id);
        Object.assign(details, { from: t.name, to: change.name });
        break;
      case 'move': {
        const room = roomFor(db, actor, change.roomId);
        if (!room) return { ok: false, code: 'terminal.roomUnknown', field: 'roomId' };
        if (room.facility_id !== t.facility_id) ended = endTerminalSession(db, t.id, 'terminal_disabled', actor.id, now);
        stmt(db, 'UPDATE terminal SET room_id = ?, facility_id = ?, updated_at = ? WHERE id = ?').run(room.id, room.facility_id, at, t.id);
        Object.assign(details, { fromRoomId: t.room_id, toRoomId: room.id });
        break;
      }
      case 'disable':
      case 'enable':
        if ((change.kind === 'disable') !== (t.status === 'approved')) return { ok: false, code: 'terminal.wrongState' };
        stmt(db, 'UPDATE terminal SET status = ?, updated_at = ? WHERE id = ?').run(change.kind === 'disable' ? 'disabled' : 'approved', at, t.id);
        if (change.kind === 'disable') ended = endTerminalSession(db, t.id, 'terminal_disabled', actor.id, now);
        break;
      case 'revoke':
        // A new random hash: no copy of the old cookie can ever match again.
        stmt(db, `UPDATE terminal SET status = 'revoked', credential_hash = ?, updated_at = ? WHERE id = ?`).run(newCredentialSecret().hash, at, t.id);
        ended = endTerminalSession(db, t.id, 'terminal_revoked', actor.id, now);
        break;
      case 'lock':
        stmt(db, 'UPDATE terminal SET locked_at = ?, locked_by = ?, lock_reason = ?, updated_at = ? WHERE id = ?').run(now, actor.id, change.reason || null, at, t.id);
        ended = endTerminalSession(db, t.id, 'terminal_locked', actor.id, now);
        details.reason = change.reason;
        break;
      case 'unlock':
        stmt(db, 'UPDATE terminal SET locked_at = NULL, locked_by = NULL, lock_reason = NULL, updated_at = ? WHERE id = ?').run(at, t.id);
        break;
    }
    if (ended) details.sessionsEnded = ended;
    appendAudit(db, { actor: auditActor(actor), action: `terminal.${change.kind}`, targetType: 'terminal', targetId: t.id, facilityId: t.facility_id, ip, details });
    return { ok: true, terminalId: t.id };
  });
}
