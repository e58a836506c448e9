import type { APIRoute } from 'astro';
import { z } from 'zod';
import { pdfAttachment } from '../../../../lib/server/http/download.ts';
import { runAction } from '../../../../actions/runner.ts';
import { activationSheet } from '../../../../actions/placement.ts';

/**
 * The activation sheet as a PDF. The staff page that has just issued a code
 * sends it back here (POST, with the CSRF token); the PDF is made from it and
 * the record, only while the code is the learner's open one. Nothing is
 * stored. Another prison's learner, and a wrong or spent code, look missing.
 */
export const POST: APIRoute = async (context) => {
  const id = z.coerce.number().int().positive().safeParse(context.params.id);
  const state = id.success ? await runAction(context, activationSheet(id.data)) : null;
  if (!state?.ok) return new Response('Not found', { status: 404 });
  return pdfAttachment(state.result.pdf, 'tilts-aktivizacija.pdf');
};
