import { isMessageKey, type MessageKey } from '../../i18n/index.ts';
import type { FieldErrors } from '../http/forms.ts';
import { programmeInputSchema, type Programme, type ProgrammeInput } from './programmes.ts';

/**
 * The programme form (src/components/staff/ProgrammeForm.astro) read into a
 * ProgrammeInput. Several fields repeat (interests, teachers, courses, the
 * timetable rows), so the form is read here rather than with parseForm.
 */

/** Timetable rows the form offers. */
export const SLOT_ROWS = 4;
/** Course selects the form offers (a programme is up to this many courses in order). */
export const COURSE_ROWS = 3;

/** What the form shows: every field as the person typed it. */
export interface ProgrammeFormValues {
  title: string;
  description: string;
  facilityId: string;
  startsOn: string;
  endsOn: string;
  seats: string;
  language: string;
  minEducation: string;
  minLatvian: string;
  prerequisiteCourseId: string;
  continuesAfterRelease: boolean;
  interests: string[];
  teacherIds: string[];
  courseIds: string[];
  slots: Array<{ day: string; from: string; to: string }>;
  status: string;
  /** The id of a provider from the register ('' for none). */
  providerId: string;
  award: string;
  awardLevel: string;
  certificateApproval: boolean;
}

export function valuesOf(p: Programme): ProgrammeFormValues {
  return {
    title: p.title,
    description: p.description,
    facilityId: String(p.facilityId),
    startsOn: p.startsOn,
    endsOn: p.endsOn,
    seats: String(p.seats),
    language: p.language,
    minEducation: p.minEducation ?? '',
    minLatvian: p.minLatvian ?? '',
    prerequisiteCourseId: p.prerequisiteCourseId ?? '',
    continuesAfterRelease: p.continuesAfterRelease,
    interests: p.interests,
    teacherIds: p.teacherIds.map(String),
    courseIds: p.courseIds,
    slots: p.timetable.map((s) => ({ day: String(s.day), from: s.from, to: s.to })),
    status: p.status,
    providerId: p.providerId === null ? '' : String(p.providerId),
    award: p.award,
    awardLevel: p.awardLevel ?? '',
    certificateApproval: p.certificateApproval,
  };
}

export function emptyValues(facilityId: number | null, language: string): ProgrammeFormValues {
  return {
    title: '',
    description: '',
    facilityId: facilityId === null ? '' : String(facilityId),
    startsOn: '',
    endsOn: '',
    seats: '12',
    language,
    minEducation: '',
    minLatvian: '',
    prerequisiteCourseId: '',
    continuesAfterRelease: false,
    interests: [],
    teacherIds: [],
    courseIds: [],
    slots: [],
    status: 'open',
    providerId: '',
    award: 'module',
    awardLevel: '',
    certificateApproval: false,
  };
}

export type ProgrammeFormResult = { ok: true; input: ProgrammeInput; values: ProgrammeFormValues } | { ok: false; errors: FieldErrors; values: ProgrammeFormValues };

const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === 'string' ? v : '';
};

export function readProgrammeForm(form: FormData): ProgrammeFormResult {
  const values: ProgrammeFormValues = {
    title: text(form, 'title'),
    description: text(form, 'description'),
    facilityId: text(form, 'facilityId'),
    startsOn: text(form, 'startsOn'),
    endsOn: text(form, 'endsOn'),
    seats: text(form, 'seats'),
    language: text(form, 'language'),
    minEducation: text(form, 'minEducation'),
    minLatvian: text(form, 'minLatvian'),
    prerequisiteCourseId: text(form, 'prerequisiteCourseId'),
    continuesAfterRelease: text(form, 'continuesAfterRelease') === '1',
    interests: form.getAll('interests').filter((v): v is string => typeof v === 'string'),
    teacherIds: form.getAll('teacherIds').filter((v): v is string => typeof v === 'string'),
    courseIds: Array.from({ length: COURSE_ROWS }, (_, i) => text(form, `course${i}`)),
    slots: Array.from({ length: SLOT_ROWS }, (_, i) => ({ day: text(form, `slot${i}Day`), from: text(form, `slot${i}From`), to: text(form, `slot${i}To`) })),
    status: text(form, 'status') || 'open',
    providerId: text(form, 'providerId'),
    award: text(form, 'award') || 'module',
    awardLevel: text(form, 'awardLevel'),
    certificateApproval: text(form, 'certificateApproval') === '1',
  };
  const errors: FieldErrors = {};
  // A timetable row counts when any of its fields is filled; a half-filled row is an error on that row.
  const slots = values.slots
    .map((s, i) => ({ ...s, i }))
    .filter((s) => s.day || s.from || s.to);
  for (const s of slots) {
    if (!s.day || !s.from || !s.to) errors[`slot${s.i}`] = 'programme.slotIncomplete';
  }
  const candidate = {
    facilityId: Number(values.facilityId) || 0,
    title: values.title,
    description: values.description,
    startsOn: values.startsOn.trim(),
    endsOn: values.endsOn.trim(),
    seats: values.seats.trim() === '' ? Number.NaN : Number(values.seats),
    language: values.language,
    minEducation: values.minEducation || null,
    minLatvian: values.minLatvian || null,
    prerequisiteCourseId: values.prerequisiteCourseId || null,
    continuesAfterRelease: values.continuesAfterRelease,
    interests: values.interests,
    timetable: slots.filter((s) => s.day && s.from && s.to).map((s) => ({ day: Number(s.day), from: s.from, to: s.to })),
    courseIds: values.courseIds.filter(Boolean),
    teacherIds: values.teacherIds.map(Number).filter((n) => Number.isInteger(n) && n > 0),
    status: values.status,
    providerId: /^\d{1,12}$/.test(values.providerId) && Number(values.providerId) > 0 ? Number(values.providerId) : values.providerId === '' ? null : Number.NaN,
    award: values.award,
    awardLevel: values.awardLevel,
    certificateApproval: values.certificateApproval,
  };
  const parsed = programmeInputSchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [first, index, sub] = issue.path;
      let field = first === undefined ? '_form' : String(first);
      if (field === 'timetable' && typeof index === 'number') field = `slot${slots.filter((s) => s.day && s.from && s.to)[index]?.i ?? 0}`;
      if (field === 'courseIds') field = 'course0';
      const key: MessageKey = isMessageKey(issue.message) ? issue.message : field === 'facilityId' ? 'validation.required' : 'validation.invalid';
      if (!errors[field]) errors[field] = key;
      void sub;
    }
  }
  if (Object.keys(errors).length || !parsed.success) return { ok: false, errors, values };
  return { ok: true, input: parsed.data, values };
}
