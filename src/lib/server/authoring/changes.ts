import type { Db } from '../db.ts';
import { getH5pContent } from '../h5p/content.ts';
import { findContentByPackageHash } from '../h5p/store.ts';
import { canAuthor, getDraft, type DraftFiles } from './draft.ts';
import { readLesson, readManifest, readQuiz, type ManifestDoc } from './edit.ts';
import { getPublicationFiles, listPublications, type Publication } from './publish.ts';

/**
 * What changed in a course between two sets of files, in the teacher's terms
 * (lessons, tests, H5P activities, pictures) rather than files: the publish
 * summary (draft vs. the last publication) and the history (each publication
 * vs. the one before) are both read from here. Words are in change-words.ts.
 */

/** An H5P activity as a teacher knows it: its title and kind (the main library, e.g. H5P.MultiChoice). */
export interface ActivityInfo {
  title: string;
  library: string;
}

export type CourseChange =
  | { kind: 'lessonAdded' | 'lessonRemoved' | 'lessonText' | 'lessonSettings'; title: string }
  | { kind: 'lessonRenamed'; title: string; from: string }
  | { kind: 'quizAdded' | 'quizRemoved' | 'quizSettings'; title: string }
  | { kind: 'quizRenamed'; title: string; from: string }
  | { kind: 'questionsAdded' | 'questionsRemoved' | 'questionsChanged'; title: string; count: number }
  | { kind: 'activityAdded' | 'activityRemoved'; lesson: string; activity: ActivityInfo | null }
  | { kind: 'activityReplaced'; lesson: string; activity: ActivityInfo | null; from: ActivityInfo | null }
  | { kind: 'moduleAdded' | 'moduleRemoved'; title: string }
  | { kind: 'moduleRenamed'; title: string; from: string }
  | { kind: 'order' }
  | { kind: 'settings' }
  | { kind: 'pictureAdded' | 'pictureRemoved' | 'pictureReplaced'; name: string };

/** The counts a teacher reads before publishing ("3 lessons changed, 1 test added, 1 H5P activity replaced"). */
export interface ChangeSummary {
  lessons: { added: number; changed: number; removed: number };
  quizzes: { added: number; changed: number; removed: number };
  activities: { added: number; replaced: number; removed: number };
  pictures: { added: number; replaced: number; removed: number };
  /** Title, summary, track, level, hours, language or completion rules. */
  settings: boolean;
  /** Modules added, removed or renamed, or items moved. */
  structure: boolean;
}

/** Looks up an H5P package (by the hash in the draft) for its title and kind. */
export type DescribeActivity = (packageHash: string) => ActivityInfo | null;

/** Item paths (module/file) with the title of their module, in course order. */
function items(doc: ManifestDoc): string[] {
  return doc.modules.flatMap((m) => (Array.isArray(m.items) ? m.items.map((name) => `${m.id}/${name}`) : []));
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const SETTINGS = ['title', 'summary', 'track', 'level', 'hours', 'language', 'passRules'] as const;

function activityOf(files: DraftFiles, file: string | undefined, describe: DescribeActivity): { hash: string | null; info: ActivityInfo | null } | null {
  if (!file) return null;
  const stored = files.get(file);
  const hash = stored && 'h5p' in stored ? stored.h5p : null;
  return { hash, info: hash ? describe(hash) : null };
}

/** What changed from `before` to `after` (either may be empty: a first publication adds everything). */
export function courseChanges(before: DraftFiles, after: DraftFiles, describe: DescribeActivity): CourseChange[] {
  const out: CourseChange[] = [];
  const docA = readManifest(before);
  const docB = readManifest(after);
  const first = before.size === 0;
  if (!first && SETTINGS.some((key) => !same(docA[key], docB[key]))) out.push({ kind: 'settings' });

  if (!first) {
    const modulesA = new Map(docA.modules.map((m) => [m.id, m]));
    const modulesB = new Map(docB.modules.map((m) => [m.id, m]));
    for (const m of docB.modules) {
      const old = modulesA.get(m.id);
      if (!old) out.push({ kind: 'moduleAdded', title: m.title });
      else if (old.title !== m.title) out.push({ kind: 'moduleRenamed', title: m.title, from: old.title });
    }
    for (const m of docA.modules) if (!modulesB.has(m.id)) out.push({ kind: 'moduleRemoved', title: m.title });
  }

  const pathsA = items(docA);
  const pathsB = items(docB);
  const setA = new Set(pathsA);
  const setB = new Set(pathsB);
  const kept = pathsB.filter((p) => setA.has(p));
  if (!same(pathsA.filter((p) => setB.has(p)), kept)) out.push({ kind: 'order' });

  for (const path of [...pathsB, ...pathsA.filter((p) => !setB.has(p))]) {
    const inA = setA.has(path);
    const inB = setB.has(path);
    if (path.endsWith('.quiz.yaml')) {
      const a = inA ? readQuiz(before, path) : null;
      const b = inB ? readQuiz(after, path) : null;
      if (!inA) out.push({ kind: 'quizAdded', title: b?.title ?? path });
      else if (!inB) out.push({ kind: 'quizRemoved', title: a?.title ?? path });
      else if (a && b && !same(a, b)) {
        const { questions: qa, title: ta, ...restA } = a;
        const { questions: qb, title: tb, ...restB } = b;
        if (ta !== tb) out.push({ kind: 'quizRenamed', title: tb, from: ta });
        if (!same(restA, restB)) out.push({ kind: 'quizSettings', title: tb });
        const changed = qa.slice(0, qb.length).filter((q, i) => !same(q, qb[i])).length;
        if (qb.length > qa.length) out.push({ kind: 'questionsAdded', title: tb, count: qb.length - qa.length });
        if (qa.length > qb.length) out.push({ kind: 'questionsRemoved', title: tb, count: qa.length - qb.length });
        if (changed) out.push({ kind: 'questionsChanged', title: tb, count: changed });
      }
      continue;
    }
    const a = inA ? readLesson(before, path) : null;
    const b = inB ? readLesson(after, path) : null;
    const titleOf = (l: typeof a) => l?.title || path;
    if (!inA) out.push({ kind: 'lessonAdded', title: titleOf(b) });
    else if (!inB) out.push({ kind: 'lessonRemoved', title: titleOf(a) });
    else if (a && b) {
      if (a.title !== b.title) out.push({ kind: 'lessonRenamed', title: titleOf(b), from: titleOf(a) });
      if (a.body !== b.body) out.push({ kind: 'lessonText', title: titleOf(b) });
      if (a.minutes !== b.minutes || a.required !== b.required || (a.activity && b.activity && a.activity.passPercent !== b.activity.passPercent)) {
        out.push({ kind: 'lessonSettings', title: titleOf(b) });
      }
    }
    const actA = a ? activityOf(before, a.activity?.file, describe) : null;
    const actB = b ? activityOf(after, b.activity?.file, describe) : null;
    if (!actA && actB) out.push({ kind: 'activityAdded', lesson: titleOf(b), activity: actB.info });
    else if (actA && !actB) out.push({ kind: 'activityRemoved', lesson: titleOf(b ?? a), activity: actA.info });
    else if (actA && actB && actA.hash !== actB.hash) out.push({ kind: 'activityReplaced', lesson: titleOf(b), activity: actB.info, from: actA.info });
  }

  const pictures = [...new Set([...before.keys(), ...after.keys()])].filter((p) => {
    const f = after.get(p) ?? before.get(p);
    return f !== undefined && 'media' in f;
  });
  for (const p of pictures.sort()) {
    const a = before.get(p);
    const b = after.get(p);
    const name = p.replace(/^images\//, '');
    if (!a) out.push({ kind: 'pictureAdded', name });
    else if (!b) out.push({ kind: 'pictureRemoved', name });
    else if (!same(a, b)) out.push({ kind: 'pictureReplaced', name });
  }
  return out;
}

/** The counts of a list of changes (a lesson with several changes counts once). */
export function summarize(changes: CourseChange[]): ChangeSummary {
  const distinct = (kinds: CourseChange['kind'][]) =>
    new Set(changes.filter((c) => kinds.includes(c.kind)).map((c) => ('title' in c ? c.title : ''))).size;
  const count = (kind: CourseChange['kind']) => changes.filter((c) => c.kind === kind).length;
  return {
    lessons: { added: count('lessonAdded'), changed: distinct(['lessonText', 'lessonRenamed', 'lessonSettings']), removed: count('lessonRemoved') },
    quizzes: {
      added: count('quizAdded'),
      changed: distinct(['quizRenamed', 'quizSettings', 'questionsAdded', 'questionsRemoved', 'questionsChanged']),
      removed: count('quizRemoved'),
    },
    activities: { added: count('activityAdded'), replaced: count('activityReplaced'), removed: count('activityRemoved') },
    pictures: { added: count('pictureAdded'), replaced: count('pictureReplaced'), removed: count('pictureRemoved') },
    settings: changes.some((c) => c.kind === 'settings'),
    structure: changes.some((c) => c.kind === 'order' || c.kind.startsWith('module')),
  };
}

/** The H5P activities of this database, looked up by package hash. */
export function activityDescriber(db: Db): DescribeActivity {
  return (hash) => {
    const found = findContentByPackageHash(db, hash);
    const content = found ? getH5pContent(db, found.contentId) : null;
    return content ? { title: content.title, library: content.mainLibrary.machineName } : null;
  };
}

export interface PublishPreview {
  /** The publication the draft is compared with (null: never published from the editor). */
  last: Publication | null;
  changes: CourseChange[];
  summary: ChangeSummary;
}

/** What publishing now would change for learners: the draft against the last publication. Null when the actor may not edit it. */
export function publishPreview(db: Db, actor: Parameters<typeof canAuthor>[1], courseId: string): PublishPreview | null {
  if (!canAuthor(db, actor, courseId)) return null;
  const draft = getDraft(db, courseId);
  if (!draft) return null;
  const last = listPublications(db, courseId)[0] ?? null;
  const before = last ? (getPublicationFiles(db, courseId, last.id) ?? new Map()) : new Map();
  const changes = courseChanges(before, draft.files, activityDescriber(db));
  return { last, changes, summary: summarize(changes) };
}

export interface PublicationChanges {
  publication: Publication;
  changes: CourseChange[];
}

/** Every publication, newest first, with what it changed against the one before it. Null when the actor may not edit it. */
export function publicationHistory(db: Db, actor: Parameters<typeof canAuthor>[1], courseId: string): PublicationChanges[] | null {
  if (!canAuthor(db, actor, courseId)) return null;
  const publications = listPublications(db, courseId);
  const describe = activityDescriber(db);
  const files = new Map(publications.map((p) => [p.id, getPublicationFiles(db, courseId, p.id) ?? new Map()]));
  return publications.map((publication, i) => {
    const previous = publications[i + 1];
    return { publication, changes: courseChanges(previous ? files.get(previous.id)! : new Map(), files.get(publication.id)!, describe) };
  });
}
