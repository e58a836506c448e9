import { z } from 'zod';
import { defineAction } from './runner.ts';
import { importRoster, previewRoster } from '../lib/server/people/roster.ts';
import { MAX_ROSTER_BYTES } from '../lib/server/people/roster-csv.ts';
import { issuePins, MAX_PIN_BATCH, type PinSlip } from '../lib/server/people/pin-slips.ts';

/**
 * The roster import: upload → preview (nothing written) → import. The
 * preview page carries the file's text in a hidden field of the import form,
 * so the server keeps nothing between the two steps; the import parses and
 * checks everything again (the text is only as trusted as an upload).
 */

/** The file's name, shown in the report and the audit log. */
const fileName = z.string().max(1000).default('').transform((v) => v.slice(0, 200));

export const rosterActions = {
  preview: defineAction({
    input: z.object({
      /** The prison register's CSV export. */
      roster: z.instanceof(File, { error: 'roster.chooseFile' }).refine((f) => f.size > 0, { error: 'roster.chooseFile' }),
    }),
    maxBytes: MAX_ROSTER_BYTES,
    messages: { 'request.tooLarge': 'roster.file.tooLarge' },
    run: async (input, { db, user }) => {
      const bytes = Buffer.from(await input.roster.arrayBuffer());
      const result = previewRoster(db, { kind: 'staff', user }, bytes);
      // A readable roster is valid UTF-8; the decoder drops the byte order mark.
      return result.ok ? { ...result, text: new TextDecoder().decode(bytes), fileName: input.roster.name.slice(0, 200) } : result;
    },
  }),
  import: defineAction({
    input: z.object({
      /** The file's text, as the preview showed it. */
      csv: z.string({ error: 'roster.chooseFile' }).min(1, { error: 'roster.chooseFile' }),
      fileName,
    }),
    maxBytes: MAX_ROSTER_BYTES,
    messages: { 'request.tooLarge': 'roster.file.tooLarge' },
    run: async (input, { db, user }) => {
      const result = await importRoster(db, { kind: 'staff', user }, input.csv, { fileName: input.fileName });
      return result.ok ? { ...result, text: '', fileName: input.fileName } : result;
    },
  }),
};

/**
 * PIN slips for a batch of learners (after an import): only learners without
 * a PIN get one, unless `replace` comes with its confirmation. The domain
 * checks the scope (every learner of the batch in the staff member's prisons)
 * and audits each PIN. The answer carries the slips; the endpoint makes the PDF.
 */
export const pinSlips = defineAction({
  input: z.object({
    /** The learners of the batch (the new learners of the import). */
    learner: z.array(z.coerce.number().int().positive()).min(1).max(MAX_PIN_BATCH),
    /** '1': replace PINs already handed over (asked on the batch page). */
    replace: z.literal('1').optional(),
    /** '1': the confirmation that goes with `replace`. */
    confirm: z.literal('1').optional(),
  }),
  lists: ['learner'],
  invalid: 'validation.badForm',
  run: async (input, { db, user }) => {
    const ids = input.learner;
    if (input.replace && !input.confirm) return { ok: true as const, ids, slips: [] as PinSlip[], unconfirmed: true };
    const result = await issuePins(db, user, ids, { replace: input.replace === '1' });
    // A refused batch keeps its ids: the batch page shows it again and says why.
    return result.ok ? { ok: true as const, ids, slips: result.slips, unconfirmed: false } : { ...result, ids };
  },
});
