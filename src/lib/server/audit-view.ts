import { stmt, type Db } from './db.ts';
import type { Locale, Role } from '../shared/domain.ts';

/**
 * The audit log as the administrator reads it: filtered by person (a name,
 * username or inmate number, as the one who acted or the one affected), by
 * action and by dates; paged by id (keyset: stable while new entries arrive)
 * with the true number of matching entries; and every person, terminal,
 * room, course and programme an entry names resolved to its name and, for
 * people, the page about them. Reading only: the chain and its hashing stay
 * in audit.ts.
 */

export interface AuditViewFilter {
  /** One action code (the select's value). */
  action?: string | undefined;
  /** Part of a name, username or inmate number. */
  person?: string | undefined;
  /** Entries by this user (links from elsewhere). */
  actorUserId?: number | undefined;
  facilityId?: number | undefined;
  /** Entries about this item (the "history" links of the user and learner pages). */
  targetType?: string | undefined;
  targetId?: string | undefined;
  /** Inclusive dates, YYYY-MM-DD. */
  from?: string | undefined;
  to?: string | undefined;
}

/** Where a page starts: the newest, older than an id, or newer than an id. */
export type AuditCursor = { before: number } | { after: number } | null;

/** Something an entry names, as people know it. */
export interface Named {
  name: string;
  /** The page about it (people only), null when there is none. */
  href: string | null;
}

export interface AuditRowView {
  id: number;
  at: string;
  action: string;
  /** The role of the user who acted (null: the system, or a sign-in attempt for an unknown name). */
  actorRole: Role | null;
  actorUserId: number | null;
  /** Who acted, by name; null for the system or an unknown sign-in name (then `actorLabel`). */
  actor: Named | null;
  actorLabel: string;
  targetType: string | null;
  targetId: string | null;
  /** The affected item by name, when it still exists. */
  target: Named | null;
  facilityId: number | null;
  details: Record<string, unknown>;
}

export interface AuditPage {
  entries: AuditRowView[];
  /** Every entry matching the filter. */
  total: number;
  /** The position of the first entry shown (1 = the newest matching one). */
  first: number;
  /** The cursor of the next older page, null on the last one. */
  older: number | null;
  /** The cursor of the next newer page, null on the first one. */
  newer: number | null;
  /** Names of the ids found in details (`learnerUserId`, `roomId`, …): kind → id → name. */
  names: NameBook;
}

export const AUDIT_VIEW_PAGE_SIZE = 50;

interface Row {
  id: number;
  at: string;
  actor_user_id: number | null;
  actor_label: string;
  action: string;
  target_type: string | null;
  target_id: string | null;
  facility_id: number | null;
  details: string;
}

/** `%…%` for LIKE, with the user's own % and _ taken literally. */
function likePattern(text: string): string {
  return `%${text.replace(/[%_\\]/g, (c) => '\\' + c)}%`;
}

// The people a person filter matches: user ids (staff, learners' and released persons' accounts) and learner ids.
const MATCHING_USERS = `
  SELECT id FROM user WHERE display_name LIKE @person ESCAPE '\\' OR username LIKE @person ESCAPE '\\'
  UNION SELECT user_id FROM learner WHERE given_names || ' ' || surname LIKE @person ESCAPE '\\' OR surname || ' ' || given_names LIKE @person ESCAPE '\\' OR inmate_number LIKE @person ESCAPE '\\'
  UNION SELECT portal_user_id FROM learner WHERE portal_user_id IS NOT NULL AND (given_names || ' ' || surname LIKE @person ESCAPE '\\' OR surname || ' ' || given_names LIKE @person ESCAPE '\\' OR inmate_number LIKE @person ESCAPE '\\')`;
const MATCHING_LEARNERS = `
  SELECT id FROM learner WHERE given_names || ' ' || surname LIKE @person ESCAPE '\\' OR surname || ' ' || given_names LIKE @person ESCAPE '\\' OR inmate_number LIKE @person ESCAPE '\\'
  UNION SELECT l.id FROM learner l JOIN user u ON u.id = l.portal_user_id WHERE u.username LIKE @person ESCAPE '\\'`;

function whereOf(filter: AuditViewFilter): { where: string[]; params: Record<string, unknown> } {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (filter.action) (where.push('action = @action'), (params.action = filter.action));
  if (filter.actorUserId !== undefined) (where.push('actor_user_id = @actor'), (params.actor = filter.actorUserId));
  if (filter.facilityId !== undefined) (where.push('facility_id = @facility'), (params.facility = filter.facilityId));
  if (filter.targetType) (where.push('target_type = @targetType'), (params.targetType = filter.targetType));
  if (filter.targetId) (where.push('target_id = @targetId'), (params.targetId = filter.targetId));
  if (filter.from) (where.push('at >= @from'), (params.from = filter.from));
  if (filter.to) (where.push('at < @to'), (params.to = nextDay(filter.to)));
  if (filter.person) {
    params.person = likePattern(filter.person);
    // As the one who acted, the account affected, the learner affected, or the learner a detail names
    // (the supervisor ended their session, a document was approved for them).
    where.push(`(actor_user_id IN (${MATCHING_USERS})
      OR (target_type = 'user' AND target_id IN (SELECT CAST(id AS TEXT) FROM (${MATCHING_USERS})))
      OR (target_type = 'learner' AND target_id IN (SELECT CAST(id AS TEXT) FROM (${MATCHING_LEARNERS})))
      OR json_extract(details, '$.learnerUserId') IN (${MATCHING_USERS})
      OR json_extract(details, '$.learnerId') IN (${MATCHING_LEARNERS}))`);
  }
  return { where, params };
}

function nextDay(date: string): string {
  const d = new Date(date + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

const clause = (where: string[]) => (where.length ? `WHERE ${where.join(' AND ')}` : '');

/** One page of the filtered log, newest first, with the total and the entries' names resolved. */
export function auditPage(db: Db, filter: AuditViewFilter, cursor: AuditCursor, locale: Locale): AuditPage {
  const { where, params } = whereOf(filter);
  const total = stmt(db, `SELECT count(*) FROM audit_log ${clause(where)}`).pluck().get(params) as number;
  const size = AUDIT_VIEW_PAGE_SIZE;
  let rows: Row[];
  if (cursor && 'after' in cursor) {
    // Newer than the cursor: the oldest `size` of them, shown newest first.
    rows = (stmt(db, `SELECT * FROM audit_log ${clause([...where, 'id > @cursor'])} ORDER BY id ASC LIMIT ${size}`).all({ ...params, cursor: cursor.after }) as Row[]).reverse();
  } else {
    const w = cursor ? [...where, 'id < @cursor'] : where;
    rows = stmt(db, `SELECT * FROM audit_log ${clause(w)} ORDER BY id DESC LIMIT ${size}`).all(cursor ? { ...params, cursor: cursor.before } : params) as Row[];
  }
  const top = rows[0]?.id;
  const bottom = rows.at(-1)?.id;
  const newerCount = top === undefined ? 0 : (stmt(db, `SELECT count(*) FROM audit_log ${clause([...where, 'id > @top'])}`).pluck().get({ ...params, top }) as number);
  const first = rows.length ? newerCount + 1 : 0;
  const { names, roles } = resolveNames(db, rows, locale);
  const entries = rows.map((r) => toView(r, names, roles));
  return {
    entries,
    total,
    first,
    older: bottom !== undefined && first + rows.length - 1 < total ? bottom : null,
    newer: top !== undefined && newerCount > 0 ? top : null,
    names,
  };
}

/** The actions present in the log (for the filter's choices). */
export function auditActionsPresent(db: Db): string[] {
  return stmt(db, 'SELECT DISTINCT action FROM audit_log ORDER BY action').pluck().all() as string[];
}

/** kind → id (as text) → name and link. */
export type NameBook = Record<'user' | 'learner' | 'learnerUser' | 'terminal' | 'room' | 'facility' | 'course' | 'programme', Map<string, Named>>;

/** The `…Id` detail keys whose values name something, and what. */
export const DETAIL_REFS: Readonly<Record<string, keyof NameBook>> = {
  learnerUserId: 'learnerUser',
  learnerId: 'learner',
  userId: 'user',
  terminalId: 'terminal',
  roomId: 'room',
  fromRoomId: 'room',
  toRoomId: 'room',
  programmeId: 'programme',
  courseId: 'course',
  learnerFacilityId: 'facility',
};

const TARGET_KINDS: Readonly<Record<string, keyof NameBook>> = {
  user: 'user',
  learner: 'learner',
  terminal: 'terminal',
  room: 'room',
  facility: 'facility',
  course: 'course',
  programme: 'programme',
};

function resolveNames(db: Db, rows: Row[], locale: Locale): { names: NameBook; roles: Map<string, Role> } {
  const wanted: Record<keyof NameBook, Set<string>> = {
    user: new Set(),
    learner: new Set(),
    learnerUser: new Set(),
    terminal: new Set(),
    room: new Set(),
    facility: new Set(),
    course: new Set(),
    programme: new Set(),
  };
  for (const r of rows) {
    if (r.actor_user_id !== null) wanted.user.add(String(r.actor_user_id));
    const kind = r.target_type ? TARGET_KINDS[r.target_type] : undefined;
    if (kind && r.target_id !== null) wanted[kind].add(r.target_id);
    const details = parseDetails(r.details);
    // A transfer's from/to are prisons.
    if (r.action === 'learner.transfer') for (const key of ['from', 'to']) if (typeof details[key] === 'number') wanted.facility.add(String(details[key]));
    for (const [key, ref] of Object.entries(DETAIL_REFS)) {
      const value = details[key];
      if (typeof value === 'number' || (typeof value === 'string' && value !== '')) wanted[ref].add(String(value));
    }
  }
  const list = (set: Set<string>) => JSON.stringify([...set]);
  const book: NameBook = { user: new Map(), learner: new Map(), learnerUser: new Map(), terminal: new Map(), room: new Map(), facility: new Map(), course: new Map(), programme: new Map() };
  const roles = new Map<string, Role>();
  const learnerName = (l: { given_names: string; surname: string }) => `${l.given_names} ${l.surname}`.trim();

  // Users: staff link to their account page; a learner's or released person's account to the learner's page.
  const userIds = new Set([...wanted.user, ...wanted.learnerUser]);
  if (userIds.size) {
    const users = stmt(db, `SELECT u.id, u.role, u.display_name, l.id AS learner_id, l.given_names, l.surname
        FROM user u LEFT JOIN learner l ON l.user_id = u.id OR l.portal_user_id = u.id
        WHERE u.id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))`).all(list(userIds)) as Array<{ id: number; role: Role; display_name: string; learner_id: number | null; given_names: string | null; surname: string | null }>;
    for (const u of users) {
      const person = u.learner_id !== null ? { name: learnerName({ given_names: u.given_names ?? '', surname: u.surname ?? '' }) || u.display_name, href: `/staff/learners/${u.learner_id}` } : { name: u.display_name, href: `/admin/users/${u.id}` };
      roles.set(String(u.id), u.role);
      book.user.set(String(u.id), person);
      book.learnerUser.set(String(u.id), person);
    }
  }
  if (wanted.learner.size) {
    for (const l of stmt(db, 'SELECT id, given_names, surname FROM learner WHERE id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))').all(list(wanted.learner)) as Array<{ id: number; given_names: string; surname: string }>) {
      book.learner.set(String(l.id), { name: learnerName(l), href: `/staff/learners/${l.id}` });
    }
  }
  const simple = (kind: 'terminal' | 'room' | 'facility' | 'programme', sql: string) => {
    if (!wanted[kind].size) return;
    for (const r of stmt(db, sql).all(list(wanted[kind])) as Array<{ id: number; name: string }>) if (r.name) book[kind].set(String(r.id), { name: r.name, href: null });
  };
  simple('terminal', 'SELECT id, name FROM terminal WHERE id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))');
  simple('room', 'SELECT id, name FROM room WHERE id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))');
  simple('facility', 'SELECT id, name FROM facility WHERE id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))');
  simple('programme', 'SELECT id, title AS name FROM programme WHERE id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))');
  if (wanted.course.size) {
    for (const c of stmt(db, 'SELECT id, title_json FROM course WHERE id IN (SELECT value FROM json_each(?))').all(list(wanted.course)) as Array<{ id: string; title_json: string }>) {
      const title = JSON.parse(c.title_json) as Partial<Record<Locale, string>>;
      book.course.set(c.id, { name: title[locale] || title.lv || c.id, href: null });
    }
  }
  return { names: book, roles };
}

function parseDetails(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function toView(r: Row, names: NameBook, roles: Map<string, Role>): AuditRowView {
  const kind = r.target_type ? TARGET_KINDS[r.target_type] : undefined;
  const actorRole = r.actor_user_id !== null ? (roles.get(String(r.actor_user_id)) ?? null) : null;
  return {
    id: r.id,
    at: r.at,
    action: r.action,
    actorRole,
    actorUserId: r.actor_user_id,
    actor: r.actor_user_id !== null ? (names.user.get(String(r.actor_user_id)) ?? null) : null,
    actorLabel: r.actor_label,
    targetType: r.target_type,
    targetId: r.target_id,
    target: kind && r.target_id !== null ? (names[kind].get(r.target_id) ?? null) : null,
    facilityId: r.facility_id,
    details: parseDetails(r.details),
  };
}

