import { z } from 'zod';
import { TRACKS, TRACK_LEVELS } from '../courses/package-schema.ts';
import { LOCALES } from '../../shared/domain.ts';

/** Form fields → the shapes the authoring functions take (flat names such as title_lv). */

export const TRACK_OPTIONS = TRACKS;

const text = (max = 300) => z.string().trim().min(1, { error: 'validation.required' }).max(max, { error: 'validation.tooLong' });

const settingsFields = {
  /** The course's title in Latvian, English and Russian. */
  title_lv: text(),
  title_en: text(),
  title_ru: text(),
  /** A few sentences on what the course teaches, in each language. */
  summary_lv: text(1000),
  summary_en: text(1000),
  summary_ru: text(1000),
  /** The kind of course (language, vocational, general education…). */
  track: z.enum(TRACKS, { error: 'validation.choose' }),
  /** The level within its track (A2, 1st year…), one the track knows. */
  level: text(40),
  /** The course's length in academic hours, as its certificate states it. */
  hours: z.coerce.number({ error: 'authoring.hours' }).int({ error: 'authoring.hours' }).min(1, { error: 'authoring.hours' }).max(2000, { error: 'authoring.hours' }),
  /** The language the course is taught in. */
  language: z.enum(LOCALES, { error: 'validation.choose' }),
};

/** The completion rules on the editor's settings form (lenient: a stray value falls back to the default). */
const passRuleFields = {
  /** 'required': the required lessons complete a course; 'all': every lesson. */
  passLessons: z.enum(['required', 'all']).catch('required'),
  /** '1' when ticked: every quiz must be passed too. */
  passQuizzes: z.literal('1').optional().catch(undefined),
  /** Hours of active learning time the course needs at least (0: none). */
  minHours: z.coerce.number().catch(0).transform((n) => (Number.isFinite(n) ? Math.max(0, n) : 0)),
};

const levelFits = (f: { track: (typeof TRACKS)[number]; level: string }) => TRACK_LEVELS[f.track].includes(f.level);

const regroup = <T extends { title_lv: string; title_en: string; title_ru: string; summary_lv: string; summary_en: string; summary_ru: string }>(f: T) => {
  const { title_lv, title_en, title_ru, summary_lv, summary_en, summary_ru, ...rest } = f;
  return { ...rest, title: { lv: title_lv, en: title_en, ru: title_ru }, summary: { lv: summary_lv, en: summary_en, ru: summary_ru } };
};

/** A course's settings (with its completion rules) as the editor's form sends them. */
export const courseSettingsFormSchema = z
  .object({ ...settingsFields, ...passRuleFields })
  .refine(levelFits, { path: ['level'], error: 'authoring.levelForTrack' })
  .transform(({ passLessons, passQuizzes, minHours, ...rest }) => ({
    ...regroup(rest),
    passRules: { lessons: passLessons, quizzes: passQuizzes === '1', minHours },
  }));

/** The new-course form: the settings and the course id. */
export const newCourseFormSchema = z
  .object({
    ...settingsFields,
    /** The course's permanent id: lowercase letters, digits and dashes (its folder's name). */
    id: z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9-]{1,60}$/, { error: 'authoring.idFormat' }),
  })
  .refine(levelFits, { path: ['level'], error: 'authoring.levelForTrack' })
  .transform(regroup);
