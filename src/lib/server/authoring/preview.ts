import type { Db } from '../db.ts';
import type { Activity } from '../courses/catalog.ts';
import { createLessonRenderer } from '../courses/render.ts';
import { getH5pContent } from '../h5p/content.ts';
import { findContentByPackageHash } from '../h5p/store.ts';
import type { DraftFiles } from './draft.ts';

/**
 * The teacher's preview: the same markdown-it pipeline and sanitising the
 * learners get, with the draft's pictures served from the media store.
 */
export function renderDraftLesson(files: DraftFiles, markdown: string, language = 'lv'): string {
  const renderer = createLessonRenderer((src) => {
    const file = files.get(src);
    return file && 'media' in file ? `/media/${file.media}` : null;
  }, language);
  return renderer.render(markdown);
}

/** The draft lesson's activity as the player needs it (the teacher tries it; nothing is saved). */
export function draftActivity(db: Db, files: DraftFiles, activity: { file: string; passPercent: number } | undefined): Activity | null {
  const file = activity ? files.get(activity.file) : undefined;
  if (!activity || !file || !('h5p' in file)) return null;
  const content = findContentByPackageHash(db, file.h5p);
  if (!content) return null;
  const stored = getH5pContent(db, content.contentId);
  return stored
    ? { contentId: content.contentId, file: activity.file, passPercent: activity.passPercent, title: stored.title, mainLibrary: stored.mainLibrary.machineName }
    : null;
}
