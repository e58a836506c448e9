import type { Db } from '../db.ts';
import type { Activity } from '../courses/catalog.ts';
import { createLessonRenderer } from '../courses/render.ts';
import { getH5pContent } from '../h5p/content.ts';
import { findContentByPackageHash } from '../h5p/store.ts';
import { z } from 'zod';
import type { SessionUser } from '../session.ts';
import { canAuthor, getDraft, type DraftFiles } from './draft.ts';
import { readManifest } from './edit.ts';

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

/** The most a live preview request may carry (the lesson form's own limit is 200,000 characters). */
export const MAX_PREVIEW_BYTES = 1024 * 1024;

export const previewInputSchema = z.object({
  /** The course whose draft's pictures the text may show. */
  courseId: z.string().min(1).max(100),
  /** The lesson's Markdown as typed, not saved. */
  body: z.string().max(200_000),
});

/**
 * The live preview while the teacher types: the text rendered by the
 * learners' pipeline with the draft's pictures. Nothing is saved. Null when
 * the actor may not edit the course (the endpoint answers 404, as the pages do).
 */
export function previewDraftLesson(db: Db, actor: SessionUser, courseId: string, markdown: string): { html: string } | null {
  if (!canAuthor(db, actor, courseId)) return null;
  const draft = getDraft(db, courseId);
  if (!draft) return null;
  return { html: renderDraftLesson(draft.files, markdown, readManifest(draft.files).language) };
}
