// npm run docs:samples -- <folder>: one sample PDF of every document kind the
// system makes (module certificate, professional-development certificate,
// statement of achievement with a Cyrillic name, transcript, activation
// sheet), written to <folder> so anyone can look at them. Built on a temporary
// database with the demo data (never the configured one), through the same
// functions the server uses; the folder is created if missing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SYSTEM_ACTOR } from '../src/lib/server/audit.ts';
import { stmt } from '../src/lib/server/db.ts';
import { getCourse } from '../src/lib/server/courses/catalog.ts';
import { syncCourses } from '../src/lib/server/courses/sync.ts';
import { markLessonDone } from '../src/lib/server/learning/course-completed.ts';
import { getCourseItems } from '../src/lib/server/courses/catalog.ts';
import { holderNameOf, issueCertificate, listLearnerCertificates, renderCertificatePdf, type IssueCertificateInput } from '../src/lib/server/certificates/certificates.ts';
import { renderTranscriptPdf } from '../src/lib/server/certificates/transcript.ts';
import { issueActivationCode } from '../src/lib/server/portal/activation.ts';
import { activationSheetFor, activationSheetPdf } from '../src/lib/server/portal/activation-sheet.ts';
import { seedDemo } from '../src/lib/server/seed/demo.ts';
import { seedDemoLearning } from '../src/lib/server/seed/demo-learning.ts';
import { seedDemoProgrammes } from '../src/lib/server/seed/demo-programmes.ts';
import { seedDemoCertificates } from '../src/lib/server/seed/demo-certificates.ts';
import type { SessionUser } from '../src/lib/server/session.ts';
import { coursesDir } from './lib/courses.ts';
import { openMigrated } from './lib/database.ts';

const ORIGIN = 'https://tilts.example.lv';
const folder = process.argv[2];
if (!folder || folder.startsWith('-')) {
  console.error('Usage: npm run docs:samples -- <folder>');
  process.exit(2);
}
const out = path.resolve(folder);
fs.mkdirSync(out, { recursive: true });

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tilts-samples-'));
const { db, dataDir } = openMigrated({ ...process.env, TILTS_DATA_DIR: tmp });
try {
  const now = new Date();
  await seedDemo(db, now);
  await syncCourses(db, coursesDir(), dataDir);
  seedDemoLearning(db, now);
  seedDemoProgrammes(db, now);
  seedDemoCertificates(db, now);
  const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);
  const isoDay = (d: Date) => d.toISOString().slice(0, 10);
  const learner = (inmateNumber: string) => stmt(db, 'SELECT id FROM learner WHERE inmate_number = ?').pluck().get(inmateNumber) as number;
  // Issuers come from the demo register of education providers, never free text.
  const providerId = (nameLv: string) => {
    const id = stmt(db, 'SELECT id FROM education_provider WHERE name_lv = ?').pluck().get(nameLv) as number | undefined;
    if (id === undefined) throw new Error(`the demo register has no provider ${nameLv}`);
    return id;
  };
  const course = (id: string) => {
    const c = getCourse(db, id);
    if (!c) throw new Error(`the demo course ${id} is missing (is courses/ there?)`);
    return c;
  };
  const issue = (input: IssueCertificateInput, on: Date) => {
    const r = issueCertificate(db, SYSTEM_ACTOR, input, on);
    if (!r.ok) throw new Error(`sample not issued: ${r.code}`);
    return r.certificate.serial;
  };
  const written: Array<[string, number]> = [];
  const write = (name: string, bytes: Uint8Array | null) => {
    if (!bytes) throw new Error(`${name}: nothing rendered`);
    fs.writeFileSync(path.join(out, name), bytes);
    written.push([name, bytes.length]);
  };

  // 1. Module certificate: the demo released person's (Raivis Celmiņš, life skills).
  const raivis = learner('198877');
  const [moduleCertificate] = listLearnerCertificates(db, raivis);
  write('1-module-certificate.pdf', await renderCertificatePdf(db, moduleCertificate!.serial, ORIGIN));

  // 2. Professional development: the cook's assistant programme, completed, LKI 2.
  const first = learner('204101');
  const cook = course('pavara-palidzes-pamati');
  const safety = course('dzives-skola');
  const pd = issue(
    {
      learnerId: first,
      kind: 'professional_development',
      holderName: holderNameOf(db, first)!,
      title: { lv: 'Pavāra palīgs (profesionālā pilnveide)', en: 'Cook’s assistant (professional development)' },
      hours: cook.hours + safety.hours,
      level: 'LKI 2',
      providerId: providerId('Profesionālās izglītības centrs “Amatu skola”'),
      completedOn: isoDay(daysAgo(3)),
      items: [
        { title: safety.title, hours: safety.hours, completedOn: isoDay(daysAgo(40)) },
        { title: cook.title, hours: cook.hours, completedOn: isoDay(daysAgo(3)) },
      ],
    },
    daysAgo(1),
  );
  write('2-professional-development-certificate.pdf', await renderCertificatePdf(db, pd, ORIGIN));

  // 3. Statement of achievement on a transfer, for a learner the register writes in Cyrillic,
  //    with a course taken outside the programme.
  const second = learner('204138');
  const language = course('latviesu-a2-darbs');
  const maths = course('matematika-pamati');
  const statement = issue(
    {
      learnerId: second,
      kind: 'statement',
      holderName: 'Дмитрий Кузнецов',
      title: { lv: 'Latviešu valoda darbam (A2)', en: 'Latvian for work (A2)' },
      hours: 0,
      providerId: providerId('Pieaugušo izglītības centrs “Valoda”'),
      completedOn: isoDay(daysAgo(2)),
      items: [
        { title: language.title, hours: language.hours, completedOn: null, progressPercent: 64 },
        { title: maths.title, hours: maths.hours, completedOn: isoDay(daysAgo(30)), outside: true },
      ],
    },
    daysAgo(2),
  );
  write('3-statement-of-achievement-cyrillic.pdf', await renderCertificatePdf(db, statement, ORIGIN));

  // 4. Transcript: a completed course with its certificate, and the Latvian course in progress.
  stmt(db, 'INSERT OR IGNORE INTO course_completion (learner_id, course_id, completed_at, evidence_json) VALUES (?, ?, ?, ?)').run(
    first,
    safety.id,
    daysAgo(40).toISOString(),
    JSON.stringify({ demo: true }),
  );
  issue({ learnerId: first, kind: 'module', courseId: safety.id, holderName: holderNameOf(db, first)!, title: safety.title, hours: safety.hours, providerId: providerId('Pieaugušo izglītības centrs “Valoda”'), completedOn: isoDay(daysAgo(40)) }, daysAgo(39));
  for (const item of getCourseItems(db, language.id).filter((i) => i.kind === 'lesson').slice(0, 3)) markLessonDone(db, first, language, item, daysAgo(5));
  write('4-transcript.pdf', await renderTranscriptPdf(db, first, ORIGIN, now));

  // 5. Activation sheet of the released person's portal account.
  const admin = stmt(db, "SELECT id, display_name FROM user WHERE username = 'admin'").get() as { id: number; display_name: string };
  const actor: SessionUser = { id: admin.id, role: 'admin', displayName: admin.display_name, username: 'admin', facilityId: null, facilityIds: [], locale: 'lv', learnerId: null };
  const birthYear = stmt(db, 'SELECT birth_year FROM learner WHERE id = ?').pluck().get(raivis) as number | null;
  const issued = issueActivationCode(db, actor, raivis, { birthDate: `${birthYear ?? 1988}-04-23` }, now);
  if (!issued.ok) throw new Error(`activation code: ${issued.code}`);
  const sheet = activationSheetFor(db, actor, raivis, issued.issued.code, `${ORIGIN}/portal/activate`, now);
  if (!sheet.ok) throw new Error(`activation sheet: ${sheet.code}`);
  write('5-activation-sheet.pdf', await activationSheetPdf(sheet.sheet));

  for (const [name, size] of written) console.log(`${path.join(out, name)}  ${(size / 1024).toFixed(0)} KB`);
} finally {
  db.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}
