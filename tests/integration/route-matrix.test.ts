import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer, ROOT, type TestServer } from '../helpers/server.ts';
import { Client, signedIn, type Reply } from '../helpers/http.ts';
import { HOME, ROLE_ACCOUNT, ACCOUNTS } from '../helpers/accounts.ts';
import { ROLES, type Role } from '../../src/lib/shared/domain.ts';

/**
 * Every route × every role, over HTTP against the built server: what each
 * kind of visitor gets. The table must name every file under src/pages, so a
 * new page cannot ship without someone deciding who may open it.
 */

type Who = 'anonymous' | Role;
const WHO: readonly Who[] = ['anonymous', ...ROLES];

/**
 * page: 200 · login: 303 to /login · home: 303 to the role's home page ·
 * forbidden: 403 · notFound: 404 · unauthorized: 401 (JSON) ·
 * conflict: 409 (JSON) · serverError: 500 (the error page itself) · { redirect }: 303 to that path.
 */
type Outcome = 'page' | 'login' | 'home' | 'forbidden' | 'notFound' | 'unauthorized' | 'conflict' | 'serverError' | { redirect: string };

interface Row {
  /** The page or endpoint file under src/pages this row exercises. */
  file: string;
  method: 'GET' | 'POST';
  /** The address; {lessonId} and {mediaHash} are filled from the demo database. */
  url: string;
  form?: Record<string, string>;
  json?: unknown;
  headers?: Record<string, string>;
  /** Sign in afresh for this row (it ends or changes the session). */
  freshSession?: boolean;
  expect: Record<Who, Outcome>;
}

/** Everyone gets `outcome`. */
const all = (outcome: Outcome): Record<Who, Outcome> => Object.fromEntries(WHO.map((w) => [w, outcome])) as Record<Who, Outcome>;
/** Strangers are sent to sign in; the listed roles get their outcome; every other role is refused. */
const only = (granted: Partial<Record<Role, Outcome>>): Record<Who, Outcome> => ({
  ...all('forbidden'),
  anonymous: 'login',
  ...granted,
});
const signedInOnly = (outcome: Outcome): Record<Who, Outcome> => ({ ...all(outcome), anonymous: 'login' });

const ROWS: Row[] = [
  { file: 'index.astro', method: 'GET', url: '/', expect: signedInOnly('home') },
  { file: 'login.astro', method: 'GET', url: '/login', expect: { ...all('home'), anonymous: 'page' } },
  { file: 'about.astro', method: 'GET', url: '/about', expect: all('page') },
  // Certificate verification: public for employers, whoever else is signed in (an unknown serial is a page saying so).
  { file: 'verify/index.astro', method: 'GET', url: '/verify', expect: all('page') },
  { file: 'verify/index.astro', method: 'GET', url: '/verify?serial=+tlt-2026-abcd-efgh+', expect: all({ redirect: '/verify/TLT-2026-ABCD-EFGH' }) },
  { file: 'verify/[serial].astro', method: 'GET', url: '/verify/TLT-2026-2222-2222', expect: all('page') },
  { file: 'healthz.ts', method: 'GET', url: '/healthz', expect: all('page') },
  { file: '404.astro', method: 'GET', url: '/no-such-page', expect: signedInOnly('notFound') },
  { file: '404.astro', method: 'GET', url: '/about/no-such-page', expect: all('notFound') },
  { file: '404.astro', method: 'GET', url: '/404', expect: signedInOnly('notFound') },
  { file: '500.astro', method: 'GET', url: '/500', expect: signedInOnly('serverError') },
  { file: 'forbidden.astro', method: 'GET', url: '/forbidden', expect: all('forbidden') },
  { file: 'lang.ts', method: 'POST', url: '/lang', form: { locale: 'lv', next: '/about' }, expect: all({ redirect: '/about' }) },
  { file: 'lang.ts', method: 'GET', url: '/lang', expect: all('notFound') },
  { file: 'logout.ts', method: 'POST', url: '/logout', freshSession: true, expect: all('login') },
  { file: 'logout.ts', method: 'GET', url: '/logout', expect: signedInOnly('notFound') },
  {
    file: 'api/session/touch.ts',
    method: 'POST',
    url: '/api/session/touch',
    headers: { accept: 'application/json' },
    expect: { ...all('page'), anonymous: 'unauthorized' },
  },
  { file: 'api/session/touch.ts', method: 'GET', url: '/api/session/touch', expect: { ...all('notFound'), anonymous: 'unauthorized' } },
  {
    file: 'account/index.astro',
    method: 'GET',
    url: '/account',
    expect: only({ admin: 'page', education_staff: 'page', teacher: 'page', supervisor: 'page', consultant: 'page' }),
  },
  // The employment-agency consultant (anna.kaleja, Olaine): learners of her prison and their consultations.
  { file: 'consult/index.astro', method: 'GET', url: '/consult', expect: only({ consultant: 'page' }) },
  {
    file: 'staff/learners/[id]/consultations/index.astro',
    method: 'GET',
    url: '/staff/learners/1/consultations',
    expect: only({ admin: 'page', education_staff: 'page', consultant: 'page' }),
  },
  {
    file: 'staff/learners/[id]/consultations/index.astro',
    method: 'GET',
    url: '/staff/learners/35/consultations',
    expect: only({ admin: 'page', education_staff: 'notFound', consultant: 'notFound' }),
  },
  { file: 'learn/index.astro', method: 'GET', url: '/learn', expect: only({ learner: 'page' }) },
  // The learner's certificates on screen (no download: staff print them).
  { file: 'learn/certificates.astro', method: 'GET', url: '/learn/certificates', expect: only({ learner: 'page' }) },
  { file: 'teach/index.astro', method: 'GET', url: '/teach', expect: only({ teacher: 'page' }) },
  { file: 'staff/index.astro', method: 'GET', url: '/staff', expect: only({ education_staff: 'page' }) },
  { file: 'supervise/index.astro', method: 'GET', url: '/supervise', expect: only({ supervisor: 'page' }) },
  // The confirmation step of "End session" / "Lock" is the same page (a GET: nothing changes until Yes).
  { file: 'supervise/index.astro', method: 'GET', url: '/supervise?ask=end&terminal=99999', expect: only({ supervisor: 'page' }) },
  // Terminals (issue 7): the device's own enrolment page and poll are public (a device has no user).
  { file: 'terminal.astro', method: 'GET', url: '/terminal', expect: all('page') },
  { file: 'api/terminal/enrolment.ts', method: 'GET', url: '/api/terminal/enrolment', expect: all('page') },
  { file: 'api/learn/terminal.ts', method: 'GET', url: '/api/learn/terminal', expect: { ...all('forbidden'), anonymous: 'unauthorized', learner: 'page' } },
  { file: 'api/supervise/room.ts', method: 'GET', url: '/api/supervise/room', expect: { ...all('forbidden'), anonymous: 'unauthorized', supervisor: 'page' } },
  { file: 'supervise/terminals/index.astro', method: 'GET', url: '/supervise/terminals', expect: only({ admin: 'page', supervisor: 'page' }) },
  { file: 'supervise/terminals/[id].astro', method: 'GET', url: '/supervise/terminals/99999', expect: only({ admin: 'notFound', supervisor: 'notFound' }) },
  { file: 'supervise/timetable.astro', method: 'GET', url: '/supervise/timetable', expect: only({ admin: 'page', education_staff: 'page', supervisor: 'page' }) },
  { file: 'portal/index.astro', method: 'GET', url: '/portal', expect: only({ released: 'page' }) },
  // The portal's activation and sign-in are public (they also answer on the public origin); its documents are the released person's own.
  { file: 'portal/activate.astro', method: 'GET', url: '/portal/activate', expect: all('page') },
  { file: 'portal/login.astro', method: 'GET', url: '/portal/login', expect: { ...all('page'), released: 'home' } },
  { file: 'portal/transcript.pdf.ts', method: 'GET', url: '/portal/transcript.pdf', expect: only({ released: 'page' }) },
  { file: 'portal/certificates/[serial].pdf.ts', method: 'GET', url: '/portal/certificates/TLT-2026-2222-2222.pdf', expect: only({ released: 'notFound' }) },
  { file: 'staff/learners/[id]/portal.astro', method: 'GET', url: '/staff/learners/1/portal', expect: only({ admin: 'page', education_staff: 'page' }) },
  { file: 'staff/learners/[id]/portal.astro', method: 'GET', url: '/staff/learners/35/portal', expect: only({ admin: 'page', education_staff: 'notFound' }) },
  // The sheet of a code just issued: a code that is not the learner's open one looks missing (the story is in portal.test.ts).
  {
    file: 'staff/learners/[id]/activation-sheet.pdf.ts',
    method: 'POST',
    url: '/staff/learners/1/activation-sheet.pdf',
    form: { code: 'K7QM-3XPA-9TWD' },
    expect: only({ admin: 'notFound', education_staff: 'notFound' }),
  },
  { file: 'admin/index.astro', method: 'GET', url: '/admin', expect: only({ admin: 'page' }) },
  { file: 'admin/users/index.astro', method: 'GET', url: '/admin/users', expect: only({ admin: 'page' }) },
  { file: 'admin/users/index.astro', method: 'GET', url: '/admin/users?role=learner&facility=1', expect: only({ admin: 'page' }) },
  { file: 'admin/users/new.astro', method: 'GET', url: '/admin/users/new', expect: only({ admin: 'page' }) },
  // User 2 is ieva.ozola (staff); user 10 is the learner 204101, whose record lives under /staff/learners.
  { file: 'admin/users/[id].astro', method: 'GET', url: '/admin/users/2', expect: only({ admin: 'page' }) },
  // A learner's account opens their learner record ({learnerUserId}: the account of learner 1).
  { file: 'admin/users/[id].astro', method: 'GET', url: '/admin/users/{learnerUserId}', expect: only({ admin: { redirect: '/staff/learners/1' } }) },
  { file: 'admin/users/[id].astro', method: 'GET', url: '/admin/users/99999', expect: only({ admin: 'notFound' }) },
  { file: 'admin/users/[id].astro', method: 'GET', url: '/admin/users/not-a-number', expect: only({ admin: 'notFound' }) },
  { file: 'admin/facilities/index.astro', method: 'GET', url: '/admin/facilities', expect: only({ admin: 'page' }) },
  { file: 'admin/facilities/[id].astro', method: 'GET', url: '/admin/facilities/1', expect: only({ admin: 'page' }) },
  { file: 'admin/facilities/[id].astro', method: 'GET', url: '/admin/facilities/999', expect: only({ admin: 'notFound' }) },
  // The register of education providers: admins only (provider 1 is the demo register's vocational school).
  { file: 'admin/providers/index.astro', method: 'GET', url: '/admin/providers', expect: only({ admin: 'page' }) },
  { file: 'admin/providers/new.astro', method: 'GET', url: '/admin/providers/new', expect: only({ admin: 'page' }) },
  { file: 'admin/providers/[id].astro', method: 'GET', url: '/admin/providers/1', expect: only({ admin: 'page' }) },
  { file: 'admin/providers/[id].astro', method: 'GET', url: '/admin/providers/99999', expect: only({ admin: 'notFound' }) },
  { file: 'admin/providers/[id].astro', method: 'GET', url: '/admin/providers/not-a-number', expect: only({ admin: 'notFound' }) },
  { file: 'admin/audit/index.astro', method: 'GET', url: '/admin/audit', expect: only({ admin: 'page' }) },
  { file: 'admin/audit/index.astro', method: 'GET', url: '/admin/audit?action=auth&from=2020-01-01', expect: only({ admin: 'page' }) },
  { file: 'admin/audit/index.astro', method: 'GET', url: '/admin/audit?person=Ozola&action=auth.login&after=1', expect: only({ admin: 'page' }) },
  // "Verify the chain" is a POST that changes nothing.
  { file: 'admin/audit/index.astro', method: 'POST', url: '/admin/audit', expect: only({ admin: 'page' }) },
  { file: 'staff/learners/index.astro', method: 'GET', url: '/staff/learners', expect: only({ admin: 'page', education_staff: 'page' }) },
  { file: 'staff/learners/new.astro', method: 'GET', url: '/staff/learners/new', expect: only({ admin: 'page', education_staff: 'page' }) },
  // Roster import: admins for every facility, education staff for their own (the rows say which).
  { file: 'staff/roster.astro', method: 'GET', url: '/staff/roster', expect: only({ admin: 'page', education_staff: 'page' }) },
  // PIN slips for a batch of learners: the batch page reads; the slip endpoint issues (a batch with an unknown or
  // another prison's learner is refused whole and sent back to the batch page, which says so; the story is in pin-slips.test.ts).
  { file: 'staff/roster/pins.astro', method: 'GET', url: '/staff/roster/pins?learner=1', expect: only({ admin: 'page', education_staff: 'page' }) },
  { file: 'staff/roster/pins.astro', method: 'GET', url: '/staff/roster/pins?learner=1&learner=35', expect: only({ admin: 'page', education_staff: 'notFound' }) },
  {
    file: 'staff/roster/pin-slips.pdf.ts',
    method: 'POST',
    url: '/staff/roster/pin-slips.pdf',
    form: { learner: '99999' },
    expect: only({ admin: { redirect: '/staff/roster/pins?learner=99999' }, education_staff: { redirect: '/staff/roster/pins?learner=99999' } }),
  },
  // Documents waiting for approval, one certificate (re-issue), a learner's transcript PDF: staff who issue certificates, in their prison.
  { file: 'staff/certificates/index.astro', method: 'GET', url: '/staff/certificates', expect: only({ admin: 'page', education_staff: 'page' }) },
  { file: 'staff/certificates/[serial].astro', method: 'GET', url: '/staff/certificates/TLT-2026-2222-2222', expect: only({ admin: 'notFound', education_staff: 'notFound' }) },
  { file: 'staff/learners/[id]/transcript.pdf.ts', method: 'GET', url: '/staff/learners/1/transcript.pdf', expect: only({ admin: 'page', education_staff: 'page' }) },
  { file: 'staff/learners/[id]/transcript.pdf.ts', method: 'GET', url: '/staff/learners/35/transcript.pdf', expect: only({ admin: 'page', education_staff: 'notFound' }) },
  // Learner 1 is at Olaine, like the education staff member ieva.ozola; learner 35 is at Iļģuciems.
  { file: 'staff/learners/[id].astro', method: 'GET', url: '/staff/learners/1', expect: only({ admin: 'page', education_staff: 'page' }) },
  {
    file: 'staff/learners/[id].astro',
    method: 'GET',
    url: '/staff/learners/35',
    expect: only({ admin: 'page', education_staff: 'notFound' }),
  },
  {
    file: 'staff/learners/[id].astro',
    method: 'GET',
    url: '/staff/learners/99999',
    expect: only({ admin: 'notFound', education_staff: 'notFound' }),
  },
  // Consultations: learner 1 (204101, Olaine) and learner 31 (205211, Iļģuciems) have demo consultations
  // ({consultationOla}, {consultationIlg}); learner 35 (Iļģuciems) is not ieva.ozola's.
  // A certificate's PDF: staff who issue certificates in the learner's prison; a serial that is not this learner's looks missing.
  {
    file: 'staff/learners/[id]/certificates/[serial].pdf.ts',
    method: 'GET',
    url: '/staff/learners/1/certificates/TLT-2026-2222-2222.pdf',
    expect: only({ admin: 'notFound', education_staff: 'notFound' }),
  },
  { file: 'staff/learners/[id]/consultations/new.astro', method: 'GET', url: '/staff/learners/1/consultations/new', expect: only({ admin: 'page', education_staff: 'page', consultant: 'page' }) },
  {
    file: 'staff/learners/[id]/consultations/new.astro',
    method: 'GET',
    url: '/staff/learners/35/consultations/new',
    expect: only({ admin: 'page', education_staff: 'notFound', consultant: 'notFound' }),
  },
  {
    file: 'staff/learners/[id]/consultations/[consultationId].astro',
    method: 'GET',
    url: '/staff/learners/1/consultations/{consultationOla}',
    expect: only({ admin: 'page', education_staff: 'page', consultant: 'page' }),
  },
  {
    file: 'staff/learners/[id]/consultations/[consultationId].astro',
    method: 'GET',
    url: '/staff/learners/31/consultations/{consultationIlg}',
    expect: only({ admin: 'page', education_staff: 'notFound', consultant: 'notFound' }),
  },
  // Another learner's consultation under this learner's address.
  {
    file: 'staff/learners/[id]/consultations/[consultationId].astro',
    method: 'GET',
    url: '/staff/learners/1/consultations/{consultationIlg}',
    expect: only({ admin: 'notFound', education_staff: 'notFound', consultant: 'notFound' }),
  },
  {
    file: 'staff/learners/[id]/consultations/[consultationId].astro',
    method: 'GET',
    url: '/staff/learners/1/consultations/not-a-number',
    expect: only({ admin: 'notFound', education_staff: 'notFound', consultant: 'notFound' }),
  },
  // Learning: learner 204101 is enrolled in latviesu-a2-darbs, not in pavara-palidzes-pamati.
  { file: 'learn/courses/[courseId]/index.astro', method: 'GET', url: '/learn/courses/latviesu-a2-darbs', expect: only({ learner: 'page' }) },
  { file: 'learn/courses/[courseId]/index.astro', method: 'GET', url: '/learn/courses/pavara-palidzes-pamati', expect: only({}) },
  { file: 'learn/courses/[courseId]/index.astro', method: 'GET', url: '/learn/courses/no-such-course', expect: only({}) },
  { file: 'learn/courses/[courseId]/[itemId].astro', method: 'GET', url: '/learn/courses/latviesu-a2-darbs/{lessonId}', expect: only({ learner: 'page' }) },
  { file: 'learn/courses/[courseId]/[itemId].astro', method: 'GET', url: '/learn/courses/latviesu-a2-darbs/999999', expect: only({}) },
  {
    file: 'api/learn/heartbeat.ts',
    method: 'POST',
    url: '/api/learn/heartbeat',
    json: { courseId: 'latviesu-a2-darbs', itemId: '{lessonId}' },
    expect: { ...all('forbidden'), anonymous: 'unauthorized', learner: 'page' },
  },
  // H5P results and state: only a learner, only for a lesson with an activity (this demo lesson has none: 409).
  {
    file: 'api/learn/h5p/statement.ts',
    method: 'POST',
    url: '/api/learn/h5p/statement',
    json: {
      courseId: 'latviesu-a2-darbs',
      itemId: '{lessonId}',
      attemptKey: '0'.repeat(32),
      statement: { verb: { id: 'http://adlnet.gov/expapi/verbs/answered' }, object: { id: 'urn:x' }, result: { score: { raw: 1, max: 1 } } },
    },
    expect: { ...all('forbidden'), anonymous: 'unauthorized', learner: 'conflict' },
  },
  {
    file: 'api/learn/h5p/state.ts',
    method: 'POST',
    url: '/api/learn/h5p/state',
    json: { courseId: 'latviesu-a2-darbs', itemId: '{lessonId}', state: '{}' },
    expect: { ...all('forbidden'), anonymous: 'unauthorized', learner: 'conflict' },
  },
  // Unsent quiz answers: only a learner, only for a quiz (this item is a lesson: 409).
  {
    file: 'api/learn/quiz-draft.ts',
    method: 'POST',
    url: '/api/learn/quiz-draft',
    json: { courseId: 'latviesu-a2-darbs', itemId: '{lessonId}', version: 1, fields: { q0: ['x'] } },
    expect: { ...all('forbidden'), anonymous: 'unauthorized', learner: 'conflict' },
  },
  // The H5P player's files are public (open source, no learner data); content opens only with a valid grant
  // (tests/integration/h5p-player.test.ts plays real content).
  { file: 'h5p/player/[...path].ts', method: 'GET', url: '/h5p/player/1/main.bundle.js', expect: all('page') },
  { file: 'h5p/player/[...path].ts', method: 'GET', url: '/h5p/player/1/package.json', expect: all('notFound') },
  { file: 'h5p/play/[grant]/[...path].ts', method: 'GET', url: '/h5p/play/1.99999999.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/', expect: all('notFound') },
  // Teaching: janis.liepa (Olaine) teaches latviesu-a2-darbs; learner 1 is his, learner 35 (Iļģuciems) is not.
  { file: 'teach/courses/[courseId]/index.astro', method: 'GET', url: '/teach/courses/latviesu-a2-darbs', expect: only({ teacher: 'page' }) },
  { file: 'teach/courses/[courseId]/index.astro', method: 'GET', url: '/teach/courses/no-such-course', expect: only({ teacher: 'notFound' }) },
  { file: 'teach/courses/[courseId]/overview.astro', method: 'GET', url: '/teach/courses/latviesu-a2-darbs/overview', expect: only({ teacher: 'page' }) },
  { file: 'teach/courses/[courseId]/overview.astro', method: 'GET', url: '/teach/courses/no-such-course/overview', expect: only({ teacher: 'notFound' }) },
  { file: 'teach/courses/[courseId]/gradebook.csv.ts', method: 'GET', url: '/teach/courses/latviesu-a2-darbs/gradebook.csv', expect: only({ teacher: 'page' }) },
  { file: 'teach/courses/[courseId]/gradebook.csv.ts', method: 'GET', url: '/teach/courses/no-such-course/gradebook.csv', expect: only({ teacher: 'notFound' }) },
  { file: 'teach/courses/[courseId]/learners/[learnerId].astro', method: 'GET', url: '/teach/courses/latviesu-a2-darbs/learners/1', expect: only({ teacher: 'page' }) },
  { file: 'teach/courses/[courseId]/learners/[learnerId].astro', method: 'GET', url: '/teach/courses/latviesu-a2-darbs/learners/35', expect: only({ teacher: 'notFound' }) },
  // The review of one try: only a teacher of the course, for their learner's own try (the demo has no tries: an unknown one is not found, never shown).
  { file: 'teach/courses/[courseId]/learners/[learnerId]/attempts/[attemptId].astro', method: 'GET', url: '/teach/courses/latviesu-a2-darbs/learners/1/attempts/999999', expect: only({ teacher: 'notFound' }) },
  { file: 'teach/courses/[courseId]/learners/[learnerId]/attempts/[attemptId].astro', method: 'GET', url: '/teach/courses/latviesu-a2-darbs/learners/35/attempts/1', expect: only({ teacher: 'notFound' }) },
  // Essays waiting for grading: only a teacher of the course (the list is scoped to the teacher's facilities).
  { file: 'teach/courses/[courseId]/grading.astro', method: 'GET', url: '/teach/courses/latviesu-a2-darbs/grading', expect: only({ teacher: 'page' }) },
  { file: 'teach/courses/[courseId]/grading.astro', method: 'GET', url: '/teach/courses/no-such-course/grading', expect: only({ teacher: 'notFound' }) },
  // The course editor: teachers only; janis.liepa teaches latviesu-a2-darbs (a courses/ package, not yet a draft).
  { file: 'teach/author/index.astro', method: 'GET', url: '/teach/author', expect: only({ teacher: 'page' }) },
  { file: 'teach/author/new.astro', method: 'GET', url: '/teach/author/new', expect: only({ teacher: 'page' }) },
  { file: 'teach/author/[courseId]/index.astro', method: 'GET', url: '/teach/author/latviesu-a2-darbs', expect: only({ teacher: 'page' }) },
  { file: 'teach/author/[courseId]/index.astro', method: 'GET', url: '/teach/author/no-such-course', expect: only({ teacher: 'notFound' }) },
  { file: 'teach/author/[courseId]/start.astro', method: 'GET', url: '/teach/author/latviesu-a2-darbs/start', expect: only({ teacher: 'page' }) },
  { file: 'teach/author/[courseId]/start.astro', method: 'GET', url: '/teach/author/no-such-course/start', expect: only({ teacher: 'notFound' }) },
  { file: 'teach/author/[courseId]/history.astro', method: 'GET', url: '/teach/author/latviesu-a2-darbs/history', expect: only({ teacher: 'page' }) },
  { file: 'teach/author/[courseId]/history.astro', method: 'GET', url: '/teach/author/no-such-course/history', expect: only({ teacher: 'notFound' }) },
  { file: 'teach/author/[courseId]/lesson.astro', method: 'GET', url: '/teach/author/latviesu-a2-darbs/lesson?path=none.md', expect: only({ teacher: 'notFound' }) },
  { file: 'teach/author/[courseId]/quiz.astro', method: 'GET', url: '/teach/author/latviesu-a2-darbs/quiz?path=none.quiz.yaml', expect: only({ teacher: 'notFound' }) },
  // The lesson editor's live preview: only course authors (the middleware), only for a course in their editor (the domain:
  // janis.liepa teaches latviesu-a2-darbs, but it has no draft until he starts editing it).
  {
    file: 'api/author/preview.ts',
    method: 'POST',
    url: '/api/author/preview',
    json: { courseId: 'latviesu-a2-darbs', body: '# Sveiki' },
    expect: { ...all('forbidden'), anonymous: 'unauthorized', teacher: 'notFound' },
  },
  { file: 'teach/author/[courseId]/publish.astro', method: 'GET', url: '/teach/author/no-such-course/publish', expect: only({ teacher: 'notFound' }) },
  { file: 'teach/author/[courseId]/export.zip.ts', method: 'GET', url: '/teach/author/no-such-course/export.zip', expect: only({ teacher: 'notFound' }) },
  // Programmes: education staff of the programme's prison and admins. Demo programmes 1–3 are at Olaine, 4 at Iļģuciems.
  { file: 'staff/programmes/index.astro', method: 'GET', url: '/staff/programmes', expect: only({ admin: 'page', education_staff: 'page' }) },
  { file: 'staff/programmes/new.astro', method: 'GET', url: '/staff/programmes/new', expect: only({ admin: 'page', education_staff: 'page' }) },
  { file: 'staff/programmes/[id]/index.astro', method: 'GET', url: '/staff/programmes/1', expect: only({ admin: 'page', education_staff: 'page' }) },
  { file: 'staff/programmes/[id]/index.astro', method: 'GET', url: '/staff/programmes/4', expect: only({ admin: 'page', education_staff: 'notFound' }) },
  { file: 'staff/programmes/[id]/index.astro', method: 'GET', url: '/staff/programmes/999', expect: only({ admin: 'notFound', education_staff: 'notFound' }) },
  { file: 'staff/reports/index.astro', method: 'GET', url: '/staff/reports', expect: only({ admin: 'page', education_staff: 'page' }) },
  { file: 'staff/reports/programmes.csv.ts', method: 'GET', url: '/staff/reports/programmes.csv?from=2026-01-01&to=2026-12-31', expect: only({ admin: 'page', education_staff: 'page' }) },
  { file: 'staff/indicators/index.astro', method: 'GET', url: '/staff/indicators?period=year&year=2026', expect: only({ admin: 'page', education_staff: 'page' }) },
  { file: 'staff/indicators/[table].csv.ts', method: 'GET', url: '/staff/indicators/headline.csv?period=year&year=2026', expect: only({ admin: 'page', education_staff: 'page' }) },
  { file: 'staff/indicators/report.xlsx.ts', method: 'GET', url: '/staff/indicators/report.xlsx?period=year&year=2026', expect: only({ admin: 'page', education_staff: 'page' }) },
  // Placement of one learner: learner 1 is at Olaine (ieva.ozola's), learner 35 at Iļģuciems.
  { file: 'staff/learners/[id]/placement.astro', method: 'GET', url: '/staff/learners/1/placement', expect: only({ admin: 'page', education_staff: 'page' }) },
  { file: 'staff/learners/[id]/placement.astro', method: 'GET', url: '/staff/learners/35/placement', expect: only({ admin: 'page', education_staff: 'notFound' }) },
  // Course pictures, by content hash: for anyone signed in.
  { file: 'media/[hash].ts', method: 'GET', url: '/media/{mediaHash}', expect: signedInOnly('page') },
  { file: 'media/[hash].ts', method: 'GET', url: '/media/' + '0'.repeat(64), expect: signedInOnly('notFound') },
];

/** Values from the demo database that URLs need ({lessonId}, {mediaHash}). */
const placeholders: Record<string, string> = {};
function fill<T>(value: T): T {
  const replaced = JSON.stringify(value).replace(/\{(\w+)\}/g, (m, name: string) => placeholders[name] ?? m);
  // Ids stand alone in JSON bodies as numbers.
  return JSON.parse(replaced.replace(/"(\d+)"/g, (m, digits: string) => (Object.values(placeholders).includes(digits) ? digits : m))) as T;
}

/** Every file under src/pages, relative to it, with forward slashes. */
function pageFiles(dir = path.join(ROOT, 'src', 'pages'), prefix = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? pageFiles(path.join(dir, entry.name), `${prefix}${entry.name}/`)
      : /\.(astro|ts|js|mjs|md|mdx|html)$/.test(entry.name) && !entry.name.startsWith('_')
        ? [`${prefix}${entry.name}`]
        : [],
  );
}

function describeOutcome(reply: Reply): string {
  return `HTTP ${reply.status}${reply.location ? ` → ${reply.location}` : ''}`;
}

function check(reply: Reply, outcome: Outcome, who: Who, row: Row): void {
  const what = `${who} ${row.method} ${row.url}: expected ${JSON.stringify(outcome)}, got ${describeOutcome(reply)}`;
  if (typeof outcome === 'object') {
    expect(reply.status, what).toBe(303);
    expect(reply.location, what).toBe(outcome.redirect);
    return;
  }
  switch (outcome) {
    case 'page':
      expect(reply.status, what).toBe(200);
      break;
    case 'login': {
      expect(reply.status, what).toBe(303);
      const location = new URL(reply.location ?? '', 'http://x');
      expect(location.pathname, what).toBe('/login');
      // A stranger is brought back to the page after signing in.
      if (row.method === 'GET' && who === 'anonymous') expect(location.searchParams.get('next'), what).toBe(row.url);
      break;
    }
    case 'home':
      expect(reply.status, what).toBe(303);
      expect(reply.location, what).toBe(HOME[who as Role]);
      break;
    case 'forbidden':
      expect(reply.status, what).toBe(403);
      break;
    case 'notFound':
      expect(reply.status, what).toBe(404);
      break;
    case 'unauthorized':
      expect(reply.status, what).toBe(401);
      expect(reply.headers.get('content-type'), what).toMatch(/application\/json/);
      break;
    case 'conflict':
      expect(reply.status, what).toBe(409);
      break;
    case 'serverError':
      expect(reply.status, what).toBe(500);
      break;
  }
}

let server: TestServer;
const clients = new Map<Who, Client>();

beforeAll(async () => {
  server = await startServer();
  const db = new Database(server.databaseFile, { readonly: true, fileMustExist: true });
  placeholders.lessonId = String(
    db.prepare("SELECT id FROM course_item WHERE course_id = 'latviesu-a2-darbs' AND kind = 'lesson' ORDER BY module_position, position LIMIT 1").pluck().get(),
  );
  placeholders.mediaHash = String(db.prepare('SELECT hash FROM media LIMIT 1').pluck().get());
  placeholders.learnerUserId = String(db.prepare('SELECT user_id FROM learner WHERE id = 1').pluck().get());
  const firstConsultation = db.prepare('SELECT min(c.id) FROM consultation c JOIN learner l ON l.id = c.learner_id WHERE l.inmate_number = ?').pluck();
  placeholders.consultationOla = String(firstConsultation.get('204101'));
  placeholders.consultationIlg = String(firstConsultation.get('205211'));
  db.close();
  clients.set('anonymous', new Client(server.baseUrl));
  for (const role of ROLES) clients.set(role, await signedIn(server.baseUrl, ROLE_ACCOUNT[role]));
});
afterAll(async () => {
  await server?.stop();
});

test('the route table names every page and endpoint file under src/pages', () => {
  const covered = new Set(ROWS.map((r) => r.file));
  const missing = pageFiles().filter((f) => !covered.has(f));
  expect(missing, `src/pages files without a row in the route × role table (tests/integration/route-matrix.test.ts): ${missing.join(', ')}`).toEqual([]);
  const stale = [...covered].filter((f) => !fs.existsSync(path.join(ROOT, 'src', 'pages', f)));
  expect(stale, 'rows for files that no longer exist').toEqual([]);
});

/** How the table's outcome reads in a test name. */
function says(outcome: Outcome): string {
  if (typeof outcome === 'object') return `is sent on to ${outcome.redirect}`;
  return {
    page: 'is shown (200)',
    login: 'is sent to sign in',
    home: 'is sent to their home page',
    forbidden: 'is refused (403)',
    notFound: 'is told it does not exist (404)',
    unauthorized: 'is refused as not signed in (401 JSON)',
    conflict: 'is told the request does not fit (409)',
    serverError: 'gets the error page (500)',
  }[outcome];
}

describe.each(WHO)('as %s', (who) => {
  test.each(ROWS.map((row) => [`${row.method} ${row.url} ${says(row.expect[who])}`, row] as const))('%s', async (_name, row) => {
    let client = clients.get(who)!;
    if (row.freshSession && who !== 'anonymous') client = await signedIn(server.baseUrl, ROLE_ACCOUNT[who]);
    const url = fill(row.url);
    const reply = await client.request(row.method, url, { form: row.form, json: row.json === undefined ? undefined : fill(row.json), headers: row.headers });
    check(reply, row.expect[who], who, { ...row, url });
    // A learner studies on one terminal at a time: the fresh sign-in ended the shared client's session.
    if (row.freshSession && who === 'learner') await clients.get(who)!.signIn(ROLE_ACCOUNT[who]);
  });
});

test('education staff of Iļģuciems see their own learners and not those of Olaine', async () => {
  const marina = await signedIn(server.baseUrl, ACCOUNTS.marinaPetrova);
  expect((await marina.get('/staff/learners/35')).status).toBe(200);
  expect((await marina.get('/staff/learners/1')).status).toBe(404);
  // Nor may they edit another prison's learner by posting the form directly.
  const forged = await marina.post('/staff/learners/1', { intent: 'resetPin' });
  expect(forged.status).toBe(404);
  const list = await marina.get('/staff/learners');
  expect(list.body).toContain('/staff/learners/35');
  expect(list.body).not.toContain('href="/staff/learners/1"');
});

test('a signed-in visitor is sent back to the page they asked for', async () => {
  const client = new Client(server.baseUrl);
  const first = await client.get('/staff/learners/2');
  expect(first.location).toBe('/login?next=%2Fstaff%2Flearners%2F2');
  const reply = await client.tryLogin(ACCOUNTS.ievaOzola, '/staff/learners/2');
  expect(reply.status).toBe(303);
  expect(reply.location).toBe('/staff/learners/2');
  // …but never to another site.
  const other = new Client(server.baseUrl);
  const away = await other.tryLogin(ACCOUNTS.ievaOzola, '//evil.example/steal');
  expect(away.location).toBe('/staff');
});
