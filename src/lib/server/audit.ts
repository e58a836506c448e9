import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import { stmt, type Db } from './db.ts';

/**
 * The audit log: append-only (database triggers refuse UPDATE and DELETE) and
 * hash-chained, so that any edit made around the triggers breaks a link that
 * `verifyAuditChain` finds. Call `appendAudit` inside the transaction of the
 * change it records, so the change and its entry commit together.
 */

export const GENESIS_HASH = '0'.repeat(64);

/** Who did it: a user, or the system itself (roster sync, start-up). */
export interface AuditActor {
  id: number | null;
  label: string;
}

export interface AuditInput {
  actor: AuditActor;
  /** Dotted verb: 'auth.login', 'user.update', 'learner.pinReset', … */
  action: string;
  targetType?: string | null;
  targetId?: string | number | null;
  facilityId?: number | null;
  ip?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditEntry {
  id: number;
  at: string;
  actorUserId: number | null;
  actorLabel: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  facilityId: number | null;
  ip: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

interface AuditRow {
  id: number;
  at: string;
  actor_user_id: number | null;
  actor_label: string;
  action: string;
  target_type: string | null;
  target_id: string | null;
  facility_id: number | null;
  ip: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

export const SYSTEM_ACTOR: AuditActor = { id: null, label: 'system' };

/** The hash of one entry: its fields in a fixed order, chained to the previous hash. */
export function entryHash(prevHash: string, row: Omit<AuditRow, 'id' | 'prev_hash' | 'hash'>): string {
  const canonical = JSON.stringify([
    prevHash,
    row.at,
    row.actor_user_id,
    row.actor_label,
    row.action,
    row.target_type,
    row.target_id,
    row.facility_id,
    row.ip,
    row.details,
  ]);
  return encodeHexLowerCase(sha256(new TextEncoder().encode(canonical)));
}

/** Appends one entry. Runs in its own IMMEDIATE transaction unless already inside one. */
export function appendAudit(db: Db, input: AuditInput, now = new Date()): AuditEntry {
  const write = () => {
    const prev = stmt(db, 'SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1').pluck().get() as string | undefined;
    const prevHash = prev ?? GENESIS_HASH;
    const row = {
      at: now.toISOString(),
      actor_user_id: input.actor.id,
      actor_label: input.actor.label,
      action: input.action,
      target_type: input.targetType ?? null,
      target_id: input.targetId === undefined || input.targetId === null ? null : String(input.targetId),
      facility_id: input.facilityId ?? null,
      ip: input.ip ?? null,
      details: JSON.stringify(input.details ?? {}),
    };
    const hash = entryHash(prevHash, row);
    const info = db
      .prepare(
        `INSERT INTO audit_log (at, actor_user_id, actor_label, action, target_type, target_id, facility_id, ip, details, prev_hash, hash)
         VALUES (@at, @actor_user_id, @actor_label, @action, @target_type, @target_id, @facility_id, @ip, @details, @prev_hash, @hash)`,
      )
      .run({ ...row, prev_hash: prevHash, hash });
    return toEntry({ id: Number(info.lastInsertRowid), ...row, prev_hash: prevHash, hash });
  };
  return db.inTransaction ? write() : db.transaction(write).immediate();
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    actorUserId: row.actor_user_id,
    actorLabel: row.actor_label,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    facilityId: row.facility_id,
    ip: row.ip,
    details: JSON.parse(row.details) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export type ChainVerification =
  | { ok: true; count: number }
  | { ok: false; count: number; brokenAt: number; reason: 'prevHash' | 'hash' };

/** Walks the whole chain and reports the first entry whose link does not hold. */
export function verifyAuditChain(db: Db): ChainVerification {
  let prevHash = GENESIS_HASH;
  let count = 0;
  for (const row of stmt(db, 'SELECT * FROM audit_log ORDER BY id').iterate() as IterableIterator<AuditRow>) {
    count++;
    if (row.prev_hash !== prevHash) return { ok: false, count, brokenAt: row.id, reason: 'prevHash' };
    if (entryHash(row.prev_hash, row) !== row.hash) return { ok: false, count, brokenAt: row.id, reason: 'hash' };
    prevHash = row.hash;
  }
  return { ok: true, count };
}

export interface AuditFilter {
  action?: string | undefined;
  actorUserId?: number | undefined;
  facilityId?: number | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  /** Inclusive dates, YYYY-MM-DD. */
  from?: string | undefined;
  to?: string | undefined;
}

export const AUDIT_PAGE_SIZE = 50;

/** Newest first, filtered; `beforeId` pages backwards. */
export function listAudit(db: Db, filter: AuditFilter, beforeId?: number): { entries: AuditEntry[]; nextBeforeId: number | null } {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (filter.action) {
    where.push("(action = @action OR action LIKE @actionPrefix ESCAPE '\\')");
    params.action = filter.action;
    params.actionPrefix = filter.action.replace(/[%_\\]/g, (c) => '\\' + c) + '.%';
  }
  if (filter.actorUserId !== undefined) (where.push('actor_user_id = @actor'), (params.actor = filter.actorUserId));
  if (filter.facilityId !== undefined) (where.push('facility_id = @facility'), (params.facility = filter.facilityId));
  if (filter.targetType) (where.push('target_type = @targetType'), (params.targetType = filter.targetType));
  if (filter.targetId) (where.push('target_id = @targetId'), (params.targetId = filter.targetId));
  if (filter.from) (where.push('at >= @from'), (params.from = filter.from));
  if (filter.to) (where.push('at < @to'), (params.to = nextDay(filter.to)));
  if (beforeId !== undefined) (where.push('id < @beforeId'), (params.beforeId = beforeId));
  const sql = `SELECT * FROM audit_log ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ${AUDIT_PAGE_SIZE + 1}`;
  const rows = stmt(db, sql).all(params) as AuditRow[];
  const more = rows.length > AUDIT_PAGE_SIZE;
  const entries = rows.slice(0, AUDIT_PAGE_SIZE).map(toEntry);
  return { entries, nextBeforeId: more ? (entries.at(-1)?.id ?? null) : null };
}

function nextDay(date: string): string {
  const d = new Date(date + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** The distinct actions seen so far, for the filter's choices. */
export function listAuditActions(db: Db): string[] {
  return stmt(db, 'SELECT DISTINCT action FROM audit_log ORDER BY action').pluck().all() as string[];
}
