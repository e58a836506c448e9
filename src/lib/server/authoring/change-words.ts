import { t, type MessageKey } from '../../i18n/index.ts';
import type { Locale } from '../../shared/domain.ts';
import type { ActivityInfo, ChangeSummary, CourseChange } from './changes.ts';

/**
 * A course's changes in the teacher's words, in lv/en/ru. Counted phrases use
 * `{count|one|few|other}` in the catalogue: Latvian and Russian nouns agree
 * with the number (1 nodarbība, 3 nodarbības; 1 урок, 3 урока, 5 уроков).
 */

const rules = new Map<string, Intl.PluralRules>();
function pluralIndex(locale: Locale, n: number): number {
  let rule = rules.get(locale);
  if (!rule) rules.set(locale, (rule = new Intl.PluralRules(locale)));
  const category = rule.select(n);
  return category === 'one' ? 0 : category === 'few' ? 1 : 2;
}

/** A message with its `{count|…}` forms chosen for `count`. */
export function counted(locale: Locale, key: MessageKey, params: Record<string, string | number>): string {
  const count = Number(params.count ?? 0);
  return t(locale, key, params).replace(/\{count\|([^}]*)\}/g, (_m, forms: string) => {
    const list = forms.split('|');
    return list[Math.min(pluralIndex(locale, count), list.length - 1)] ?? '';
  });
}

/** Kinds of H5P activity a teacher recognises; others are shown by their library name. */
const ACTIVITY_TYPES: Record<string, MessageKey> = {
  'H5P.MultiChoice': 'authoring.h5pType.multiChoice',
  'H5P.TrueFalse': 'authoring.h5pType.trueFalse',
  'H5P.Blanks': 'authoring.h5pType.blanks',
  'H5P.DragText': 'authoring.h5pType.dragText',
  'H5P.DragQuestion': 'authoring.h5pType.dragQuestion',
  'H5P.MarkTheWords': 'authoring.h5pType.markTheWords',
  'H5P.QuestionSet': 'authoring.h5pType.questionSet',
  'H5P.SingleChoiceSet': 'authoring.h5pType.singleChoiceSet',
  'H5P.Essay': 'authoring.h5pType.essay',
};

/** "H5P activity: Multiple choice — 'Kas ir budžets?'" (or just "H5P activity" when the package is unknown). */
export function describeActivity(locale: Locale, activity: ActivityInfo | null): string {
  if (!activity) return t(locale, 'authoring.h5pUnknown');
  const key = ACTIVITY_TYPES[activity.library];
  const type = key ? t(locale, key) : activity.library.replace(/^H5P\./, '');
  return t(locale, 'authoring.h5pActivity', { type, title: activity.title });
}

/** One change as a sentence: "Lesson 'Budget' text changed", "Test 'Money': 2 questions added". */
export function describeChange(locale: Locale, change: CourseChange): string {
  switch (change.kind) {
    case 'questionsAdded':
    case 'questionsRemoved':
    case 'questionsChanged':
      return counted(locale, `authoring.ch.${change.kind}`, { title: change.title, count: change.count });
    case 'activityAdded':
    case 'activityRemoved':
      return t(locale, `authoring.ch.${change.kind}`, { lesson: change.lesson, activity: describeActivity(locale, change.activity) });
    case 'activityReplaced':
      return t(locale, 'authoring.ch.activityReplaced', { lesson: change.lesson, activity: describeActivity(locale, change.activity) });
    case 'lessonRenamed':
    case 'quizRenamed':
    case 'moduleRenamed':
      return t(locale, `authoring.ch.${change.kind}`, { title: change.title, from: change.from });
    case 'order':
    case 'settings':
      return t(locale, `authoring.ch.${change.kind}`);
    case 'pictureAdded':
    case 'pictureRemoved':
    case 'pictureReplaced':
      return t(locale, `authoring.ch.${change.kind}`, { name: change.name });
    default:
      return t(locale, `authoring.ch.${change.kind}`, { title: change.title });
  }
}

/** The publish summary as short phrases: ["3 lessons changed", "1 test added", "1 H5P activity replaced"]. */
export function describeSummary(locale: Locale, summary: ChangeSummary): string[] {
  const parts: string[] = [];
  const add = (key: MessageKey, count: number) => {
    if (count > 0) parts.push(counted(locale, key, { count }));
  };
  add('authoring.sum.lessonsAdded', summary.lessons.added);
  add('authoring.sum.lessonsChanged', summary.lessons.changed);
  add('authoring.sum.lessonsRemoved', summary.lessons.removed);
  add('authoring.sum.quizzesAdded', summary.quizzes.added);
  add('authoring.sum.quizzesChanged', summary.quizzes.changed);
  add('authoring.sum.quizzesRemoved', summary.quizzes.removed);
  add('authoring.sum.activitiesAdded', summary.activities.added);
  add('authoring.sum.activitiesReplaced', summary.activities.replaced);
  add('authoring.sum.activitiesRemoved', summary.activities.removed);
  add('authoring.sum.picturesAdded', summary.pictures.added + summary.pictures.replaced);
  add('authoring.sum.picturesRemoved', summary.pictures.removed);
  if (summary.settings) parts.push(t(locale, 'authoring.ch.settings'));
  if (summary.structure) parts.push(t(locale, 'authoring.sum.structure'));
  return parts;
}

/** The summary as one sentence: "3 lessons changed, 1 test added" ("Изменено 3 урока, добавлен 1 тест"). */
export function summarySentence(locale: Locale, summary: ChangeSummary): string {
  const text = describeSummary(locale, summary).join(', ');
  return text.charAt(0).toLocaleUpperCase(locale) + text.slice(1);
}
