import { z } from 'zod';
import { EDUCATION_LEVELS, LATVIAN_LEVELS, LOCALES } from '../../shared/domain.ts';

/**
 * The course package format: one folder per course under `courses/`.
 * These schemas are its documentation; docs/course-packages.md shows an example.
 *
 *   courses/<course-id>/
 *     course.yaml                 the manifest (courseManifestSchema)
 *     <module-id>/NN-name.md      a lesson: YAML front matter (lessonFrontMatterSchema) + Markdown
 *     <module-id>/NN-name.quiz.yaml  a quiz (quizSchema)
 *     images/…                    pictures the lessons show (PNG, JPEG, WebP, SVG is refused)
 *     activities/…                H5P activities (.h5p) that lessons name in `activity.file`
 */

export const TRACKS = ['general-education', 'state-language', 'vocational', 'life-skills'] as const;
export type Track = (typeof TRACKS)[number];

/** Levels per track: basic-education grades 5–9 and secondary; CEFR levels; vocational kinds. */
export const TRACK_LEVELS: Record<Track, readonly string[]> = {
  'general-education': ['basic-5', 'basic-6', 'basic-7', 'basic-8', 'basic-9', 'secondary'],
  'state-language': ['A1', 'A2', 'B1', 'B2', 'C1'],
  // profesionālā pilnveide (professional development, no qualification exam) or
  // profesionālā tālākizglītība (continuing vocational education, ends with a qualification exam)
  vocational: ['professional-development', 'continuing'],
  'life-skills': ['general'],
};

const text = z.string().trim().min(1, 'must not be empty');

/** A text in each of the platform's languages. */
export const localizedSchema = z.object({
  /** Latvian. */
  lv: text,
  /** English. */
  en: text,
  /** Russian. */
  ru: text,
});

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{1,60}$/, 'use lowercase letters, digits and dashes');

export const courseManifestSchema = z
  .object({
    /** The course id; must equal the folder name. Never change it once learners have started. */
    id: slug,
    /** Title in lv, en and ru. */
    title: localizedSchema,
    /** One or two sentences in lv, en and ru: what the learner will be able to do. */
    summary: localizedSchema,
    /** general-education | state-language | vocational | life-skills */
    track: z.enum(TRACKS),
    /** Level within the track (see TRACK_LEVELS), e.g. basic-7, A2, continuing, general. */
    level: z.string(),
    /** Latvian Qualifications Framework level (LKI 1–8) of a vocational qualification, when it leads to one. */
    qualificationLevel: z.number().int().min(1).max(8).optional(),
    /** Nominal hours of the programme (e.g. 160 for professional development, 480 for a continuing programme). */
    hours: z.number().int().positive().max(2000),
    /** Language the lessons are written in. */
    language: z.enum(LOCALES),
    /** What a learner should have before starting; used for placement, not enforced while learning. */
    prerequisites: z
      .object({
        /** Minimum completed education level. */
        educationLevel: z.enum(EDUCATION_LEVELS).optional(),
        /** Minimum state-language level. */
        latvianLevel: z.enum(LATVIAN_LEVELS).optional(),
        /** Courses (ids) to complete first. */
        courses: z.array(slug).default([]),
      })
      .default({ courses: [] }),
    /** When the course counts as completed. */
    passRules: z
      .object({
        /** Lessons that must be marked done: every lesson, or only those marked `required` (the default). */
        lessons: z.enum(['all', 'required']).default('required'),
        /** Every quiz must be passed (true, the default) or quizzes are practice only (false). */
        quizzes: z.boolean().default(true),
        /** Minimum active hours on the course's items (may be fractional). */
        minHours: z.number().min(0).max(2000).default(0),
      })
      .default({ lessons: 'required', quizzes: true, minHours: 0 }),
    /** Modules in order; each lists its items (files in the module's folder) in order. */
    modules: z
      .array(
        z.object({
          /** Module id and folder name. */
          id: slug,
          /** Module title, in the course language. */
          title: text,
          /** File names in the module folder: `*.md` lessons and `*.quiz.yaml` quizzes. */
          items: z
            .array(z.string().regex(/^[\w-]+(\.md|\.quiz\.yaml)$/, 'an item is a .md lesson or a .quiz.yaml quiz file name'))
            .min(1, 'a module needs at least one item'),
        }),
      )
      .min(1, 'a course needs at least one module'),
  })
  .superRefine((m, ctx) => {
    if (!TRACK_LEVELS[m.track].includes(m.level)) {
      ctx.addIssue({ code: 'custom', path: ['level'], message: `for track ${m.track} use one of: ${TRACK_LEVELS[m.track].join(', ')}` });
    }
    const seen = new Set<string>();
    m.modules.forEach((mod, i) => {
      if (seen.has(mod.id)) ctx.addIssue({ code: 'custom', path: ['modules', i, 'id'], message: `module id "${mod.id}" is used twice` });
      seen.add(mod.id);
    });
  });
export type CourseManifest = z.output<typeof courseManifestSchema>;

/** The YAML block between `---` lines at the top of a lesson file. */
export const lessonFrontMatterSchema = z.object({
  /** Lesson title, in the course language. */
  title: text,
  /** About how many minutes the lesson takes. */
  minutes: z.number().int().positive().max(600).default(20),
  /** Whether the lesson counts toward completion when passRules.lessons is 'required'. */
  required: z.boolean().default(true),
  /**
   * An H5P activity shown below the lesson text. A lesson with an activity is
   * done when the learner reaches the pass threshold (no "Mark as done").
   */
  activity: z
    .object({
      /** The .h5p file inside the course package, e.g. `activities/words.h5p`. */
      file: z.string().regex(/^[a-z0-9][\w-]*(\/[a-z0-9][\w-]*)*\.h5p$/i, 'a relative path to a .h5p file, e.g. activities/words.h5p'),
      /** Percent of the activity's points needed to pass (default 70); 0: done once the learner finishes it. */
      passPercent: z.number().min(0).max(100).default(70),
    })
    .strict()
    .optional(),
});
export type LessonFrontMatter = z.output<typeof lessonFrontMatterSchema>;

const explanation = z.string().trim().min(1).optional();
const points = z.number().int().positive().max(100).default(1);

const singleSchema = z
  .object({
    /** One correct option. */
    type: z.literal('single'),
    prompt: text,
    options: z.array(text).min(2).max(8),
    /** The correct option, written exactly as in `options`. */
    answer: text,
    /** Shown after answering: why this is the answer. */
    explanation,
    points,
  })
  .refine((q) => q.options.includes(q.answer), { path: ['answer'], message: 'the answer must be one of the options' });

const multipleSchema = z
  .object({
    /** Several correct options; all and only those must be chosen. */
    type: z.literal('multiple'),
    prompt: text,
    options: z.array(text).min(2).max(8),
    /** The correct options, written exactly as in `options`. */
    answers: z.array(text).min(1),
    explanation,
    points,
  })
  .refine((q) => q.answers.every((a) => q.options.includes(a)), { path: ['answers'], message: 'every answer must be one of the options' });

const trueFalseSchema = z.object({
  /** A statement that is true or false. */
  type: z.literal('truefalse'),
  prompt: text,
  answer: z.boolean(),
  explanation,
  points,
});

const shortSchema = z.object({
  /** A typed answer, compared with the accepted variants. */
  type: z.literal('short'),
  prompt: text,
  /** Accepted answers (variants). */
  accept: z.array(text).min(1),
  /** Ignore capitals, diacritics (ā = a) and extra spaces when comparing (default true). */
  loose: z.boolean().default(true),
  explanation,
  points,
});

const orderSchema = z.object({
  /** Put the items in the right order; they are shown shuffled. */
  type: z.literal('order'),
  prompt: text,
  /** The items in the correct order. */
  items: z.array(text).min(2).max(8),
  explanation,
  points,
});

/** Upper bound of an essay's word limits: what a learner can write in one sitting on a terminal. */
export const ESSAY_MAX_WORDS = 2000;

const essaySchema = z
  .object({
    /**
     * A longer written answer (a few sentences to a page), never graded
     * automatically: the attempt waits until a teacher gives points and a
     * comment, and only then counts as passed or not.
     */
    type: z.literal('essay'),
    prompt: text,
    /** What a good answer contains; shown to the teacher when grading, never to the learner. */
    guidance: z.string().trim().min(1).optional(),
    /** Fewest words the answer must have (checked when the learner submits). */
    minWords: z.number().int().min(1).max(ESSAY_MAX_WORDS).optional(),
    /** Most words the answer may have (default 400, checked when the learner submits). */
    maxWords: z.number().int().min(1).max(ESSAY_MAX_WORDS).default(400),
    /** The most points the teacher can give (default 1, at most 100). */
    points,
  })
  .refine((q) => q.minWords === undefined || q.minWords <= q.maxWords, {
    path: ['minWords'],
    message: 'minWords must not be more than maxWords',
  });

export const questionSchema = z.discriminatedUnion('type', [singleSchema, multipleSchema, trueFalseSchema, shortSchema, orderSchema, essaySchema]);
export type Question = z.output<typeof questionSchema>;
export type QuestionType = Question['type'];

export const quizSchema = z.object({
  /** Quiz title, in the course language. */
  title: text,
  /** A sentence shown before the questions. */
  intro: z.string().trim().optional(),
  /** Percentage of points needed to pass (default 70). */
  passPercent: z.number().min(1).max(100).default(70),
  /** How many attempts a learner has; 0 means no limit (default 3). */
  attempts: z.number().int().min(0).max(100).default(3),
  /** Which attempt counts: the best (default) or the last. */
  keep: z.enum(['best', 'last']).default('best'),
  questions: z.array(questionSchema).min(1, 'a quiz needs at least one question').max(100),
});
export type Quiz = z.output<typeof quizSchema>;
