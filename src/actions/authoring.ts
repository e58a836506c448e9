import { z } from 'zod';
import nodePath from 'node:path';
import { defineAction } from './runner.ts';
import { createCourse, importPackageZip, startEditingPackage } from '../lib/server/authoring/courses.ts';
import { courseSettingsFormSchema, newCourseFormSchema } from '../lib/server/authoring/forms.ts';
import { addImage, addItem, addModule, attachActivity, changeItem, detachActivity, saveLesson, saveQuiz, updateSettings } from '../lib/server/authoring/edit.ts';
import { publishDraft, rollbackTo } from '../lib/server/authoring/publish.ts';
import { parseQuizForm } from '../lib/server/authoring/quiz-form.ts';

/** The teacher's course editor (teach/author). */

/** Largest .h5p upload (the unpacked size is limited again when it is validated). */
export const MAX_H5P_UPLOAD_BYTES = 50 * 1024 * 1024;

/** An uploaded file, refused with `message` when none was chosen. */
const upload = (message: 'authoring.chooseZip' | 'authoring.chooseImage' | 'activity.chooseFile') =>
  z.instanceof(File, { error: message }).refine((f) => f.size > 0, { error: message });

/** A new, empty course; the editor opens on it. */
export const newCourse = defineAction({
  input: newCourseFormSchema,
  fields: { 'authoring.idTaken': 'id', 'auth.forbidden': 'id' },
  run: (input, { db, user }) => createCourse(db, user, input),
  redirect: (result) => `/teach/author/${result.courseId}`,
});

/** A course package (.zip) brought into the editor. */
export const importPackage = defineAction({
  input: z.object({
    /** The package, as exported from the editor or built by hand. */
    package: upload('authoring.chooseZip'),
  }),
  run: async (input, { db, user, config }) => importPackageZip(db, config.dataDir, user, Buffer.from(await input.package.arrayBuffer())),
  redirect: (result) => `/teach/author/${result.courseId}?imported=1`,
});

/** A course from the courses/ folder becomes editable in the browser (the start page's button). */
export function startEditing(courseId: string) {
  return defineAction({
    input: z.object({}),
    run: (_input, { db, user, config }) => startEditingPackage(db, user, courseId, nodePath.join(config.coursesDir, courseId)),
    redirect: () => `/teach/author/${courseId}`,
  });
}

/** The forms of a course's editor page. */
export function courseEditorActions(courseId: string) {
  const move = (direction: 'up' | 'down' | 'remove') =>
    defineAction({
      input: z.object({
        /** The lesson's or quiz's file in the draft, e.g. 'modules/01/lesson-01.md'. */
        path: z.string().min(1).max(300),
      }),
      invalid: 'validation.badForm',
      done: 'common.saved',
      run: (input, { db, user }) => changeItem(db, user, courseId, input.path, direction),
    });
  return {
    settings: defineAction({
      input: courseSettingsFormSchema,
      done: 'common.saved',
      run: (input, { db, user }) => updateSettings(db, user, courseId, input),
    }),
    addModule: defineAction({
      input: z.object({
        /** The new module's title. */
        title: z.string().trim().min(1).max(300),
      }),
      invalid: 'validation.required',
      done: 'common.saved',
      run: (input, { db, user }) => addModule(db, user, courseId, input.title),
    }),
    addItem: defineAction({
      input: z.object({
        /** The module the item goes into. */
        module: z.string().max(100),
        /** A lesson (text) or a quiz. */
        kind: z.enum(['lesson', 'quiz']).catch('lesson'),
        /** The new item's title. */
        title: z.string().trim().min(1).max(300),
      }),
      invalid: 'validation.required',
      done: 'common.saved',
      run: (input, { db, user }) => addItem(db, user, courseId, input.module, input.kind, input.title),
    }),
    up: move('up'),
    down: move('down'),
    remove: move('remove'),
    /** A picture for the lessons; the page shows the Markdown that shows it. */
    image: defineAction({
      input: z.object({
        /** A PNG, JPEG or WebP picture. */
        image: upload('authoring.chooseImage'),
      }),
      run: async (input, { db, user }) => addImage(db, user, courseId, input.image.name, Buffer.from(await input.image.arrayBuffer())),
    }),
  };
}

/**
 * The publish page's confirm button: makes the draft what learners see (a new
 * version when something changed), after the teacher has read the summary.
 * Back on the course page, the address says whether anything was new.
 */
export function publishCourse(courseId: string) {
  return defineAction({
    input: z.object({}),
    run: (_input, { db, user }) => publishDraft(db, user, courseId),
    redirect: (result) => `/teach/author/${courseId}?published=${result.unchanged ? 'same' : 'new'}`,
  });
}

/** The history page: back to an earlier publication. */
export function rollbackCourse(courseId: string) {
  return defineAction({
    input: z.object({
      /** The publication to return to. */
      publication: z.coerce.number().int().positive(),
    }),
    invalid: 'validation.badForm',
    done: 'authoring.rolledBack',
    run: (input, { db, user }) => rollbackTo(db, user, courseId, input.publication),
  });
}

const passPercent = z.coerce
  .number({ error: 'activity.passPercentInvalid' })
  .min(0, { error: 'activity.passPercentInvalid' })
  .max(100, { error: 'activity.passPercentInvalid' });

/** The lesson's text and settings as its editor sends them. */
const lessonInput = z.object({
  /** The lesson's title. */
  title: z.string().trim().min(1, { error: 'validation.required' }).max(200, { error: 'validation.tooLong' }),
  /** About how long it takes, in minutes. */
  minutes: z.coerce.number({ error: 'authoring.minutes' }).int({ error: 'authoring.minutes' }).min(1, { error: 'authoring.minutes' }).max(600, { error: 'authoring.minutes' }),
  /** '1' when ticked: the lesson counts toward completion. */
  required: z.literal('1').optional().transform((v) => v === '1'),
  /** The text, in Markdown. */
  body: z.string().max(200_000, { error: 'validation.tooLong' }),
  /** The score the lesson's H5P activity needs, in percent (only when it has one). */
  passPercent: passPercent.optional(),
});

/** The forms of one lesson's editor page. */
export function lessonEditorActions(courseId: string, path: string, activityPassPercent: number | null) {
  const edited = (input: z.output<typeof lessonInput>) => ({
    title: input.title,
    minutes: input.minutes,
    required: input.required,
    body: input.body,
    passPercent: input.passPercent ?? activityPassPercent,
  });
  return {
    save: defineAction({
      input: lessonInput,
      done: 'common.saved',
      run: (input, { db, user }) => {
        const { passPercent: pass, ...lesson } = edited(input);
        const saved = saveLesson(db, user, courseId, path, { ...lesson, ...(input.passPercent !== undefined ? { passPercent: input.passPercent } : {}) });
        return saved.ok ? { ok: true as const, lesson: { ...lesson, passPercent: pass } } : saved;
      },
    }),
    /** Saves, then asks to confirm publishing with the summary of changes (the sticky bar's Publish). */
    publish: defineAction({
      input: lessonInput,
      run: (input, { db, user }) => {
        const { passPercent: _pass, ...lesson } = edited(input);
        return saveLesson(db, user, courseId, path, { ...lesson, ...(input.passPercent !== undefined ? { passPercent: input.passPercent } : {}) });
      },
      redirect: () => `/teach/author/${courseId}/publish`,
    }),
    /** Shows the text as learners will see it, without saving. */
    preview: defineAction({
      input: lessonInput,
      run: (input) => ({ ok: true as const, lesson: edited(input) }),
    }),
    /** An H5P package becomes the lesson's activity (checked as untrusted code first). */
    attach: defineAction({
      input: z.object({
        /** The .h5p file. */
        package: upload('activity.chooseFile').refine((f) => f.size <= MAX_H5P_UPLOAD_BYTES, { error: 'activity.fileTooLarge' }),
        /** The score that counts as passed, in percent. */
        passPercent,
      }),
      at: 'package',
      messages: { 'authoring.notFound': 'validation.badForm', 'authoring.noDraft': 'validation.badForm' },
      done: 'activity.attached',
      run: async (input, { db, user, config }) =>
        attachActivity(db, config.dataDir, user, courseId, path, { name: input.package.name, bytes: Buffer.from(await input.package.arrayBuffer()) }, input.passPercent),
    }),
    detach: defineAction({
      input: z.object({}),
      done: 'activity.detached',
      run: (_input, { db, user }) => detachActivity(db, user, courseId, path),
    }),
  };
}

/**
 * The quiz editor: its numbered question fields are read by the quiz form's
 * own parser (lib/server/authoring/quiz-form.ts). "Add a question" only
 * redraws the form; "Save" saves a quiz that validates.
 */
export function quizEditor(courseId: string, path: string) {
  return defineAction({
    input: z.instanceof(FormData),
    raw: true,
    run: (form, { db, user }) => {
      const parsed = parseQuizForm(form);
      if (!parsed.ok) {
        if (Object.keys(parsed.errors).length) return { ok: false as const, code: 'validation.invalid', fieldErrors: parsed.errors, draft: parsed.draft };
        return { ok: true as const, saved: false, quiz: parsed.draft as Record<string, unknown> };
      }
      const saved = saveQuiz(db, user, courseId, path, parsed.quiz);
      return saved.ok ? { ok: true as const, saved: true, quiz: parsed.quiz as unknown as Record<string, unknown> } : saved;
    },
    // After `run`: TypeScript infers the answer's type from the functions in order.
    done: (result) => (result.saved ? 'common.saved' : null),
  });
}
