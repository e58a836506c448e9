import { stmt, type Db } from '../db.ts';
import { appendAudit, SYSTEM_ACTOR } from '../audit.ts';
import { findContentByPackageHash } from '../h5p/store.ts';
import { storeCourseActivities } from './activities.ts';
import { listPackageFolders, loadCoursePackage, type LoadedCourse, type PackageError } from './load.ts';
import { createLessonRenderer } from './render.ts';

/**
 * Loads course packages into the database, keyed by content hash. An edited
 * item gets a new version (learners' progress, attempts and time stay with the
 * item); an item removed from the package is archived, never deleted; a broken
 * package is refused and its last good version stays in use.
 */

export interface SyncOutcome {
  courseId: string;
  status: 'created' | 'updated' | 'unchanged';
  newVersions: number;
  archivedItems: number;
}

export interface SyncReport {
  synced: SyncOutcome[];
  /** Folders whose course is now edited in the browser: left alone. */
  skipped: string[];
  refused: Array<{ folder: string; errors: PackageError[] }>;
  /** Courses whose folder is gone: archived. */
  archivedCourses: string[];
}

interface ItemRow {
  id: number;
  item_key: string;
  archived_at: string | null;
}

/**
 * Stores one validated package; returns what changed. Runs in one
 * transaction. Its H5P activities must be stored already (storeCourseActivities).
 */
export function syncCoursePackage(
  db: Db,
  course: LoadedCourse,
  now = new Date(),
  /** 'authored' when published from the browser editor; the start-up sync then leaves the course alone. */
  source: 'package' | 'authored' = 'package',
): SyncOutcome {
  const { manifest } = course;
  const at = now.toISOString();
  return db
    .transaction((): SyncOutcome => {
      const existing = stmt(db, 'SELECT content_hash, archived_at, source FROM course WHERE id = ?').get(manifest.id) as
        | { content_hash: string; archived_at: string | null; source: string }
        | undefined;
      if (existing && existing.content_hash === course.contentHash && !existing.archived_at && existing.source === source) {
        return { courseId: manifest.id, status: 'unchanged', newVersions: 0, archivedItems: 0 };
      }
      stmt(
        db,
        `INSERT INTO course (id, track, level, qualification_level, hours, language, title_json, summary_json,
           prerequisites_json, pass_rules_json, content_hash, archived_at, synced_at, source)
         VALUES (@id, @track, @level, @qualificationLevel, @hours, @language, @title, @summary, @prerequisites, @passRules, @hash, NULL, @at, @source)
         ON CONFLICT (id) DO UPDATE SET track = excluded.track, level = excluded.level,
           qualification_level = excluded.qualification_level, hours = excluded.hours, language = excluded.language,
           title_json = excluded.title_json, summary_json = excluded.summary_json,
           prerequisites_json = excluded.prerequisites_json, pass_rules_json = excluded.pass_rules_json,
           content_hash = excluded.content_hash, archived_at = NULL, synced_at = excluded.synced_at, source = excluded.source`,
      ).run({
        id: manifest.id,
        track: manifest.track,
        level: manifest.level,
        qualificationLevel: manifest.qualificationLevel ?? null,
        hours: manifest.hours,
        language: manifest.language,
        title: JSON.stringify(manifest.title),
        summary: JSON.stringify(manifest.summary),
        prerequisites: JSON.stringify(manifest.prerequisites),
        passRules: JSON.stringify(manifest.passRules),
        hash: course.contentHash,
        at,
        source,
      });

      const insertMedia = stmt(db, 'INSERT OR IGNORE INTO media (hash, content_type, bytes, created_at) VALUES (?, ?, ?, ?)');
      for (const image of course.images.values()) insertMedia.run(image.hash, image.contentType, image.bytes, at);
      const renderer = createLessonRenderer((src) => {
        const image = course.images.get(src);
        return image ? `/media/${image.hash}` : null;
      }, manifest.language);

      const known = new Map(
        (stmt(db, 'SELECT id, item_key, archived_at FROM course_item WHERE course_id = ?').all(manifest.id) as ItemRow[]).map((r) => [r.item_key, r]),
      );
      let newVersions = 0;
      for (const item of course.items) {
        const fields = {
          course: manifest.id,
          key: item.key,
          moduleId: item.moduleId,
          moduleTitle: item.moduleTitle,
          modulePosition: item.modulePosition,
          position: item.position,
          kind: item.kind,
          title: item.title,
          required: item.required ? 1 : 0,
          minutes: item.minutes,
        };
        let itemId = known.get(item.key)?.id;
        if (itemId === undefined) {
          itemId = Number(
            stmt(
              db,
              `INSERT INTO course_item (course_id, item_key, module_id, module_title, module_position, position, kind, title, required, minutes)
               VALUES (@course, @key, @moduleId, @moduleTitle, @modulePosition, @position, @kind, @title, @required, @minutes)`,
            ).run(fields).lastInsertRowid,
          );
        } else {
          stmt(
            db,
            `UPDATE course_item SET module_id = @moduleId, module_title = @moduleTitle, module_position = @modulePosition,
               position = @position, kind = @kind, title = @title, required = @required, minutes = @minutes, archived_at = NULL
             WHERE course_id = @course AND item_key = @key`,
          ).run(fields);
        }
        known.delete(item.key);
        let versionId = stmt(db, 'SELECT id FROM course_item_version WHERE item_id = ? AND content_hash = ?').pluck().get(itemId, item.contentHash) as
          | number
          | undefined;
        if (versionId === undefined) {
          const source = item.lesson ? item.lesson.markdown : JSON.stringify(item.quiz);
          const html = item.lesson ? renderer.render(item.lesson.markdown) : null;
          const content = item.activity ? findContentByPackageHash(db, item.activity.packageHash) : null;
          if (item.activity && !content) throw new Error(`syncCoursePackage: activity ${item.activity.file} is not stored; call storeCourseActivities first`);
          versionId = Number(
            stmt(
              db,
              'INSERT INTO course_item_version (item_id, content_hash, source, html, created_at, h5p_content_id, activity_json) VALUES (?, ?, ?, ?, ?, ?, ?)',
            ).run(
              itemId,
              item.contentHash,
              source,
              html,
              at,
              content?.contentId ?? null,
              item.activity ? JSON.stringify({ file: item.activity.file, passPercent: item.activity.passPercent }) : null,
            ).lastInsertRowid,
          );
          newVersions++;
        }
        stmt(db, 'UPDATE course_item SET current_version_id = ? WHERE id = ?').run(versionId, itemId);
      }
      let archivedItems = 0;
      for (const gone of known.values()) {
        if (gone.archived_at) continue;
        stmt(db, 'UPDATE course_item SET archived_at = ? WHERE id = ?').run(at, gone.id);
        archivedItems++;
      }
      const status = existing ? 'updated' : 'created';
      appendAudit(db, {
        actor: SYSTEM_ACTOR,
        action: `course.${status === 'created' ? 'create' : 'update'}`,
        targetType: 'course',
        targetId: manifest.id,
        details: { contentHash: course.contentHash, newVersions, archivedItems },
      });
      return { courseId: manifest.id, status, newVersions, archivedItems };
    })
    .immediate();
}

/**
 * Syncs every package folder of `coursesDir`; refused packages are reported
 * and skipped. `dataDir` is where H5P activities are stored (null: packages
 * with activities are refused).
 */
export async function syncCourses(db: Db, coursesDir: string, dataDir: string | null, now = new Date()): Promise<SyncReport> {
  const report: SyncReport = { synced: [], skipped: [], refused: [], archivedCourses: [] };
  const folders = listPackageFolders(coursesDir);
  const authored = new Set(stmt(db, "SELECT id FROM course WHERE source = 'authored'").pluck().all() as string[]);
  for (const folder of folders) {
    if (authored.has(folder)) {
      report.skipped.push(folder);
      continue;
    }
    const loaded = loadCoursePackage(coursesDir, folder);
    if (!loaded.ok) {
      report.refused.push({ folder, errors: loaded.errors });
      continue;
    }
    const refused = await storeCourseActivities(db, dataDir, loaded.course);
    if (refused.length) report.refused.push({ folder, errors: refused });
    else report.synced.push(syncCoursePackage(db, loaded.course, now));
  }
  // A folder that is gone archives its course; a refused folder keeps its last good version.
  const present = new Set(folders);
  const active = stmt(db, "SELECT id FROM course WHERE archived_at IS NULL AND source = 'package'").pluck().all() as string[];
  for (const id of active.filter((c) => !present.has(c))) {
    db.transaction(() => {
      stmt(db, 'UPDATE course SET archived_at = ? WHERE id = ?').run(now.toISOString(), id);
      appendAudit(db, { actor: SYSTEM_ACTOR, action: 'course.archive', targetType: 'course', targetId: id, details: { reason: 'package removed' } });
    }).immediate();
    report.archivedCourses.push(id);
  }
  return report;
}

/** The report as lines for the terminal: every refused package with file, field and reason. */
export function formatSyncReport(report: SyncReport): string {
  const lines: string[] = [];
  for (const s of report.synced) {
    lines.push(`  ${s.status.padEnd(9)} ${s.courseId}${s.newVersions ? ` (${s.newVersions} new versions)` : ''}${s.archivedItems ? ` (${s.archivedItems} items archived)` : ''}`);
  }
  for (const id of report.skipped) lines.push(`  skipped   ${id} (edited in the browser; the editor's version stays)`);
  for (const id of report.archivedCourses) lines.push(`  archived  ${id} (its folder is gone)`);
  for (const r of report.refused) {
    lines.push(`  REFUSED   ${r.folder}:`);
    for (const e of r.errors) lines.push(`            ${e.file}${e.field ? ` → ${e.field}` : ''}: ${e.reason}`);
  }
  return lines.join('\n');
}
