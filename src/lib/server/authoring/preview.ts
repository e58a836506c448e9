import { createLessonRenderer } from '../courses/render.ts';
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
