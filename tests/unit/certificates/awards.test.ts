import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { extractText, getDocumentProxy } from 'unpdf';
import { verifyAuditChain } from '../../../src/lib/server/audit.ts';
import { stmt } from '../../../src/lib/server/db.ts';
import { approveRequest, declineRequest, listPendingRequests } from '../../../src/lib/server/certificates/awards.ts';
import { contentOf, listLearnerCertificates, renderCertificatePdf, verifyCertificate } from '../../../src/lib/server/certificates/certificates.ts';
import { renderTranscriptPdf, transcriptOf } from '../../../src/lib/server/certificates/transcript.ts';
import { markLessonDone } from '../../../src/lib/server/learning/course-completed.ts';
import { releaseLearner, transferLearner } from '../../../src/lib/server/people/lifecycle.ts';
import { placeLearner } from '../../../src/lib/server/placement/placements.ts';
import type { Programme, ProgrammeInput } from '../../../src/lib/server/placement/programmes.ts';
import { createCoursesDir, type CoursesDir } from '../../helpers/course-package.ts';
import { addProvider, createPrison, type Prison } from '../../helpers/fixture.ts';
import { enrol, type InstalledCourse } from '../../helpers/learning.ts';
import { installPackage } from '../../helpers/learning.ts';
import {
  addConsultation,
  addLearner,
  addProgramme,
  auditRows,
  completeCourse,
  installCourse,
  lessonsOnlyPackage,
  NOW,
  programmeInput,
  type ExtraLearner,
} from '../../helpers/placement.ts';

const LATER = new Date('2026-04-20T09:00:00Z');
const PROVIDER = 'Profesionālās izglītības kompetences centrs';

let p: Prison & { cleanup: () => void; file: string };
let courses: CoursesDir;
let c1: InstalledCourse;
let c2: InstalledCourse;

beforeEach(async () => {
  p = await createPrison();
  courses = createCoursesDir();
  c1 = installCourse(p.db, courses.dir, 'metinasana-pamati');
  c2 = installCourse(p.db, courses.dir, 'metinasana-prakse', { quiz: true });
});
afterEach(() => {
  p.cleanup();
  courses.cleanup();
});

const programme = (overrides: Partial<ProgrammeInput> = {}): Programme =>
  addProgramme(p.db, p.admin.user, programmeInput(p.facilityA.id, [c1.course.id, c2.course.id], overrides));

/** A consulted learner of facility A (named with Latvian letters) enrolled in `prog`. */
function enrolled(prog: Programme, name: { givenNames?: string; surname?: string } = {}): ExtraLearner {
  const l = addLearner(p.db, p.facilityA.id, { givenNames: 'Žanis', surname: 'Ķēniņš', ...name });
  addConsultation(p.db, l.learnerId);
  const r = placeLearner(p.db, p.educationStaff.user, l.learnerId, prog.id, 'enrol', { now: NOW });
  if (!r.ok) throw new Error(r.code);
  return l;
}

/** A lessons-only course with a title of its own (the sample's is the same for every id). */
function titledCourse(id: string, lv: string): InstalledCourse {
  const pkg = lessonsOnlyPackage(id);
  (pkg.manifest as { title: Record<string, string> }).title = { lv, en: lv, ru: lv };
  return installPackage(p.db, courses.dir, pkg, NOW);
}
const firstLesson = (c: InstalledCourse) => c.items.find((i) => i.kind === 'lesson' && i.required)!;

const certificatesOf = (learnerId: number) => listLearnerCertificates(p.db, learnerId).reverse();
const requests = (learnerId: number) =>
  stmt(p.db, 'SELECT kind, course_id, reason, status FROM certificate_request WHERE learner_id = ? ORDER BY id').all(learnerId) as Array<{
    kind: string;
    course_id: string | null;
    reason: string;
    status: string;
  }>;

async function pdfText(bytes: Uint8Array): Promise<string> {
  const { text } = await extractText(await getDocumentProxy(new Uint8Array(bytes)), { mergePages: true });
  return text as string;
}

describe('automatic issuance on completion', () => {
  test('each completed course of a programme earns a module certificate from the programme’s provider', () => {
    const prog = programme({ awardLevel: 'A2' });
    const l = enrolled(prog);
    expect(completeCourse(p.db, l.learnerId, c1, NOW)).toBe(true);
    const [first] = certificatesOf(l.learnerId);
    expect(first).toMatchObject({ kind: 'module', courseId: c1.course.id, programmeId: prog.id, issuer: PROVIDER, holderName: 'Žanis Ķēniņš', level: 'A2', createdBy: null });
    expect(first!.hours).toBe(c1.course.hours);
    expect(verifyCertificate(p.db, first!.serial)).toMatchObject({ status: 'valid', signatureValid: true });
    completeCourse(p.db, l.learnerId, c2, LATER);
    expect(certificatesOf(l.learnerId).map((c) => [c.kind, c.courseId])).toEqual([
      ['module', c1.course.id],
      ['module', c2.course.id],
    ]);
    expect(auditRows(p.db, 'certificate.issue').map((a) => a.actor_label)).toEqual(['system', 'system']);
    expect(verifyAuditChain(p.db).ok).toBe(true);
  });

  test('finishing a professional-development programme also earns its certificate, listing the modules', async () => {
    const prog = programme({ award: 'professional_development', awardLevel: 'LKI 2' });
    const l = enrolled(prog, { givenNames: 'Анна', surname: 'Петрова' });
    completeCourse(p.db, l.learnerId, c1, NOW);
    expect(certificatesOf(l.learnerId).map((c) => c.kind)).toEqual(['module']);
    completeCourse(p.db, l.learnerId, c2, LATER);
    const all = certificatesOf(l.learnerId);
    expect(all.map((c) => c.kind)).toEqual(['module', 'module', 'professional_development']);
    const pd = all[2]!;
    // Module certificates of a vocational programme state no level; the programme's certificate does.
    expect(all[0]!.level).toBeNull();
    expect(pd).toMatchObject({ programmeId: prog.id, courseId: null, level: 'LKI 2', hours: c1.course.hours + c2.course.hours, completedOn: '2026-04-20' });
    expect(pd.title).toEqual({ lv: prog.title });
    expect(contentOf(pd)?.items?.map((i) => [i.hours, i.completedOn])).toEqual([
      [c1.course.hours, '2026-03-02'],
      [c2.course.hours, '2026-04-20'],
    ]);
    const text = await pdfText((await renderCertificatePdf(p.db, pd.serial, 'https://tilts.example'))!);
    expect(text).toContain('Анна Петрова');
    expect(text.replace(/\s+/g, ' ')).toContain('APLIECĪBA PAR PROFESIONĀLĀS PILNVEIDES IZGLĪTĪBU');
    expect(text).toContain('LKI 2');
    expect(text).toContain(pd.serial);
    expect(text).not.toContain(p.facilityA.name);
  });

  test('nothing is issued twice: a valid module certificate for the course already exists', () => {
    const prog = programme();
    const l = enrolled(prog);
    completeCourse(p.db, l.learnerId, c1, NOW);
    completeCourse(p.db, l.learnerId, c1, LATER);
    expect(certificatesOf(l.learnerId)).toHaveLength(1);
  });

  test('a document that cannot be issued (it would name the prison) never undoes the completion: it waits for staff, and the failure is audited', () => {
    const prog = programme();
    // A provider carried over from the old free-text field as the prison's name (never checked): issuing refuses it.
    const carried = addProvider(p.db, `${p.facilityA.name} mācību daļa`);
    stmt(p.db, 'UPDATE programme SET provider_id = ? WHERE id = ?').run(carried, prog.id);
    const l = enrolled(prog);
    expect(completeCourse(p.db, l.learnerId, c1, NOW)).toBe(true);
    expect(stmt(p.db, 'SELECT count(*) FROM course_completion WHERE learner_id = ?').pluck().get(l.learnerId)).toBe(1);
    expect(certificatesOf(l.learnerId)).toEqual([]);
    expect(requests(l.learnerId)).toEqual([{ kind: 'module', course_id: c1.course.id, reason: 'approval', status: 'pending' }]);
    expect(auditRows(p.db, 'certificate.autoIssueFailed').map((a) => a.details.code)).toEqual(['certificate.custodyWord']);
    expect(verifyAuditChain(p.db).ok).toBe(true);
  });

  test('a course outside any programme earns nothing automatically (staff issue it by hand)', () => {
    const l = addLearner(p.db, p.facilityA.id);
    enrol(p.db, l.learnerId, c1.course.id, NOW);
    for (const item of c1.items) if (item.kind === 'lesson' && item.required) markLessonDone(p.db, l.learnerId, c1.course, item, NOW);
    expect(certificatesOf(l.learnerId)).toEqual([]);
    expect(requests(l.learnerId)).toEqual([]);
  });
});

describe('approval by the education staff', () => {
  test('a programme that asks for approval files the documents; staff approve (issued, audited) or decline with a reason', () => {
    const prog = programme({ certificateApproval: true, award: 'professional_development' });
    const l = enrolled(prog);
    completeCourse(p.db, l.learnerId, c1, NOW);
    completeCourse(p.db, l.learnerId, c2, LATER);
    expect(certificatesOf(l.learnerId)).toEqual([]);
    expect(requests(l.learnerId)).toEqual([
      { kind: 'module', course_id: c1.course.id, reason: 'approval', status: 'pending' },
      { kind: 'module', course_id: c2.course.id, reason: 'approval', status: 'pending' },
      { kind: 'professional_development', course_id: null, reason: 'approval', status: 'pending' },
    ]);
    const pending = listPendingRequests(p.db, p.educationStaff.user, l.learnerId);
    expect(pending.map((r) => r.kind)).toEqual(['module', 'module', 'professional_development']);
    // Another prison's staff see none of them and cannot decide.
    expect(listPendingRequests(p.db, p.otherEducationStaff.user)).toEqual([]);
    expect(approveRequest(p.db, p.otherEducationStaff.user, pending[0]!.id, null, LATER)).toEqual({ ok: false, code: 'auth.forbidden' });
    expect(approveRequest(p.db, p.teacher.user, pending[0]!.id, null, LATER)).toEqual({ ok: false, code: 'auth.forbidden' });

    const approved = approveRequest(p.db, p.educationStaff.user, pending[0]!.id, null, LATER);
    expect(approved.ok && approved.certificate).toMatchObject({ kind: 'module', issuer: PROVIDER, createdBy: p.educationStaff.user.id });
    expect(approveRequest(p.db, p.educationStaff.user, pending[0]!.id, null, LATER)).toEqual({ ok: false, code: 'certificateRequest.decided' });
    expect(declineRequest(p.db, p.educationStaff.user, pending[1]!.id, '  ', LATER)).toEqual({ ok: false, code: 'certificate.reasonRequired' });
    expect(declineRequest(p.db, p.educationStaff.user, pending[1]!.id, 'Kursa stundas jāpārbauda', LATER)).toEqual({ ok: true });
    expect(requests(l.learnerId).map((r) => r.status)).toEqual(['issued', 'declined', 'pending']);
    expect(auditRows(p.db).map((a) => a.action).filter((a) => a.startsWith('certificate.'))).toEqual([
      'certificate.requested',
      'certificate.requested',
      'certificate.requested',
      'certificate.issue',
      'certificate.approve',
      'certificate.decline',
    ]);
  });

  test('a programme without a provider files the documents; approval then needs a provider chosen from the register', () => {
    const prog = programme({ providerId: null });
    const l = enrolled(prog);
    completeCourse(p.db, l.learnerId, c1, NOW);
    const [r] = listPendingRequests(p.db, p.educationStaff.user, l.learnerId);
    expect(r).toMatchObject({ reason: 'noProvider', provider: null, providerId: null });
    expect(approveRequest(p.db, p.educationStaff.user, r!.id, null, LATER)).toEqual({ ok: false, code: 'certificateRequest.issuerRequired' });
    // No such provider, or one no longer active: refused.
    expect(approveRequest(p.db, p.educationStaff.user, r!.id, 9999, LATER)).toEqual({ ok: false, code: 'provider.unknown' });
    const closed = addProvider(p.db, 'Slēgtā skola', { active: false });
    expect(approveRequest(p.db, p.educationStaff.user, r!.id, closed, LATER)).toEqual({ ok: false, code: 'provider.unknown' });
    // A register row that names custody (carried over by the migration, never checked) is refused, naming the word.
    const custodial = addProvider(p.db, 'Ieslodzījuma vietu pārvaldes mācību centrs');
    expect(approveRequest(p.db, p.educationStaff.user, r!.id, custodial, LATER)).toEqual({
      ok: false,
      code: 'certificate.custodyWord',
      field: 'issuer',
      word: 'Ieslodzījuma vietu pārvaldes',
    });
    const jelgava = addProvider(p.db, 'Jelgavas tehnikums');
    const ok = approveRequest(p.db, p.educationStaff.user, r!.id, jelgava, LATER);
    expect(ok.ok && [ok.certificate.issuer, ok.certificate.providerId]).toEqual(['Jelgavas tehnikums', jelgava]);
  });
});

describe('statements of achievement when a learner leaves', () => {
  test('a release issues a statement listing what was completed and how far the rest got; the programme certificate is not issued', async () => {
    const prog = programme({ award: 'professional_development' });
    const l = enrolled(prog, { givenNames: 'Jānis', surname: 'Bērziņš' });
    completeCourse(p.db, l.learnerId, c1, NOW);
    const lesson = c2.items.find((i) => i.kind === 'lesson' && i.required)!;
    markLessonDone(p.db, l.learnerId, c2.course, lesson, NOW);
    const r = releaseLearner(p.db, { kind: 'staff', user: p.educationStaff.user }, l.learnerId, {}, LATER);
    expect(r.ok).toBe(true);
    const all = certificatesOf(l.learnerId);
    expect(all.map((c) => c.kind)).toEqual(['module', 'statement']);
    const statement = all[1]!;
    expect(statement).toMatchObject({ issuer: PROVIDER, hours: c1.course.hours, completedOn: '2026-04-20', programmeId: prog.id });
    const items = contentOf(statement)!.items!;
    expect(items[0]).toMatchObject({ completedOn: '2026-03-02', hours: c1.course.hours });
    expect(items[1]).toMatchObject({ completedOn: null });
    expect(items[1]!.progressPercent).toBeGreaterThan(0);
    expect(items[1]!.progressPercent).toBeLessThan(100);
    const text = await pdfText((await renderCertificatePdf(p.db, statement.serial, 'https://tilts.example'))!);
    expect(text).toContain('SEKMJU IZZIŅA');
    expect(text).toContain('Jānis Bērziņš');
    expect(text).toContain('nepabeigts');
    expect(text).not.toContain(p.facilityA.name);
    expect(text).not.toContain(l.inmateNumber);
  });

  test('a release states the courses taken outside any programme too, once, under their own heading', async () => {
    const c3 = titledCourse('latviesu-valoda-a2', 'Latviešu valoda A2');
    const c4 = titledCourse('datorprasmes', 'Datorprasmes');
    const c5 = titledCourse('finanses', 'Finanšu pratība');
    const first = programme({ award: 'professional_development' });
    const second = addProgramme(p.db, p.admin.user, programmeInput(p.facilityA.id, [c5.course.id], { title: 'Finanšu pratība' }));
    const l = enrolled(first, { givenNames: 'Ilze', surname: 'Ģērmane' });
    expect(placeLearner(p.db, p.educationStaff.user, l.learnerId, second.id, 'enrol', { now: NOW }).ok).toBe(true);
    // Outside any programme: one course completed, one begun, one enrolled in and never opened.
    enrol(p.db, l.learnerId, c3.course.id, NOW);
    completeCourse(p.db, l.learnerId, c3, NOW);
    enrol(p.db, l.learnerId, c4.course.id, NOW);
    markLessonDone(p.db, l.learnerId, c4.course, firstLesson(c4), NOW);
    const c6 = titledCourse('neatverts', 'Neatvērts kurss');
    enrol(p.db, l.learnerId, c6.course.id, NOW);

    expect(releaseLearner(p.db, { kind: 'staff', user: p.educationStaff.user }, l.learnerId, {}, LATER).ok).toBe(true);
    const statements = certificatesOf(l.learnerId).filter((c) => c.kind === 'statement');
    expect(statements.map((c) => c.programmeId)).toEqual([first.id, second.id]);
    const outside = contentOf(statements[0]!)!.items!.filter((i) => i.outside);
    expect(outside).toHaveLength(2);
    expect(outside).toContainEqual({ title: c3.course.title, hours: c3.course.hours, completedOn: '2026-03-02', outside: true });
    const begun = outside.find((i) => i.title.lv === 'Datorprasmes');
    expect(begun).toMatchObject({ completedOn: null, outside: true });
    expect(begun!.progressPercent).toBeGreaterThan(0);
    // The programme's hours stay the programme's: nothing of it was completed.
    expect(statements[0]!.hours).toBe(0);
    expect(contentOf(statements[1]!)!.items!.some((i) => i.outside)).toBe(false);
    const text = await pdfText((await renderCertificatePdf(p.db, statements[0]!.serial, 'https://tilts.example'))!);
    expect(text).toContain('Citas mācības ārpus programmas');
    expect(text).toContain('Latviešu valoda A2');
    expect(text).toContain('Datorprasmes');
    expect(text).not.toContain('Neatvērts kurss');
  });

  test('a transfer issues one too; a learner who only waited for a seat gets none', () => {
    const prog = programme();
    const l = enrolled(prog);
    const waiting = addLearner(p.db, p.facilityA.id);
    addConsultation(p.db, waiting.learnerId);
    placeLearner(p.db, p.educationStaff.user, waiting.learnerId, prog.id, 'waitlist', { now: NOW });
    expect(transferLearner(p.db, { kind: 'staff', user: p.educationStaff.user }, l.learnerId, p.facilityB.id, {}, LATER).ok).toBe(true);
    expect(transferLearner(p.db, { kind: 'staff', user: p.educationStaff.user }, waiting.learnerId, p.facilityB.id, {}, LATER).ok).toBe(true);
    expect(certificatesOf(l.learnerId).map((c) => [c.kind, c.hours])).toEqual([['statement', 0]]);
    expect(certificatesOf(waiting.learnerId)).toEqual([]);
  });
});

describe('transcript', () => {
  test('lists every completed course with date, hours, provider, certificate and assessments; the PDF names no prison', async () => {
    const prog = programme();
    const l = enrolled(prog, { givenNames: 'Līga', surname: 'Žubure' });
    completeCourse(p.db, l.learnerId, c1, NOW);
    completeCourse(p.db, l.learnerId, c2, LATER);
    const t = transcriptOf(p.db, l.learnerId, LATER)!;
    expect(t.holderName).toBe('Līga Žubure');
    expect(t.courses.map((c) => [c.courseId, c.completedOn, c.provider])).toEqual([
      [c1.course.id, '2026-03-02', PROVIDER],
      [c2.course.id, '2026-04-20', PROVIDER],
    ]);
    expect(t.totalHours).toBe(c1.course.hours + c2.course.hours);
    expect(t.courses[0]!.serial).toBe(certificatesOf(l.learnerId)[0]!.serial);
    // The quiz of the second course, passed at 100 %.
    expect(t.courses[1]!.assessments).toEqual([expect.objectContaining({ percent: 100, passed: true, on: '2026-04-20' })]);
    const text = await pdfText((await renderTranscriptPdf(p.db, l.learnerId, 'https://tilts.example', LATER))!);
    expect(text).toContain('SEKMJU IZRAKSTS');
    expect(text).toContain('Līga Žubure');
    expect(text).toContain(t.courses[0]!.serial!);
    expect(text).toContain('https://tilts.example/verify');
    expect(text).not.toContain(p.facilityA.name);
    expect(text).not.toContain(l.inmateNumber);
  });

  test('shows all learning: courses begun with their percentage and hours, and the documents issued with their serials', async () => {
    const c3 = titledCourse('latviesu-valoda-a2', 'Latviešu valoda A2');
    const c5 = titledCourse('finanses', 'Finanšu pratība');
    const prog = programme();
    const l = enrolled(prog, { givenNames: 'Pēteris', surname: 'Šņepsts' });
    completeCourse(p.db, l.learnerId, c1, NOW);
    markLessonDone(p.db, l.learnerId, c2.course, firstLesson(c2), NOW);
    // Outside the programme: one course begun, one enrolled in and never opened.
    enrol(p.db, l.learnerId, c3.course.id, NOW);
    markLessonDone(p.db, l.learnerId, c3.course, firstLesson(c3), NOW);
    enrol(p.db, l.learnerId, c5.course.id, NOW);
    // A transfer stops everything; in the new prison the learner takes up the language course again.
    expect(transferLearner(p.db, { kind: 'staff', user: p.educationStaff.user }, l.learnerId, p.facilityB.id, {}, LATER).ok).toBe(true);
    enrol(p.db, l.learnerId, c3.course.id, LATER);

    const t = transcriptOf(p.db, l.learnerId, LATER)!;
    expect(t.courses.map((c) => c.courseId)).toEqual([c1.course.id]);
    const begun = Object.fromEntries(t.inProgress.map((c) => [c.courseId, c]));
    expect(Object.keys(begun).sort()).toEqual([c3.course.id, c2.course.id].sort());
    expect(begun[c2.course.id]).toMatchObject({ state: 'stopped', hours: c2.course.hours, since: '2026-03-02' });
    expect(begun[c3.course.id]).toMatchObject({ state: 'studying', hours: c3.course.hours, since: '2026-03-02' });
    for (const c of t.inProgress) {
      expect(c.percent).toBeGreaterThan(0);
      expect(c.percent).toBeLessThan(100);
    }
    const serials = certificatesOf(l.learnerId).map((c) => c.serial);
    expect(serials).toHaveLength(2); // the module certificate, and the statement of the transfer
    expect(t.documents.map((d) => d.serial).sort()).toEqual([...serials].sort());

    const text = (await pdfText((await renderTranscriptPdf(p.db, l.learnerId, 'https://tilts.example', LATER))!)).replace(/\s+/g, ' ');
    expect(text).toContain('Iesāktie kursi / Courses begun, not completed');
    expect(text).toContain(`Latviešu valoda A2 ${c3.course.hours} ${begun[c3.course.id]!.percent} %`);
    expect(text).toContain('mācās / studying');
    expect(text).toContain('pārtraukts / stopped');
    expect(text).not.toContain('Finanšu pratība');
    expect(text).toContain('Izsniegtie dokumenti / Documents issued');
    for (const serial of serials) expect(text).toContain(serial);
  });

  test('an unknown learner has none; a learner with nothing completed gets an honest empty one', async () => {
    expect(transcriptOf(p.db, 999_999)).toBeNull();
    expect(await renderTranscriptPdf(p.db, 999_999, 'https://x.example')).toBeNull();
    const text = await pdfText((await renderTranscriptPdf(p.db, p.learner.learnerId, 'https://x.example'))!);
    expect(text).toContain('No completed courses yet');
  });
});
