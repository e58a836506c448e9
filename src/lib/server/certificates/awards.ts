import { appendAudit, SYSTEM_ACTOR } from '../audit.ts';
import { stmt, type Db } from '../db.ts';
import { getCourse } from '../courses/catalog.ts';
import { can } from '../policy.ts';
import { rigaDate } from '../placement/consultations.ts';
import type { PlacementOutcome } from '../placement/placements.ts';
import type { SessionUser } from '../session.ts';
import { auditActor } from '../people/users.ts';
import type { CertificateItem, CertificateKind, CertificateTitle } from './content.ts';
import { outsideProgrammeItems, statementCarriesOutsideCourses } from './learning-record.ts';
import { holderNameOf, insertCertificate, type Certificate, type CertificateErrorCode, type IssueCertificateInput } from './certificates.ts';
import type { CustodyRefusal } from './custody.ts';

/**
 * What a programme's completion rules earn, and when (issue 6):
 * - every course completed within a programme earns a module certificate;
 * - a completed programme whose award is 'professional_development' also
 *   earns the programme's certificate, listing its modules;
 * - a programme left unfinished (release, transfer) earns a statement of
 *   achievement listing what was done, so no learning is lost (the first
 *   such statement also lists the courses taken outside any programme).
 * A programme that asks for approval, or names no education provider yet,
 * puts the document in certificate_request for the education staff instead.
 */

interface ProgrammeRules {
  id: number;
  title: string;
  language: 'lv' | 'en' | 'ru';
  facilityId: number;
  /** The register's provider that issues the programme's documents; null: not named yet. */
  providerId: number | null;
  award: 'module' | 'professional_development';
  awardLevel: string | null;
  approval: boolean;
}

function programmeRules(db: Db, programmeId: number): ProgrammeRules | null {
  const r = stmt(
    db,
    'SELECT id, title, language, facility_id, provider_id, award, award_level, certificate_approval FROM programme WHERE id = ?',
  ).get(programmeId) as
    | { id: number; title: string; language: 'lv' | 'en' | 'ru'; facility_id: number; provider_id: number | null; award: ProgrammeRules['award']; award_level: string | null; certificate_approval: number }
    | undefined;
  return r
    ? { id: r.id, title: r.title, language: r.language, facilityId: r.facility_id, providerId: r.provider_id, award: r.award, awardLevel: r.award_level, approval: r.certificate_approval === 1 }
    : null;
}

/** A document that is due: which kind, for which programme (and course or placement). */
export interface DueDocument {
  kind: CertificateKind;
  learnerId: number;
  programmeId: number;
  courseId: string | null;
  placementId: number | null;
}

function completionDate(db: Db, learnerId: number, courseId: string): string | null {
  const at = stmt(db, 'SELECT completed_at FROM course_completion WHERE learner_id = ? AND course_id = ?').pluck().get(learnerId, courseId) as string | undefined;
  return at ? rigaDate(new Date(at)) : null;
}

function programmeCourses(db: Db, programmeId: number): string[] {
  return stmt(db, 'SELECT course_id FROM programme_course WHERE programme_id = ? ORDER BY position').pluck().all(programmeId) as string[];
}

/**
 * What the document states, from the record as it is now (the programme's
 * provider unless `providerId` overrides it). Null when the record no longer
 * supports it (course not completed, placement gone).
 */
export function documentInput(db: Db, due: DueDocument, providerId: number | null): IssueCertificateInput | null {
  const programme = programmeRules(db, due.programmeId);
  const name = holderNameOf(db, due.learnerId);
  const by = providerId ?? programme?.providerId ?? null;
  if (!programme || !name || by === null) return null;
  const base = { learnerId: due.learnerId, holderName: name, providerId: by, programmeId: programme.id };
  const programmeTitle: CertificateTitle = { [programme.language]: programme.title };

  if (due.kind === 'module') {
    const course = due.courseId ? getCourse(db, due.courseId) : null;
    const completedOn = course ? completionDate(db, due.learnerId, course.id) : null;
    if (!course || !completedOn) return null;
    // A programme of modules states its level on each of them (e.g. A2); a vocational one only on its own certificate.
    const level = programme.award === 'module' ? programme.awardLevel : null;
    return { ...base, kind: 'module', courseId: course.id, title: course.title, hours: course.hours, level, completedOn };
  }

  if (due.kind === 'professional_development') {
    const items: CertificateItem[] = [];
    for (const courseId of programmeCourses(db, programme.id)) {
      const course = getCourse(db, courseId);
      const completedOn = completionDate(db, due.learnerId, courseId);
      if (!course || !completedOn) return null;
      items.push({ title: course.title, hours: course.hours, completedOn });
    }
    if (!items.length) return null;
    return {
      ...base,
      kind: 'professional_development',
      title: programmeTitle,
      hours: items.reduce((sum, i) => sum + i.hours, 0),
      level: programme.awardLevel,
      completedOn: items.map((i) => i.completedOn!).sort().at(-1)!,
      items,
    };
  }

  // A statement: the placement's outcome as it was recorded when it closed.
  const placement = due.placementId
    ? (stmt(db, 'SELECT status_at, outcome_json FROM placement WHERE id = ? AND learner_id = ?').get(due.placementId, due.learnerId) as
        | { status_at: string; outcome_json: string | null }
        | undefined)
    : undefined;
  if (!placement) return null;
  const outcome = placement.outcome_json ? (JSON.parse(placement.outcome_json) as PlacementOutcome) : { courses: [] };
  const items: CertificateItem[] = [];
  for (const c of outcome.courses) {
    const course = getCourse(db, c.courseId);
    if (!course) continue;
    const completedOn = c.completed ? completionDate(db, due.learnerId, c.courseId) : null;
    items.push(completedOn ? { title: course.title, hours: course.hours, completedOn } : { title: course.title, hours: course.hours, completedOn: null, progressPercent: c.percent });
  }
  // Courses outside any programme are learning too: stated once, on the first statement of a release or transfer.
  if (statementCarriesOutsideCourses(db, due.learnerId, due.placementId!)) items.push(...outsideProgrammeItems(db, due.learnerId));
  return {
    ...base,
    kind: 'statement',
    title: programmeTitle,
    hours: items.filter((i) => i.completedOn && !i.outside).reduce((sum, i) => sum + i.hours, 0),
    completedOn: rigaDate(new Date(placement.status_at)),
    items,
  };
}

/** A live (pending or issued) request or a valid certificate for the same document already exists. */
function alreadyAwarded(db: Db, due: DueDocument): boolean {
  const request = stmt(
    db,
    `SELECT 1 FROM certificate_request WHERE learner_id = ? AND kind = ? AND programme_id = ? AND ifnull(course_id, '') = ? AND ifnull(placement_id, 0) = ?
       AND status <> 'declined'`,
  ).get(due.learnerId, due.kind, due.programmeId, due.courseId ?? '', due.placementId ?? 0);
  if (request) return true;
  if (due.kind === 'statement') return false;
  // One valid module certificate per course (whichever programme), one programme certificate per programme.
  const certificate =
    due.kind === 'module'
      ? stmt(db, "SELECT 1 FROM certificate WHERE learner_id = ? AND kind = 'module' AND course_id = ? AND revoked_at IS NULL").get(due.learnerId, due.courseId)
      : stmt(db, 'SELECT 1 FROM certificate WHERE learner_id = ? AND kind = ? AND programme_id = ? AND revoked_at IS NULL').get(due.learnerId, due.kind, due.programmeId);
  return certificate !== undefined;
}

/**
 * Issues a due document at once, or files it for approval. Runs inside the
 * caller's transaction (a course completion, a release or a transfer); a
 * document that cannot be issued never undoes what triggered it: the failure
 * is audited and the document waits for staff.
 */
export function awardDocument(db: Db, due: DueDocument, now = new Date()): 'issued' | 'requested' | 'skipped' {
  const programme = programmeRules(db, due.programmeId);
  if (!programme || alreadyAwarded(db, due)) return 'skipped';
  const input = documentInput(db, due, null);
  const reason = programme.approval ? 'approval' : programme.providerId === null ? 'noProvider' : null;
  if (reason === null && input) {
    // A savepoint of its own: whatever goes wrong here is undone alone, never the completion or release around it.
    let code: string;
    try {
      const result = db.transaction(() => insertCertificate(db, SYSTEM_ACTOR, input, null, now))();
      if (result.ok) return 'issued';
      code = result.code;
    } catch (error) {
      code = error instanceof Error ? error.message : String(error);
    }
    appendAudit(
      db,
      { actor: SYSTEM_ACTOR, action: 'certificate.autoIssueFailed', targetType: 'learner', targetId: due.learnerId, facilityId: programme.facilityId, details: { ...due, code } },
      now,
    );
  } else if (reason === null) {
    return 'skipped';
  }
  const id = Number(
    stmt(
      db,
      `INSERT INTO certificate_request (learner_id, kind, programme_id, course_id, placement_id, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(due.learnerId, due.kind, due.programmeId, due.courseId, due.placementId, reason ?? 'approval', now.toISOString()).lastInsertRowid,
  );
  appendAudit(
    db,
    { actor: SYSTEM_ACTOR, action: 'certificate.requested', targetType: 'certificateRequest', targetId: id, facilityId: programme.facilityId, details: { ...due, reason: reason ?? 'approval' } },
    now,
  );
  return 'requested';
}

/**
 * After a course completion (inside its transaction, after the placements
 * were completed): module certificates for the course in each programme of
 * the learner that has it, and the programme's certificate for each
 * programme the completion finished.
 */
export function awardOnCourseCompletion(db: Db, learnerId: number, courseId: string, now = new Date()): void {
  const placements = stmt(
    db,
    `SELECT p.id, p.programme_id, p.status, g.award FROM placement p JOIN programme g ON g.id = p.programme_id
       JOIN programme_course c ON c.programme_id = p.programme_id AND c.course_id = ?
     WHERE p.learner_id = ? AND p.status IN ('enrolled', 'completed') ORDER BY p.id`,
  ).all(courseId, learnerId) as Array<{ id: number; programme_id: number; status: string; award: string }>;
  for (const p of placements) {
    awardDocument(db, { kind: 'module', learnerId, programmeId: p.programme_id, courseId, placementId: null }, now);
    if (p.status === 'completed' && p.award === 'professional_development') {
      awardDocument(db, { kind: 'professional_development', learnerId, programmeId: p.programme_id, courseId: null, placementId: null }, now);
    }
  }
}

/** The learner's placements in progress now (call before a release or transfer closes them). */
export function enrolledPlacementIds(db: Db, learnerId: number): number[] {
  return stmt(db, "SELECT id FROM placement WHERE learner_id = ? AND status = 'enrolled'").pluck().all(learnerId) as number[];
}

/** Statements of achievement for placements a release or transfer has just closed (inside that transaction). */
export function awardStatements(db: Db, learnerId: number, placementIds: readonly number[], now = new Date()): void {
  for (const id of placementIds) {
    const p = stmt(db, 'SELECT programme_id, status FROM placement WHERE id = ?').get(id) as { programme_id: number; status: string } | undefined;
    if (!p || (p.status !== 'transferred' && p.status !== 'released_before_completion')) continue;
    awardDocument(db, { kind: 'statement', learnerId, programmeId: p.programme_id, courseId: null, placementId: id }, now);
  }
}

// ── Requests waiting for the education staff ─────────────────────────────

export interface CertificateRequest {
  id: number;
  learnerId: number;
  learnerName: string;
  /** The programme's prison: its education staff decide (the learner may have moved on). */
  facilityId: number;
  kind: CertificateKind;
  programmeId: number;
  programmeTitle: string;
  /** The programme's provider from the register (its official name), if it names one. */
  providerId: number | null;
  provider: string | null;
  courseId: string | null;
  courseTitle: CertificateTitle | null;
  placementId: number | null;
  reason: 'approval' | 'noProvider';
  status: 'pending' | 'issued' | 'declined';
  createdAt: string;
}

interface RequestRow {
  id: number;
  learner_id: number;
  learner_name: string;
  facility_id: number;
  kind: CertificateKind;
  programme_id: number;
  programme_title: string;
  provider_id: number | null;
  provider: string | null;
  course_id: string | null;
  placement_id: number | null;
  reason: CertificateRequest['reason'];
  status: CertificateRequest['status'];
  created_at: string;
}

const REQUEST_SELECT = `SELECT r.id, r.learner_id, l.given_names || ' ' || l.surname AS learner_name, g.facility_id, r.kind, r.programme_id,
    g.title AS programme_title, g.provider_id, ep.name_lv AS provider, r.course_id, r.placement_id, r.reason, r.status, r.created_at
  FROM certificate_request r JOIN learner l ON l.id = r.learner_id JOIN programme g ON g.id = r.programme_id
    LEFT JOIN education_provider ep ON ep.id = g.provider_id`;

function toRequest(db: Db, r: RequestRow): CertificateRequest {
  return {
    id: r.id,
    learnerId: r.learner_id,
    learnerName: r.learner_name,
    facilityId: r.facility_id,
    kind: r.kind,
    programmeId: r.programme_id,
    programmeTitle: r.programme_title,
    providerId: r.provider_id,
    provider: r.provider,
    courseId: r.course_id,
    courseTitle: r.course_id ? (getCourse(db, r.course_id)?.title ?? null) : null,
    placementId: r.placement_id,
    reason: r.reason,
    status: r.status,
    createdAt: r.created_at,
  };
}

/** Pending requests the actor may decide on (optionally for one learner), oldest first. */
export function listPendingRequests(db: Db, actor: SessionUser, learnerId?: number): CertificateRequest[] {
  const rows = (
    learnerId === undefined
      ? stmt(db, `${REQUEST_SELECT} WHERE r.status = 'pending' ORDER BY r.id`).all()
      : stmt(db, `${REQUEST_SELECT} WHERE r.status = 'pending' AND r.learner_id = ? ORDER BY r.id`).all(learnerId)
  ) as RequestRow[];
  return rows.map((r) => toRequest(db, r)).filter((r) => can(actor, 'certificates:issue', { facilityId: r.facilityId }));
}

export type RequestErrorCode = CertificateErrorCode | 'auth.forbidden' | 'certificateRequest.notFound' | 'certificateRequest.decided' | 'certificateRequest.issuerRequired' | 'certificateRequest.notDue';

export type ApproveResult = { ok: true; certificate: Certificate } | { ok: false; code: RequestErrorCode } | CustodyRefusal;

function pendingRequest(db: Db, actor: SessionUser, id: number): { ok: true; request: CertificateRequest } | { ok: false; code: RequestErrorCode } {
  const row = stmt(db, `${REQUEST_SELECT} WHERE r.id = ?`).get(id) as RequestRow | undefined;
  if (!row) return { ok: false, code: 'certificateRequest.notFound' };
  const request = toRequest(db, row);
  if (!can(actor, 'certificates:issue', { facilityId: request.facilityId })) return { ok: false, code: 'auth.forbidden' };
  if (request.status !== 'pending') return { ok: false, code: 'certificateRequest.decided' };
  return { ok: true, request };
}

/**
 * Approves a waiting document: issues it (by the programme's provider, or
 * the provider from the register that staff choose, which must be active)
 * and marks the request issued. Audited with the staff member as the issuer.
 */
export function approveRequest(db: Db, actor: SessionUser, id: number, providerId: number | null, now = new Date()): ApproveResult {
  return db
    .transaction((): ApproveResult => {
      const found = pendingRequest(db, actor, id);
      if (!found.ok) return found;
      const r = found.request;
      const by = providerId ?? r.providerId;
      if (by === null) return { ok: false, code: 'certificateRequest.issuerRequired' };
      if (by !== r.providerId && !stmt(db, 'SELECT 1 FROM education_provider WHERE id = ? AND active = 1').get(by)) return { ok: false, code: 'provider.unknown' };
      const input = documentInput(db, r, by);
      if (!input) return { ok: false, code: 'certificateRequest.notDue' };
      const result = insertCertificate(db, actor, input, null, now);
      if (!result.ok) return result;
      stmt(db, "UPDATE certificate_request SET status = 'issued', certificate_id = ?, decided_by = ?, decided_at = ? WHERE id = ?").run(
        result.certificate.id,
        actor.id,
        now.toISOString(),
        id,
      );
      appendAudit(
        db,
        { actor: auditActor(actor), action: 'certificate.approve', targetType: 'certificateRequest', targetId: id, facilityId: r.facilityId, details: { serial: result.certificate.serial, learnerId: r.learnerId } },
        now,
      );
      return result;
    })
    .immediate();
}

/** Declines a waiting document with a reason (it may be asked for again later). Audited. */
export function declineRequest(db: Db, actor: SessionUser, id: number, reason: string, now = new Date()): { ok: true } | { ok: false; code: RequestErrorCode } {
  const why = reason.trim();
  if (!why) return { ok: false, code: 'certificate.reasonRequired' };
  return db
    .transaction((): { ok: true } | { ok: false; code: RequestErrorCode } => {
      const found = pendingRequest(db, actor, id);
      if (!found.ok) return found;
      stmt(db, "UPDATE certificate_request SET status = 'declined', decline_reason = ?, decided_by = ?, decided_at = ? WHERE id = ?").run(why, actor.id, now.toISOString(), id);
      appendAudit(
        db,
        { actor: auditActor(actor), action: 'certificate.decline', targetType: 'certificateRequest', targetId: id, facilityId: found.request.facilityId, details: { reason: why, learnerId: found.request.learnerId } },
        now,
      );
      return { ok: true };
    })
    .immediate();
}
