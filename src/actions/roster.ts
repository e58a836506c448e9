import { z } from 'zod';
import { defineAction } from './runner.ts';
import { importRoster, previewRoster } from '../lib/server/people/roster.ts';
import { MAX_ROSTER_BYTES } from '../lib/server/people/roster-csv.ts';

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
