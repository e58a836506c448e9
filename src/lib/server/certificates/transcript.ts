import type { PDFFont, PDFPage } from 'pdf-lib';
import { stmt, type Db } from '../db.ts';
import { getCourse } from '../courses/catalog.ts';
import { rigaDate } from '../placement/consultations.ts';
import { titleIn, type CertificateKind, type CertificateTitle } from './content.ts';
import { holderNameOf } from './certificates.ts';
import { KIND_TITLES, A4, ACCENT, INK, MARGIN, MUTED, latvianDate, newPdf, wrap } from './pdf.ts';

/**
 * The transcript (sekmju izraksts): every course the learner completed, with
 * its date, hours, the education provider and the assessments in it (quizzes
 * and H5P activities, best result), plus the documents issued. Drawn from the
 * record when asked for, so it is always current; it names no prison, no
 * facility and no inmate number, like the certificates.
 */

export interface TranscriptAssessment {
  title: string;
  percent: number;
  passed: boolean;
  /** YYYY-MM-DD of the best result. */
  on: string;
}

export interface TranscriptCourse {
  courseId: string;
  title: CertificateTitle;
  hours: number;
  /** YYYY-MM-DD. */
  completedOn: string;
  /** The education provider of the programme the course was taken in, if any. */
  provider: string | null;
  /** The module certificate's serial, when one is valid. */
  serial: string | null;
  assessments: TranscriptAssessment[];
}

export interface TranscriptDocument {
  serial: string;
  kind: CertificateKind;
  title: CertificateTitle;
  issuedOn: string;
  revoked: boolean;
}

export interface Transcript {
  holderName: string;
  /** YYYY-MM-DD. */
  generatedOn: string;
  courses: TranscriptCourse[];
  totalHours: number;
  documents: TranscriptDocument[];
}

/** The learner's transcript, or null for an unknown learner. */
export function transcriptOf(db: Db, learnerId: number, now = new Date()): Transcript | null {
  const holderName = holderNameOf(db, learnerId);
  if (!holderName) return null;
  const completions = stmt(db, 'SELECT course_id, completed_at FROM course_completion WHERE learner_id = ? ORDER BY completed_at, course_id').all(learnerId) as Array<{
    course_id: string;
    completed_at: string;
  }>;
  const courses: TranscriptCourse[] = [];
  for (const c of completions) {
    const course = getCourse(db, c.course_id);
    if (!course) continue;
    const provider = stmt(
      db,
      `SELECT ep.name_lv FROM placement p JOIN programme g ON g.id = p.programme_id JOIN programme_course pc ON pc.programme_id = g.id AND pc.course_id = ?
         JOIN education_provider ep ON ep.id = g.provider_id
       WHERE p.learner_id = ? ORDER BY p.status = 'completed' DESC, p.id DESC LIMIT 1`,
    )
      .pluck()
      .get(c.course_id, learnerId) as string | undefined;
    const serial = stmt(
      db,
      "SELECT serial FROM certificate WHERE learner_id = ? AND kind = 'module' AND course_id = ? AND revoked_at IS NULL ORDER BY id DESC LIMIT 1",
    )
      .pluck()
      .get(learnerId, c.course_id) as string | undefined;
    courses.push({
      courseId: course.id,
      title: course.title,
      hours: course.hours,
      completedOn: rigaDate(new Date(c.completed_at)),
      provider: provider ?? null,
      serial: serial ?? null,
      assessments: assessmentsOf(db, learnerId, course.id),
    });
  }
  const documents = (
    stmt(db, 'SELECT serial, kind, title_json, issued_on, revoked_at FROM certificate WHERE learner_id = ? ORDER BY issued_on, id').all(learnerId) as Array<{
      serial: string;
      kind: CertificateKind;
      title_json: string;
      issued_on: string;
      revoked_at: string | null;
    }>
  ).map((d) => ({ serial: d.serial, kind: d.kind, title: JSON.parse(d.title_json) as CertificateTitle, issuedOn: d.issued_on, revoked: d.revoked_at !== null }));
  return {
    holderName,
    generatedOn: rigaDate(now),
    courses,
    totalHours: courses.reduce((sum, c) => sum + c.hours, 0),
    documents,
  };
}

/** The best quiz attempt and the best scored H5P result of each assessed item of the course, in course order. */
function assessmentsOf(db: Db, learnerId: number, courseId: string): TranscriptAssessment[] {
  const rows = stmt(
    db,
    `SELECT i.title, best.percent, best.passed, best.at FROM course_item i
       JOIN (
         SELECT item_id, percent, passed, submitted_at AS at,
                row_number() OVER (PARTITION BY item_id ORDER BY percent DESC, submitted_at) AS n
         FROM quiz_attempt WHERE learner_id = ? AND status = 'graded'
         UNION ALL
         SELECT item_id, percent, passed, received_at AS at,
                row_number() OVER (PARTITION BY item_id ORDER BY percent DESC, received_at) AS n
         FROM h5p_result WHERE learner_id = ? AND status IN ('scored', 'graded')
       ) best ON best.item_id = i.id AND best.n = 1
     WHERE i.course_id = ? AND i.archived_at IS NULL
     ORDER BY i.module_position, i.position`,
  ).all(learnerId, learnerId, courseId) as Array<{ title: string; percent: number; passed: number; at: string }>;
  return rows.map((r) => ({ title: r.title, percent: Math.round(r.percent * 10) / 10, passed: r.passed === 1, on: rigaDate(new Date(r.at)) }));
}

/** The transcript as a PDF (A4, Noto Sans embedded); null for an unknown learner. */
export async function renderTranscriptPdf(db: Db, learnerId: number, origin: string, now = new Date()): Promise<Buffer | null> {
  const transcript = transcriptOf(db, learnerId, now);
  return transcript ? Buffer.from(await transcriptPdf(transcript, `${origin.replace(/\/+$/, '')}/verify`)) : null;
}

export async function transcriptPdf(t: Transcript, verifyAddress: string): Promise<Uint8Array> {
  const { doc, font, fontBold } = await newPdf({ title: `Sekmju izraksts / Transcript: ${t.holderName}`, isoDate: t.generatedOn });

  const width = A4.width - 2 * MARGIN;
  let page: PDFPage = doc.addPage([A4.width, A4.height]);
  let y = A4.height - MARGIN;
  const newPage = () => {
    page = doc.addPage([A4.width, A4.height]);
    y = A4.height - MARGIN;
    page.drawText(`${t.holderName} · Sekmju izraksts / Transcript · ${latvianDate(t.generatedOn)}`, { x: MARGIN, y: y - 9, size: 9, font, color: MUTED });
    y -= 24;
  };
  const need = (height: number) => {
    if (y - height < MARGIN + 20) newPage();
  };
  const text = (s: string, x: number, size: number, f: PDFFont = font, color = INK, maxWidth = width - (x - MARGIN)) => {
    const lines = wrap(s, f, size, maxWidth);
    lines.forEach((line, i) => page.drawText(line, { x, y: y - i * (size + 3), size, font: f, color }));
    return lines.length * (size + 3);
  };

  y -= 22;
  text('SEKMJU IZRAKSTS', MARGIN, 20, fontBold);
  y -= 22;
  text('Transcript of learning', MARGIN, 12, font, MUTED);
  y -= 28;
  text('Vārds, uzvārds / Name', MARGIN, 9, font, MUTED);
  y -= 16;
  text(t.holderName, MARGIN, 16, fontBold);
  y -= 26;
  text(`Sagatavots / Prepared on ${latvianDate(t.generatedOn)} · Kopā / Total ${t.totalHours} stundas / hours`, MARGIN, 10, font, MUTED);
  y -= 26;

  const col = { hours: MARGIN + width - 150, done: MARGIN + width - 90 };
  const tableHead = () => {
    text('Kurss / Course', MARGIN, 9, fontBold, MUTED);
    text('Stundas / Hours', col.hours, 8, font, MUTED);
    text('Pabeigts / Completed', col.done, 8, font, MUTED);
    y -= 5;
    page.drawLine({ start: { x: MARGIN, y }, end: { x: MARGIN + width, y }, thickness: 0.5, color: MUTED });
    y -= 14;
  };
  if (!t.courses.length) {
    text('Pabeigtu kursu vēl nav. / No completed courses yet.', MARGIN, 11);
    y -= 20;
  } else {
    tableHead();
    for (const c of t.courses) {
      const titleLines = wrap(titleIn(c.title, 'lv'), fontBold, 11, col.hours - MARGIN - 10);
      const details = [c.provider ? `Izglītības iestāde / Provider: ${c.provider}` : null, c.serial ? `Apliecība / Certificate ${c.serial}` : null].filter(
        (s): s is string => s !== null,
      );
      need(titleLines.length * 14 + details.length * 12 + c.assessments.length * 12 + 10);
      const used = text(titleIn(c.title, 'lv'), MARGIN, 11, fontBold, INK, col.hours - MARGIN - 10);
      text(String(c.hours), col.hours, 10);
      text(latvianDate(c.completedOn), col.done, 10);
      y -= used;
      for (const d of details) y -= text(d, MARGIN + 12, 9, font, MUTED);
      for (const a of c.assessments) {
        need(12);
        y -= text(`${a.title}: ${a.percent} % (${a.passed ? 'ieskaitīts / passed' : 'neieskaitīts / not passed'}, ${latvianDate(a.on)})`, MARGIN + 12, 9, font, INK);
      }
      y -= 8;
    }
  }

  const valid = t.documents.filter((d) => !d.revoked);
  if (valid.length) {
    need(40);
    y -= 10;
    text('Izsniegtie dokumenti / Documents issued', MARGIN, 11, fontBold, ACCENT);
    y -= 18;
    for (const d of valid) {
      need(14);
      y -= text(`${d.serial} · ${KIND_TITLES[d.kind].lv} / ${KIND_TITLES[d.kind].en} · ${titleIn(d.title, 'lv')} · ${latvianDate(d.issuedOn)}`, MARGIN, 9);
    }
    y -= 10;
    need(14);
    text(`Dokumentu īstumu var pārbaudīt / Documents can be verified at ${verifyAddress}`, MARGIN, 9, font, MUTED);
  }
  return doc.save();
}
