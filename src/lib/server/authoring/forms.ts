import { z } from 'zod';
import { TRACKS, TRACK_LEVELS } from '../courses/package-schema.ts';
import { LOCALES } from '../../shared/domain.ts';

/** Form fields → the shapes the authoring functions take (flat names such as title_lv). */

export const TRACK_OPTIONS = TRACKS;

const text = (max = 300) => z.string().trim().min(1, { error: 'validation.required' }).max(max, { error: 'validation.tooLong' });

const settingsFields = {
  title_lv: text(),
  title_en: text(),
  title_ru: text(),
  summary_lv: text(1000),
  summary_en: text(1000),
  summary_ru: text(1000),
  track: z.enum(TRACKS, { error: 'validation.choose' }),
  level: text(40),
  hours: z.coerce.number({ error: 'authoring.hours' }).int({ error: 'authoring.hours' }).min(1, { error: 'authoring.hours' }).max(2000, { error: 'authoring.hours' }),
  language: z.enum(LOCALES, { error: 'validation.choose' }),
};

const levelFits = (f: { track: (typeof TRACKS)[number]; level: string }) => TRACK_LEVELS[f.track].includes(f.level);

const regroup = <T extends { title_lv: string; title_en: string; title_ru: string; summary_lv: string; summary_en: string; summary_ru: string }>(f: T) => {
  const { title_lv, title_en, title_ru, summary_lv, summary_en, summary_ru, ...rest } = f;
  return { ...rest, title: { lv: title_lv, en: title_en, ru: title_ru }, summary: { lv: summary_lv, en: summary_en, ru: summary_ru } };
};

/** A course's settings as the editor's form sends them. */
export const courseSettingsFormSchema = z
  .object(settingsFields)
  .refine(levelFits, { path: ['level'], error: 'authoring.levelForTrack' })
  .transform(regroup);

/** The new-course form: the settings and the course id. */
export const newCourseFormSchema = z
  .object({ ...settingsFields, id: z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9-]{1,60}$/, { error: 'authoring.idFormat' }) })
  .refine(levelFits, { path: ['level'], error: 'authoring.levelForTrack' })
  .transform(regroup);
