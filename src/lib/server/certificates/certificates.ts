import { appendAudit, type AuditActor } from '../audit.ts';
import { stmt, type Db } from '../db.ts';
import { rigaDate } from '../placement/consultations.ts';
import { z } from 'zod';
import type { SessionUser } from '../session.ts';
import { can } from '../policy.ts';
import { getLearner, type Learner } from '../people/learners.ts';
import { getCourse, type Course } from '../courses/catalog.ts';
import {
  canonicalJson,
  generateSerial,
  normalizeSerial,
  sha256Hex,
  type CertificateContent,
  type CertificateItem,
  type CertificateKind,
  type CertificateTitle,
} from './content.ts';
import { certificatePdf } from './pdf.ts';
import { signContentHash, verifyContentHash } from './signing.ts';
import { checkCustody, type CustodyRefusal } from './custody.ts';

/**
 * Issuing, verifying, revoking and re-issuing certificates. Every document is
 * stored with its signed content (content_json, the only source of the PDF
 * and of the verification page) and is audited. No authorization here: the
 * pages check capabilities before they call in.
 */

/** A signed-in user, or the system (`SYSTEM_ACTOR`) issuing on completion. */
export type CertificateActor = SessionUser | AuditActor;

export interface IssueCertificateInput {
  learnerId: number;
  kind: CertificateKind;
  /** As the document should print it: given names and surname. */
  holderName: string;
  title: CertificateTitle;
  hours: number;
  level?: string | null;
  /** The education provider from the register that issues the document (never the prison); the document prints its official name. */
  providerId: number;
  /** YYYY-MM-DD. */
  completedOn: string;
  courseId?: string | null;
  programmeId?: number | null;
  /** The courses a programme's document reports on. */
  items?: CertificateItem[];
}

/** What a re-issue may correct. */
export type CertificateChanges = Partial<Pick<IssueCertificateInput, 'kind' | 'holderName' | 'title' | 'hours' | 'level' | 'providerId' | 'completedOn'>>;

export interface Certificate {
  id: number;
  serial: string;
  kind: CertificateKind;
  learnerId: number;
  courseId: string | null;
  programmeId: number | null;
  holderName: string;
  title: CertificateTitle;
  hours: number;
  level: string | null;
  issuer: string;
  /** The register's provider that issued it; null for a document issued before the register whose issuer matched none. */
  providerId: number | null;
  issuedOn: string;
  completedOn: string;
  contentJson: string;
  contentHash: string;
  signature: string;
  keyId: string;
  revokedAt: string | null;
  revokedBy: number | null;
  revokeReason: string | null;
  replacesId: number | null;
  createdBy: number | null;
  createdAt: string;
}

export type CertificateErrorCode =
  | 'certificate.unknown'
  | 'certificate.learnerUnknown'
  /** The content would name the learner's inmate number. */
  | 'certificate.namesCustody'
  /** No such provider in the register (or, for a new choice, not an active one). */
  | 'provider.unknown'
  | 'certificate.reasonRequired'
  | 'certificate.alreadyRevoked'
  | 'certificate.alreadyReplaced'
  /** No completion of that course by that learner. */
  | 'certificate.notCompleted';

export type CertificateResult = { ok: true; certificate: Certificate } | { ok: false; code: CertificateErrorCode } | CustodyRefusal;

/** What anyone with the serial may learn: the document, its status, never custody (and not the revoke reason). */
export type Verification =
  | { status: 'unknown'; serial: string; signatureValid: false }
  | (Omit<CertificateContent, 'v'> & {
      status: 'valid' | 'revoked';
      /** False when the stored content does not match its hash or signature: show the document as not genuine. */
      signatureValid: boolean;
      revokedAt: string | null;
      /** The serial of the certificate that replaced this one, if re-issued. */
      replacedBy: string | null;
    });

interface CertificateRow {
  id: number;
  serial: string;
  kind: CertificateKind;
  learner_id: number;
  course_id: string | null;
  programme_id: number | null;
  holder_name: string;
  title_json: string;
  hours: number;
  level: string | null;
  issuer: string;
  provider_id: number | null;
  issued_on: string;
  completed_on: string;
  content_json: string;
  content_hash: string;
  signature: string;
  key_id: string;
  revoked_at: string | null;
  revoked_by: number | null;
  revoke_reason: string | null;
  replaces_id: number | null;
  created_by: number | null;
  created_at: string;
}

const SELECT = `SELECT id, serial, kind, learner_id, course_id, programme_id, holder_name, title_json, hours, level, issuer, provider_id, issued_on,
  completed_on, content_json, content_hash, signature, key_id, revoked_at, revoked_by, revoke_reason, replaces_id, created_by, created_at
  FROM certificate`;

function toCertificate(r: CertificateRow): Certificate {
  return {
    id: r.id,
    serial: r.serial,
    kind: r.kind,
    learnerId: r.learner_id,
    courseId: r.course_id,
    programmeId: r.programme_id,
    holderName: r.holder_name,
    title: JSON.parse(r.title_json) as CertificateTitle,
    hours: r.hours,
    level: r.level,
    issuer: r.issuer,
    providerId: r.provider_id,
    issuedOn: r.issued_on,
    completedOn: r.completed_on,
    contentJson: r.content_json,
    contentHash: r.content_hash,
    signature: r.signature,
    keyId: r.key_id,
    revokedAt: r.revoked_at,
    revokedBy: r.revoked_by,
    revokeReason: r.revoke_reason,
    replacesId: r.replaces_id,
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}

const toAuditActor = (actor: CertificateActor): AuditActor =>
  'role' in actor ? { id: actor.id, label: actor.username ?? actor.displayName } : actor;

/** The certificate with this serial (as typed: case and spaces do not matter), or null. */
export function getBySerial(db: Db, serial: string): Certificate | null {
  const normalized = normalizeSerial(serial);
  if (!normalized) return null;
  const row = stmt(db, `${SELECT} WHERE serial = ?`).get(normalized) as CertificateRow | undefined;
  return row ? toCertificate(row) : null;
}

/**
 * The learner whose documents `actor` may issue, print and revoke (by the id
 * in an address), or null: unknown, another prison's, or no such right.
 */
export function learnerForCertificates(db: Db, actor: SessionUser, rawId: string | undefined): Learner | null {
  const id = z.coerce.number().int().positive().safeParse(rawId);
  const learner = id.success ? getLearner(db, actor, id.data) : null;
  return learner && can(actor, 'certificates:issue', { facilityId: learner.facilityId }) ? learner : null;
}

/** The serial of the certificate with this id (a re-issue's predecessor), or null. */
export function serialOfId(db: Db, id: number): string | null {
  return (stmt(db, 'SELECT serial FROM certificate WHERE id = ?').pluck().get(id) as string | undefined) ?? null;
}

/** The name a document prints for the learner: given names and surname, as the record has them; null for an unknown learner. */
export function holderNameOf(db: Db, learnerId: number): string | null {
  const l = stmt(db, 'SELECT given_names, surname FROM learner WHERE id = ?').get(learnerId) as { given_names: string; surname: string } | undefined;
  return l ? `${l.given_names} ${l.surname}` : null;
}

/** The learner's certificates, newest first. */
export function listLearnerCertificates(db: Db, learnerId: number): Certificate[] {
  return (stmt(db, `${SELECT} WHERE learner_id = ? ORDER BY id DESC`).all(learnerId) as CertificateRow[]).map(toCertificate);
}

function assertValidInput(input: IssueCertificateInput) {
  const problems = [
    !input.holderName.trim() && 'holderName is empty',
    !Object.values(input.title).some((t) => t?.trim()) && 'title has no language',
    !(Number.isInteger(input.hours) && input.hours >= 0) && 'hours must be a whole number ≥ 0',
    !/^\d{4}-\d{2}-\d{2}$/.test(input.completedOn) && 'completedOn is not YYYY-MM-DD',
  ].filter(Boolean);
  // Pages validate with zod first; reaching here with bad input is a bug.
  if (problems.length) throw new RangeError(`issueCertificate: ${problems.join('; ')}`);
}

/** True when any text of the content contains the learner's inmate number. */
function namesInmateNumber(db: Db, learnerId: number, content: CertificateContent): boolean {
  const inmateNumber = (stmt(db, 'SELECT inmate_number FROM learner WHERE id = ?').pluck().get(learnerId) as string).trim();
  return inmateNumber.length >= 3 && canonicalJson(content).toLocaleLowerCase('lv').includes(inmateNumber.toLocaleLowerCase('lv'));
}

/**
 * Every free text of the content against the custody vocabulary and the
 * facilities' names; the refusal names the field ('holderName', 'title',
 * 'level', 'issuer', 'items') and the words found.
 */
function custodyIn(db: Db, content: CertificateContent): CustodyRefusal | null {
  return checkCustody(db, {
    holderName: content.holderName,
    title: Object.values(content.title),
    level: content.level,
    issuer: content.issuer,
    items: (content.items ?? []).flatMap((i) => Object.values(i.title)),
  });
}

/** The register's provider (any, active or not), or null. */
function providerRow(db: Db, id: number): { id: number; nameLv: string; active: boolean } | null {
  const r = stmt(db, 'SELECT id, name_lv, active FROM education_provider WHERE id = ?').get(id) as { id: number; name_lv: string; active: number } | undefined;
  return r ? { id: r.id, nameLv: r.name_lv, active: r.active === 1 } : null;
}

function newSerial(db: Db, year: number): string {
  for (;;) {
    const serial = generateSerial(year);
    if (!stmt(db, 'SELECT 1 FROM certificate WHERE serial = ?').get(serial)) return serial;
  }
}

/** Stores, signs and audits one certificate; runs inside the caller's transaction. */
export function insertCertificate(db: Db, actor: CertificateActor, input: IssueCertificateInput, replacesId: number | null, now: Date): CertificateResult {
  assertValidInput(input);
  const learner = stmt(db, 'SELECT l.id, u.facility_id FROM learner l JOIN user u ON u.id = l.user_id WHERE l.id = ?').get(input.learnerId) as
    | { id: number; facility_id: number | null }
    | undefined;
  if (!learner) return { ok: false, code: 'certificate.learnerUnknown' };
  // The issuer is always a provider of the register, printed by its official name: never typed text.
  const provider = providerRow(db, input.providerId);
  if (!provider) return { ok: false, code: 'provider.unknown' };
  const issuedOn = rigaDate(now);
  const title = Object.fromEntries(Object.entries(input.title).filter(([, t]) => t?.trim()).map(([k, t]) => [k, t!.trim()])) as CertificateTitle;
  const content: CertificateContent = {
    v: 1,
    serial: newSerial(db, Number(issuedOn.slice(0, 4))),
    kind: input.kind,
    holderName: input.holderName.trim(),
    title,
    hours: input.hours,
    level: input.level?.trim() || null,
    issuer: provider.nameLv,
    issuedOn,
    completedOn: input.completedOn,
    ...(input.items?.length ? { items: input.items } : {}),
  };
  const custody = custodyIn(db, content);
  if (custody) return custody;
  if (namesInmateNumber(db, input.learnerId, content)) return { ok: false, code: 'certificate.namesCustody' };
  const contentJson = canonicalJson(content);
  const contentHash = sha256Hex(contentJson);
  const { signature, keyId } = signContentHash(db, contentHash);
  const audit = toAuditActor(actor);
  const id = Number(
    stmt(
      db,
      `INSERT INTO certificate (serial, kind, learner_id, course_id, programme_id, holder_name, title_json, hours, level, issuer, provider_id, issued_on,
         completed_on, content_json, content_hash, signature, key_id, replaces_id, created_by, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      content.serial, content.kind, input.learnerId, input.courseId ?? null, input.programmeId ?? null, content.holderName,
      JSON.stringify(title), content.hours, content.level, content.issuer, provider.id, issuedOn, content.completedOn,
      contentJson, contentHash, signature, keyId, replacesId, audit.id, now.toISOString(),
    ).lastInsertRowid,
  );
  appendAudit(
    db,
    {
      actor: audit,
      action: replacesId === null ? 'certificate.issue' : 'certificate.reissue',
      targetType: 'certificate',
      targetId: content.serial,
      facilityId: learner.facility_id,
      details: { kind: content.kind, learnerId: input.learnerId, contentHash, keyId, ...(replacesId === null ? {} : { replacesId }) },
    },
    now,
  );
  return { ok: true, certificate: toCertificate(stmt(db, `${SELECT} WHERE id = ?`).get(id) as CertificateRow) };
}

/** The courses a learner has completed (with the date), which a module certificate may be issued for. */
export function completedCourses(db: Db, learnerId: number): Array<{ course: Course; completedOn: string }> {
  const rows = stmt(db, 'SELECT course_id, completed_at FROM course_completion WHERE learner_id = ? ORDER BY completed_at').all(learnerId) as Array<{
    course_id: string;
    completed_at: string;
  }>;
  return rows.flatMap((r) => {
    const course = getCourse(db, r.course_id);
    return course ? [{ course, completedOn: r.completed_at.slice(0, 10) }] : [];
  });
}

/**
 * A module certificate for a course the learner completed: title and hours
 * from the course, the holder's name from the learner record, the completion
 * date from the completion. 'certificate.notCompleted' when there is none.
 */
export function issueModuleCertificate(db: Db, actor: CertificateActor, learnerId: number, courseId: string, providerId: number, now = new Date()): CertificateResult {
  // Staff choose the issuer: only an active provider of the register.
  if (!providerRow(db, providerId)?.active) return { ok: false, code: 'provider.unknown' };
  const completed = completedCourses(db, learnerId).find((c) => c.course.id === courseId);
  const holderName = holderNameOf(db, learnerId);
  if (!completed || !holderName) return { ok: false, code: 'certificate.notCompleted' };
  return issueCertificate(
    db,
    actor,
    {
      learnerId,
      kind: 'module',
      courseId,
      holderName,
      title: completed.course.title,
      hours: completed.course.hours,
      providerId,
      completedOn: completed.completedOn,
    },
    now,
  );
}

/** Issues a certificate: one transaction storing the signed content, audited as 'certificate.issue'. */
export function issueCertificate(db: Db, actor: CertificateActor, input: IssueCertificateInput, now = new Date()): CertificateResult {
  return db.transaction(() => insertCertificate(db, actor, input, null, now)).immediate();
}

function revokeInside(db: Db, actor: CertificateActor, cert: Certificate, reason: string, now: Date) {
  const audit = toAuditActor(actor);
  stmt(db, 'UPDATE certificate SET revoked_at = ?, revoked_by = ?, revoke_reason = ? WHERE id = ? AND revoked_at IS NULL').run(
    now.toISOString(), audit.id, reason, cert.id,
  );
  appendAudit(db, { actor: audit, action: 'certificate.revoke', targetType: 'certificate', targetId: cert.serial, details: { reason } }, now);
}

/** Revokes a certificate; a reason is required. Audited as 'certificate.revoke'. */
export function revokeCertificate(db: Db, actor: CertificateActor, serial: string, reason: string, now = new Date()): CertificateResult {
  const why = reason.trim();
  if (!why) return { ok: false, code: 'certificate.reasonRequired' };
  return db
    .transaction((): CertificateResult => {
      const cert = getBySerial(db, serial);
      if (!cert) return { ok: false, code: 'certificate.unknown' };
      if (cert.revokedAt) return { ok: false, code: 'certificate.alreadyRevoked' };
      revokeInside(db, actor, cert, why, now);
      return { ok: true, certificate: getBySerial(db, cert.serial)! };
    })
    .immediate();
}

/**
 * Issues a corrected certificate under a new serial that points at the old one
 * (replaces_id), and revokes the old one "re-issued as <new serial>" unless it
 * was revoked already. A certificate is replaced at most once.
 */
export function reissueCertificate(db: Db, actor: CertificateActor, serial: string, changes: CertificateChanges, now = new Date()): CertificateResult {
  return db
    .transaction((): CertificateResult => {
      const old = getBySerial(db, serial);
      if (!old) return { ok: false, code: 'certificate.unknown' };
      if (stmt(db, 'SELECT 1 FROM certificate WHERE replaces_id = ?').get(old.id)) return { ok: false, code: 'certificate.alreadyReplaced' };
      // The issuer stays the old one's provider, or becomes another active provider of the register; never typed text.
      const providerId = changes.providerId ?? old.providerId;
      const changedProvider = changes.providerId !== undefined && changes.providerId !== old.providerId;
      if (providerId === null || (changedProvider && !providerRow(db, providerId)?.active)) return { ok: false, code: 'provider.unknown' };
      const input: IssueCertificateInput = {
        learnerId: old.learnerId,
        courseId: old.courseId,
        programmeId: old.programmeId,
        kind: changes.kind ?? old.kind,
        holderName: changes.holderName ?? old.holderName,
        title: changes.title ?? old.title,
        hours: changes.hours ?? old.hours,
        level: changes.level === undefined ? old.level : changes.level,
        providerId,
        completedOn: changes.completedOn ?? old.completedOn,
        items: contentOf(old)?.items,
      };
      const result = insertCertificate(db, actor, input, old.id, now);
      if (!result.ok) return result;
      if (!old.revokedAt) revokeInside(db, actor, old, `re-issued as ${result.certificate.serial}`, now);
      return result;
    })
    .immediate();
}

/** The signed content of a stored certificate, or null when it is unreadable. */
export function contentOf(cert: Pick<Certificate, 'contentJson'>): CertificateContent | null {
  try {
    const parsed: unknown = JSON.parse(cert.contentJson);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as CertificateContent) : null;
  } catch {
    return null;
  }
}

/** The status of a serial for anyone who asks, with the signed content checked against hash and signature. */
export function verifyCertificate(db: Db, serial: string): Verification {
  const cert = getBySerial(db, serial);
  if (!cert) return { status: 'unknown', serial: serial.trim(), signatureValid: false };
  // Unreadable content is reported as a failed signature.
  const content = contentOf(cert);
  const signatureValid =
    content !== null &&
    content.serial === cert.serial &&
    sha256Hex(cert.contentJson) === cert.contentHash &&
    verifyContentHash(db, cert.contentHash, cert.signature, cert.keyId);
  // What the signature covers, when readable; the columns only if the content is garbage.
  const shown = content ?? cert;
  const replacedBy = stmt(db, 'SELECT serial FROM certificate WHERE replaces_id = ?').pluck().get(cert.id) as string | undefined;
  return {
    status: cert.revokedAt ? 'revoked' : 'valid',
    serial: cert.serial,
    signatureValid,
    kind: shown.kind,
    holderName: shown.holderName,
    title: shown.title,
    hours: shown.hours,
    level: shown.level,
    issuer: shown.issuer,
    issuedOn: shown.issuedOn,
    completedOn: shown.completedOn,
    ...(content?.items ? { items: content.items } : {}),
    revokedAt: cert.revokedAt,
    replacedBy: replacedBy ?? null,
  };
}

/** The verification address printed on the document: `<origin>/verify/<serial>`. */
export function verificationUrl(origin: string, serial: string): string {
  return `${origin.replace(/\/+$/, '')}/verify/${serial}`;
}

/** The PDF of a stored certificate, drawn from its signed content_json; null for an unknown serial. */
export async function renderCertificatePdf(db: Db, serial: string, origin: string): Promise<Buffer | null> {
  const cert = getBySerial(db, serial);
  if (!cert) return null;
  const content = JSON.parse(cert.contentJson) as CertificateContent;
  return Buffer.from(await certificatePdf(content, verificationUrl(origin, cert.serial)));
}
