import { stmt, type Db } from './db.ts';
import { AuditKeyError, auditKeyFile, generateAuditKey, readAuditKeyFile, storeAuditKey, type AuditKey } from './audit-key.ts';
import { entryHash, GENESIS_HASH, KEYED_CHAIN_MARKER, legacyEntryHash, type AuditRow, type HashedFields } from './audit-hash.ts';
import { verifyLegacyChain } from './audit-chain.ts';

export { entryHash, GENESIS_HASH, KEYED_CHAIN_MARKER } from './audit-hash.ts';
export { describeAuditVerification, verifyAuditChain, type ChainVerification, type VerifyOptions } from './audit-chain.ts';

/**
 * The audit log: append-only (database triggers refuse UPDATE and DELETE) and
 * chained with a keyed hash (HMAC under a key kept outside the database,
 * audit-key.ts), so that any edit made around the triggers breaks a link that
 * `verifyAuditChain` finds, even when the editor recomputes the hashes.
 * Call `appendAudit` inside the transaction of the change it records, so the
 * change and its entry commit together.
 */

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

export const SYSTEM_ACTOR: AuditActor = { id: null, label: 'system' };

const keys = new WeakMap<Db, AuditKey>();

/**
 * The audit key of `db`, read once and kept in memory. When the key file is
 * missing, a key is made only where that loses nothing: an empty log (a new
 * installation), or a log written entirely before the keyed chain existed
 * (an upgrade: a marker entry then anchors the old chain). A log that already
 * has keyed entries throws `AuditKeyError('missing')` naming the file.
 * Call it at start, outside any transaction, so an upgrade can write its marker.
 */
export function auditKey(db: Db): AuditKey {
  const cached = keys.get(db);
  if (cached) return cached;
  let key: AuditKey;
  if (db.name === ':memory:') key = generateAuditKey(':memory:');
  else {
    const file = auditKeyFile(db);
    key = readAuditKeyFile(file) ?? createKey(db, file);
  }
  keys.set(db, key);
  return key;
}

function createKey(db: Db, file: string): AuditKey {
  const outer = db.inTransaction;
  const create = (): AuditKey => {
    // Under the write lock: another process may have made the key meanwhile.
    const existing = readAuditKeyFile(file);
    if (existing) return existing;
    const first = stmt(db, 'SELECT * FROM audit_log ORDER BY id LIMIT 1').get() as AuditRow | undefined;
    if (!first) return storeAuditKey(generateAuditKey(file));
    const marked = stmt(db, 'SELECT 1 FROM audit_log WHERE action = ? LIMIT 1').get(KEYED_CHAIN_MARKER) !== undefined;
    if (marked || legacyEntryHash(GENESIS_HASH, first) !== first.hash) throw new AuditKeyError('missing', file);
    // An upgrade. The marker must commit with the key file; inside a caller's transaction
    // that may still roll back it cannot, so only a call outside one upgrades.
    if (outer) throw new AuditKeyError('upgradePending', file);
    const key = generateAuditKey(file);
    const legacy = verifyLegacyChain(db);
    insertEntry(db, key, {
      actor: SYSTEM_ACTOR,
      action: KEYED_CHAIN_MARKER,
      details: { legacyEntries: legacy.count, legacyHead: legacy.head, legacyIntact: legacy.ok, auditKeyId: key.id },
    });
    // The key file is linked into place last, just before the commit: a crash before it leaves
    // neither key nor marker (the next start upgrades again).
    return storeAuditKey(key);
  };
  return outer ? create() : db.transaction(create).immediate();
}

function insertEntry(db: Db, key: AuditKey, input: AuditInput, now = new Date()): AuditEntry {
  const prev = stmt(db, 'SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1').pluck().get() as string | undefined;
  const prevHash = prev ?? GENESIS_HASH;
  const row: HashedFields = {
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
  const hash = entryHash(prevHash, row, key);
  const info = stmt(
    db,
    `INSERT INTO audit_log (at, actor_user_id, actor_label, action, target_type, target_id, facility_id, ip, details, prev_hash, hash)
     VALUES (@at, @actor_user_id, @actor_label, @action, @target_type, @target_id, @facility_id, @ip, @details, @prev_hash, @hash)`,
  ).run({ ...row, prev_hash: prevHash, hash });
  return toEntry({ id: Number(info.lastInsertRowid), ...row, prev_hash: prevHash, hash });
}

/** Appends one entry. Runs in its own IMMEDIATE transaction unless already inside one. */
export function appendAudit(db: Db, input: AuditInput, now = new Date()): AuditEntry {
  if (input.action === KEYED_CHAIN_MARKER) throw new Error(`${KEYED_CHAIN_MARKER} is written only when the keyed chain starts`);
  const key = auditKey(db);
  const write = () => insertEntry(db, key, input, now);
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
