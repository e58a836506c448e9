import type { APIRoute } from 'astro';
import { z } from 'zod';
import { pdfAttachment } from '../../../../lib/server/http/download.ts';
import { activationSheetFor, activationSheetPdf } from '../../../../lib/server/portal/activation-sheet.ts';

/**
 * The activation sheet as a PDF. The staff page that has just issued a code
 * sends it back here (POST, with the CSRF token); the PDF is made from it and
 * the record, only while the code is the learner's open one. Nothing is
 * stored. Another prison's learner, and a wrong or spent code, look missing.
 */
const formSchema = z.object({ code: z.string().max(40) });

export const POST: APIRoute = async ({ locals, params, request, url }) => {
  const { db, user, config } = locals;
  const id = z.coerce.number().int().positive().safeParse(params.id);
  const form = formSchema.safeParse(Object.fromEntries(await request.formData().catch(() => new FormData())));
  const notFound = () => new Response('Not found', { status: 404 });
  if (!user || !id.success || !form.success) return notFound();
  const result = activationSheetFor(db, user, id.data, form.data.code, `${config.publicOrigin ?? url.origin}/portal/activate`);
  if (!result.ok) return notFound();
  return pdfAttachment(await activationSheetPdf(result.sheet), 'tilts-aktivizacija.pdf');
};
