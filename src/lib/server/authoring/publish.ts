import { createHash } from 'node:crypto';
import { diffLines } from 'diff';
import { stmt, type Db } from '../db.ts';
import { appendAudit } from '../audit.ts';
import { loadPackage, type PackageError } from '../courses/load.ts';
import { syncCoursePackage } from '../courses/sync.ts';
import { auditActor } from '../people/users.ts';
import type { SessionUser } from '../session.ts';
import { canAuthor, draftPackage, getDraft, parseFiles, serializeFiles, writeDraft, type DraftFile, type DraftFiles } from './draft.ts';

/**
 * Publishing: the draft is validated by the same loader as the packages on
 * disk, stored as an immutable snapshot with author and time, and synced like
 * a package (new versions for edited items; learners' progress stays).
 */

export interface Publication {
  id: number;
  courseId: string;
  contentHash: string;
  publishedBy: number | null;
  publishedByName: string | null;
  publishedAt: string;
  rollbackOf: number | null;
}

export type PublishResult =
  | { ok: true; publication: Publication; unchanged: boolean }
  | { ok: false; code: 'auth.forbidden' | 'authoring.noDraft' }
  | { ok: false; code: 'authoring.invalid'; errors: PackageError[] };

interface PublicationRow {
  id: number;
  course_id: string;
  content_hash: string;
  published_by: number | null;
  published_by_name: string | null;
  published_at: string;
  rollback_of: number | null;
}

const toPublication = (r: PublicationRow): Publication => ({
  id: r.id,
  courseId: r.course_id,
  contentHash: r.content_hash,
  publishedBy: r.published_by,
  publishedByName: r.published_by_name,
  publishedAt: r.published_at,
  rollbackOf: r.rollback_of,
});

const SELECT_PUBLICATION = `SELECT p.id, p.course_id, p.content_hash, p.published_by, u.display_name AS published_by_name, p.published_at, p.rollback_of
  FROM course_publication p LEFT JOIN user u ON u.id = p.published_by`;

export function listPublications(db: Db, courseId: string): Publication[] {
  return (stmt(db, `${SELECT_PUBLICATION} WHERE p.course_id = ? ORDER BY p.id DESC`).all(courseId) as PublicationRow[]).map(toPublication);
}

export function getPublicationFiles(db: Db, courseId: string, id: number): DraftFiles | null {
  const json = stmt(db, 'SELECT files_json FROM course_publication WHERE id = ? AND course_id = ?').pluck().get(id, courseId) as string | undefined;
  return json ? parseFiles(json) : null;
}

/** Validates and publishes the draft. Publishing an unchanged draft records nothing new. */
export function publishDraft(db: Db, actor: SessionUser, courseId: string, now = new Date(), rollbackOf: number | null = null): PublishResult {
  if (!canAuthor(db, actor, courseId)) return { ok: false, code: 'auth.forbidden' };
  const draft = getDraft(db, courseId);
  if (!draft) return { ok: false, code: 'authoring.noDraft' };
  const loaded = loadPackage(courseId, draftPackage(db, draft.files));
  if (!loaded.ok) return { ok: false, code: 'authoring.invalid', errors: loaded.errors };
  const filesJson = serializeFiles(draft.files);
  const contentHash = createHash('sha256').update(filesJson).digest('hex');
  return db
    .transaction((): PublishResult => {
      const last = listPublications(db, courseId)[0];
      if (last && last.contentHash === contentHash && rollbackOf === null) return { ok: true, publication: last, unchanged: true };
      const outcome = syncCoursePackage(db, loaded.course, now, 'authored');
      const id = Number(
        stmt(
          db,
          'INSERT INTO course_publication (course_id, files_json, content_hash, published_by, published_at, rollback_of) VALUES (?, ?, ?, ?, ?, ?)',
        ).run(courseId, filesJson, contentHash, actor.id, now.toISOString(), rollbackOf).lastInsertRowid,
      );
      // The authors of a new course become its teachers once it exists.
      stmt(db, 'INSERT OR IGNORE INTO course_teacher (course_id, user_id) SELECT course_id, user_id FROM course_draft_author WHERE course_id = ?').run(courseId);
      appendAudit(
        db,
        {
          actor: auditActor(actor),
          action: rollbackOf === null ? 'course.publish' : 'course.rollback',
          targetType: 'course',
          targetId: courseId,
          facilityId: actor.facilityId,
          details: { publicationId: id, rollbackOf, newVersions: outcome.newVersions, archivedItems: outcome.archivedItems },
        },
        now,
      );
      return { ok: true, publication: toPublication(stmt(db, `${SELECT_PUBLICATION} WHERE p.id = ?`).get(id) as PublicationRow), unchanged: false };
    })
    .immediate();
}

/** Restores an earlier publication as the draft and publishes it again (audited as a rollback). */
export function rollbackTo(db: Db, actor: SessionUser, courseId: string, publicationId: number, now = new Date()): PublishResult {
  if (!canAuthor(db, actor, courseId)) return { ok: false, code: 'auth.forbidden' };
  const files = getPublicationFiles(db, courseId, publicationId);
  if (!files) return { ok: false, code: 'authoring.noDraft' };
  return db.transaction((): PublishResult => {
    writeDraft(db, actor, courseId, files, now);
    return publishDraft(db, actor, courseId, now, publicationId);
  }).immediate();
}

export interface FileDiff {
  path: string;
  change: 'added' | 'removed' | 'changed';
  /** Line diff of text files: [kind, text] per run of lines. */
  lines: Array<{ kind: 'added' | 'removed' | 'same'; text: string }>;
}

/** What changed between two sets of files (e.g. a publication and the one before it, or the draft). */
export function diffFiles(before: DraftFiles, after: DraftFiles, describe: (file: DraftFile) => string = () => '[picture]'): FileDiff[] {
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  const out: FileDiff[] = [];
  for (const path of paths) {
    const a = before.get(path);
    const b = after.get(path);
    if (a && b && JSON.stringify(a) === JSON.stringify(b)) continue;
    // A picture or an H5P package is not text: it shows as what it is ("H5P activity: Multiple choice — '…'").
    const textA = a && 'text' in a ? a.text : a ? `${describe(a)}\n` : '';
    const textB = b && 'text' in b ? b.text : b ? `${describe(b)}\n` : '';
    const lines = diffLines(textA, textB).map((part) => ({
      kind: part.added ? ('added' as const) : part.removed ? ('removed' as const) : ('same' as const),
      text: part.value,
    }));
    out.push({ path, change: !a ? 'added' : !b ? 'removed' : 'changed', lines });
  }
  return out;
}
